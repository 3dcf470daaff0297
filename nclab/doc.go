// Package nclab is the root of the nclab toolkit for multi-label neural collapse
// (Li, Li, Wang, Qu, "Neural Collapse in Multi-label Learning with Pick-all-label
// Loss", ICML 2024). It holds what every part of the toolkit shares: the choice of
// compute backend for GoMLX graphs (NewBackend).
//
// The method notes, nclab/METHOD.md, state every formula, metric, dataset recipe and
// training setting the toolkit implements, with the paper's section or equation for
// each and a table from formula to code; package docs cite them as "METHOD.md §N".
//
// # Package map
//
// In layer order: a package imports packages of its own or earlier layers, never of a
// later one (import paths github.com/nclab/nclab/nclab/... and
// github.com/nclab/nclab/data/...).
//
// Layer 1, foundations (no nclab imports):
//
//   - labelset: label sets S ⊆ [K], multiplicities, lexicographic ranking (§1).
//   - etf: simplex equiangular tight frames and the ETF distance E(A) (§4, §5).
//   - loss: PAL, PAL-N and one-vs-all losses as GoMLX graph functions (§2).
//   - npyfile: NumPy .npy files in and out (features, labels, classifiers).
//   - conv: convolution and batch-norm blocks that run fast on the pure-Go backend.
//   - nclab (this package): the compute backend (NewBackend).
//   - data/idx, data/cifar, data/coco: readers of the official file formats;
//     data/fetch: checked downloads.
//
// Layer 2, measures and data (on labelset and etf):
//
//   - collapse: NC1, NC_m, NC2, NC3, the tag-wise angle metric and gamma_m (§5).
//   - multilabel: F1, subset accuracy, Hamming loss, Jaccard and the softmax mass on
//     the true set (§8).
//   - plots: the pictures (curves, bars, heat maps, projections, contact sheets).
//   - data/svhn: SVHN's labels as label sets; data/mlab: the pad-stack recipe;
//     data: the M-lab datasets, presets, cache, batches (§6).
//
// Layer 3, models and decoders:
//
//   - ufm: the unconstrained feature model, Theorem 1's optimum and a trainer (§3).
//   - models: the networks (MLP, CNNs, ResNet18/50, VGG16/19) and heads (§7).
//   - decode: ONN and one-vs-all decoding of frozen features, with FLOPs (§8).
//
// Layer 4, experiments:
//
//   - train: trains a model on a data set, tracking collapse; presets; the run
//     directory (§2, §7).
//   - tables: the paper's Tables 1 and 2 as data, Markdown and HTML (§8).
//
// Layer 5, the command-line tool: cmd/nclab.
//
// # Backends
//
// NewBackend returns GoMLX's pure-Go backend ("go") unless the environment variable
// GOMLX_BACKEND names another one, for example "go:parallelism=-1", "xla:cpu" or
// "xla:cuda" ("cpu" and "cuda" alone are read as "xla:cpu" and "xla:cuda"). The
// pure-Go backend gets one op executor per core (num_executors, at most 8) unless the
// options set num_executors, parallelism or ops_sequential/ops_parallel: with the
// backend's default of 8 executors, their idle goroutines hold the worker pool on a
// small machine and a large matmul runs on one core (METHOD.md, appendix B).
//
// The XLA backend is compiled in only with the build tag xla
// (go build -tags xla ./...), because it needs cgo and loads a PJRT plugin (a shared
// library) with dlopen; without the tag the binaries stay pure Go and start fast.
// Before it creates an XLA backend, NewBackend looks for the plugin itself, in the
// folders GoMLX's go-xla searches (PJRT_PLUGIN_LIBRARY_PATH if set; otherwise
// ~/.local/lib/go-xla, /usr/local/lib/go-xla, their nvidia subfolders, the older
// gomlx/pjrt folders, LD_LIBRARY_PATH and /etc/ld.so.conf), and returns an error
// saying how to install it when it is absent. It never downloads anything: the
// go-xla auto-installer is not linked in.
package nclab
