package data

import "testing"

// BenchmarkBuildPaperMNIST builds paper-size M-lab MNIST train + test (40,000 +
// 10,250 images of 56x56) from decoded sources (the first call also decodes the IDX
// files; they stay in memory).
func BenchmarkBuildPaperMNIST(b *testing.B) {
	if _, _, err := Build(Recipe{Dataset: MNIST, Preset: Paper, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := Build(Recipe{Dataset: MNIST, Preset: Paper, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCachedPaperMNIST reads paper-size M-lab MNIST from the cache (158 MB).
func BenchmarkLoadCachedPaperMNIST(b *testing.B) {
	r := Recipe{Dataset: MNIST, Preset: Paper, Seed: 1, CacheDir: b.TempDir()}
	if _, _, err := Load(r); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, _, err := Load(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatch128 converts 128 images of 56x56 to float32 (what each training step needs).
func BenchmarkBatch128(b *testing.B) {
	train, _, err := Build(Recipe{Dataset: MNIST, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, 128)
	for i := range idx {
		idx[i] = (i * 17) % train.Len()
	}
	dst := make([]float32, 128*train.ImageSize())
	b.SetBytes(int64(len(dst) * 4))
	b.ResetTimer()
	for range b.N {
		train.Batch(idx, dst)
	}
}
