# nclab: the two commands a new user types are `make reports` and `make test`.
# They install what they need on first use (kernel: Jupyter, GoNB; data: Fashion-MNIST).
# Every target builds with Go 1.27.3 and the SIMD kernels of GoMLX's pure-Go backend
# (see the README).
export GOTOOLCHAIN := go1.27.3
export GOEXPERIMENT := simd
# Quick mode (2 CPU cores, minutes) unless PRESET=paper.
export PRESET ?= quick

.PHONY: test test-go test-tools vet test-notebooks reports kernel data bench

test: vet test-go test-tools test-notebooks

vet:
	@test -z "$$(gofmt -l nclab data)" || { echo "gofmt needed:"; gofmt -l nclab data; exit 1; }
	go vet ./...

test-go: data
	go test -count=1 -timeout 30m ./...

kernel:
	bash kernel-setup/install.sh

# Optional datasets (Fashion-MNIST from apt, before the Go tests that read it). Never
# fails: a notebook skips the rows whose data is missing and says so.
data:
	bash kernel-setup/data.sh

# The report tools (marking failed cells, code-free reports, index.html), on fixtures.
test-tools: kernel
	python3 notebooks/tools/report_test.py

# Executes every notebook headless and checks their outputs (no report files).
test-notebooks: kernel data
	bash notebooks/run.sh --check

# The main job: every notebook executed into reports/NN-name.html (+ .nocode.html, .ipynb)
# and reports/index.html.
reports: kernel data
	bash notebooks/run.sh --reports reports

bench:
	bash bench/run.sh
