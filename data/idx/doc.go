// Package idx reads the IDX file format of the MNIST and Fashion-MNIST distributions
// (LeCun et al., "The MNIST database of handwritten digits"): a big-endian header
// (two zero bytes, a type code, the number of dimensions, one uint32 per dimension)
// followed by the values in row-major order. Files may be raw or gzip-compressed
// (train-images-idx3-ubyte.gz); the gzip magic bytes decide, not the file name.
//
// Only the unsigned-byte type (0x08), the one the image and label files use, is
// supported. Every mismatch between header and payload is an error naming the file:
// "idx: train-images-idx3-ubyte.gz: header says 60000x28x28 (47040000 bytes), file holds 47039872".
package idx
