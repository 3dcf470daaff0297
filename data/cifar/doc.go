// Package cifar reads the binary version of CIFAR-10 (Krizhevsky 2009,
// https://www.cs.toronto.edu/~kriz/cifar.html, cifar-10-binary.tar.gz): files
// data_batch_1.bin .. data_batch_5.bin (train, 50,000 images) and test_batch.bin
// (10,000), each a sequence of 3,073-byte records: one label byte (0..9) then the
// 32x32 image as three 1,024-byte planes, red, green, blue, rows top to bottom.
// Images are returned HWC (channels last), the layout of the rest of the toolkit.
package cifar
