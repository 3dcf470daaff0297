// Package npyfile reads and writes NumPy .npy files as matrices, for exchanging
// features, labels, logits and classifiers with PyTorch/NumPy code and between nclab's
// commands (a training run directory holds train_features.npy, train_labels.npy, …).
//
// It wraps codeberg.org/sbinet/npyio, adding what that library leaves to the caller:
// reading any real dtype (float16 excepted) as float64, Fortran order, 1-D and 2-D
// shapes, and errors that name the file.
//
//   - ReadMatrix(path) returns a 2-D (or 1-D, as n x 1) array as a float64 *mat.Dense.
//   - ReadVector(path) returns a 1-D array (or an n x 1 or 1 x n one) as []float64.
//   - Write(path, shape, data) writes a 1-D or 2-D array of float32, float64, uint8,
//     int32 or int64 in C order (its own NEP 1 header: npyio.Write is slow on large
//     arrays); WriteMatrix writes a gonum matrix as float64.
package npyfile
