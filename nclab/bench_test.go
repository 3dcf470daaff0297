package nclab

import (
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
)

// BenchmarkMatMul1024 is the engine's ceiling for dense work: one 1024 x 1024 x
// 1024 float32 matrix product on the backend NewBackend picks (bench/train.sh
// prints it beside PyTorch's). It reports GFLOP/s (2 n^3 flops a product).
func BenchmarkMatMul1024(b *testing.B) {
	const n = 1024
	backend, err := NewBackend()
	if err != nil {
		b.Fatal(err)
	}
	exec, err := NewExec(backend, func(x, y *Node) *Node { return Dot(x, y).Product() })
	if err != nil {
		b.Fatal(err)
	}
	data := make([]float32, n*n)
	for i := range data {
		data[i] = float32(i%17) / 17
	}
	x := tensors.FromFlatDataAndDimensions(data, n, n)
	y := tensors.FromFlatDataAndDimensions(data, n, n)
	if x.DType() != dtypes.Float32 {
		b.Fatal("want float32")
	}
	run := func() {
		out, err := exec.Exec(x, y)
		if err != nil {
			b.Fatal(err)
		}
		out[0].MustFinalizeAll()
	}
	run() // compiles
	b.ResetTimer()
	for range b.N {
		run()
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
