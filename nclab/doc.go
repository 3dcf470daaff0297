// Package nclab is the root of the nclab toolkit for multi-label neural collapse
// (Li, Li, Wang, Qu, "Neural Collapse in Multi-label Learning with Pick-all-label
// Loss", ICML 2024). It holds what every part of the toolkit shares: the choice of
// compute backend for GoMLX graphs (NewBackend).
//
// The science lives in focused subpackages, each citing the section of
// shared/spec/METHOD.md it implements:
//
//   - labelset: label sets S ⊆ [K], multiplicities, lexicographic ranking (§1).
//   - etf: simplex equiangular tight frames and the ETF distance E(A) (§4, §5).
//   - loss: PAL, PAL-N and one-vs-all losses as GoMLX graph functions (§2).
//   - collapse: NC1, NC_m, NC2, NC3, the tag-wise angle metric and gamma_m (§5).
//   - multilabel: F1, subset accuracy, Hamming loss, Jaccard and the softmax mass on
//     the true set (§8).
//   - npyfile: NumPy .npy files in and out (features, labels, classifiers).
//
// # Backends
//
// NewBackend returns GoMLX's pure-Go backend ("go") unless the environment variable
// GOMLX_BACKEND names another one, for example "go:parallelism=-1", "xla:cpu" or
// "xla:cuda" ("cpu" and "cuda" alone are read as "xla:cpu" and "xla:cuda").
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
