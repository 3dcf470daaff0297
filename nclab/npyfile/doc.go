// Package npyfile reads and writes NumPy .npy files as matrices, for exchanging
// features, labels, logits and classifiers with PyTorch/NumPy code and between nclab's
// commands (a training run directory holds train_features.npy, train_labels.npy, …).
//
//   - Open(path) checks a file and returns a Reader that streams its rows as float64
//     (Reader.Next), for files larger than memory.
//   - ReadMatrix(path) returns a 2-D (or 1-D, as n x 1) array as a float64 *mat.Dense.
//   - ReadVector(path) returns a 1-D array (or an n x 1 or 1 x n one) as []float64.
//   - Write(path, shape, data) writes a 1-D or 2-D array of float32, float64, uint8,
//     int32 or int64 in C order; WriteMatrix writes a gonum matrix as float64.
//
// The reader is its own (NEP 1 and the NumPy format documentation): format versions
// 1.0, 2.0 and 3.0; dtypes float16/32/64, (u)int8..64 and bool, little- or big-endian
// ('<', '>', '|' for one-byte types); C or Fortran order; 1-D and 2-D shapes. The
// header dictionary is parsed strictly (exactly the keys descr, fortran_order and
// shape; a shape tuple of non-negative integers, Python 2's 3L accepted), the element
// and byte counts are checked for overflow, and the file must hold exactly the bytes
// the shape calls for, all before anything is allocated: a hostile header cannot make
// the reader allocate more than eight times the file's size (FuzzRead). Every error
// names the file.
package npyfile
