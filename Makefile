# nclab: the two commands a new user types are `make reports` and `make test`.
# Every target builds with Go 1.27.3 and the SIMD kernels of GoMLX's pure-Go backend
# (see ../shared/ENVIRONMENT.md and the README).
export GOTOOLCHAIN := go1.27.3
export GOEXPERIMENT := simd
# Quick mode (2 CPU cores, minutes) unless PRESET=paper.
export PRESET ?= quick

.PHONY: test test-go vet test-notebooks reports kernel bench

test: vet test-go test-notebooks

vet:
	@test -z "$$(gofmt -l nclab data)" || { echo "gofmt needed:"; gofmt -l nclab data; exit 1; }
	go vet ./...

test-go:
	go test -count=1 -timeout 30m ./...

kernel:
	bash kernel-setup/install.sh

# Executes every notebook headless and checks their outputs (no report files).
test-notebooks: kernel
	bash notebooks/run.sh --check

# The main job: every notebook executed into reports/NN-name.html and .ipynb.
reports: kernel
	bash notebooks/run.sh --reports reports

bench:
	bash bench/run.sh
