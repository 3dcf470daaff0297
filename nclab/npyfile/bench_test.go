package npyfile

import (
	"path/filepath"
	"testing"
)

// BenchmarkWriteReadFeatures writes and reads a 40,000 x 512 float32 feature matrix,
// the size of a training run's train_features.npy.
func BenchmarkWriteReadFeatures(b *testing.B) {
	const rows, cols = 40000, 512
	data := make([]float32, rows*cols)
	for i := range data {
		data[i] = float32(i%997) / 997
	}
	path := filepath.Join(b.TempDir(), "features.npy")
	b.SetBytes(int64(4 * len(data)))
	for b.Loop() {
		if err := Write(path, []int{rows, cols}, data); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ReadMatrix(path); err != nil {
			b.Fatal(err)
		}
	}
}
