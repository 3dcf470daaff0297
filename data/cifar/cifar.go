package cifar

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Image geometry of CIFAR-10.
const (
	Size       = 32
	Channels   = 3
	K          = 10
	RecordSize = 1 + Size*Size*Channels

	// MaxFileSize bounds the file ReadFile reads: 100,000 records, ten times
	// an official batch file.
	MaxFileSize = 100_000 * RecordSize
)

// TrainFiles and TestFile are the names of the binary batches.
var (
	TrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}
	TestFile   = "test_batch.bin"
)

// Batch is a decoded batch: N images of 32x32x3 bytes, HWC, and their classes.
type Batch struct {
	Pixels []uint8
	Labels []int
}

// Decode decodes a whole binary batch file's content; name is used in errors.
func Decode(b []byte, name string) (*Batch, error) {
	if len(b) == 0 || len(b)%RecordSize != 0 || len(b) > MaxFileSize {
		return nil, fmt.Errorf("cifar: %s: %d bytes is not a whole number of %d-byte records (truncated or not a CIFAR-10 binary batch)", name, len(b), RecordSize)
	}
	n := len(b) / RecordSize
	out := &Batch{Pixels: make([]uint8, n*Size*Size*Channels), Labels: make([]int, n)}
	const plane = Size * Size
	for i := range n {
		rec := b[i*RecordSize : (i+1)*RecordSize]
		if rec[0] >= K {
			return nil, fmt.Errorf("cifar: %s: record %d has label %d, want 0..9 (corrupt file, or the CIFAR-100 format?)", name, i, rec[0])
		}
		out.Labels[i] = int(rec[0])
		img := out.Pixels[i*plane*Channels : (i+1)*plane*Channels]
		for p := range plane {
			for c := range Channels {
				img[p*Channels+c] = rec[1+c*plane+p]
			}
		}
	}
	return out, nil
}

// ReadFile reads one binary batch file.
func ReadFile(path string) (*Batch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cifar: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cifar: %w", err)
	}
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("cifar: %s: %d bytes, more than a batch file holds (at most %d): not a CIFAR-10 binary batch", path, st.Size(), int64(MaxFileSize))
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cifar: %s: %w", path, err)
	}
	return Decode(b, filepath.Base(path))
}

// ReadDir reads the train split (the five data batches, in order) and the test split
// from a folder holding the binary batches (cifar-10-batches-bin).
func ReadDir(dir string) (train, test *Batch, err error) {
	train = &Batch{}
	for _, name := range TrainFiles {
		b, err := ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		train.Pixels = append(train.Pixels, b.Pixels...)
		train.Labels = append(train.Labels, b.Labels...)
	}
	if test, err = ReadFile(filepath.Join(dir, TestFile)); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// Encode writes images (HWC) and labels as a binary batch, the inverse of Decode.
// Tests use it to write files in the real format.
func Encode(pixels []uint8, labels []int) []byte {
	const plane = Size * Size
	out := make([]byte, 0, len(labels)*RecordSize)
	for i, l := range labels {
		rec := make([]byte, RecordSize)
		rec[0] = byte(l)
		img := pixels[i*plane*Channels : (i+1)*plane*Channels]
		for p := range plane {
			for c := range Channels {
				rec[1+c*plane+p] = img[p*Channels+c]
			}
		}
		out = append(out, rec...)
	}
	return out
}
