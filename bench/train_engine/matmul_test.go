package trainengine

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab"
)

// BenchmarkConvMatMul times, on the pure-Go backend, the three matrix
// products of one ResNet18 3x3 convolution as nclab/conv runs them (batch
// 128), and reports GFLOP/s to read against nclab's BenchmarkMatMul1024:
// the forward P W ([M, K] x [K, O]), the input gradient V W^T ([M, O] x
// [K, O] contracted on O) and the weight gradient V^T P ([O, M] x [M, K]
// contracted on M).
func BenchmarkConvMatMul(b *testing.B) {
	backend, err := nclab.NewBackend() // as the training step gets it (one op executor per core)
	if err != nil {
		b.Fatal(err)
	}
	type product struct {
		name             string
		lhs, rhs         [2]int
		lhsAxis, rhsAxis int
	}
	for _, layer := range []struct{ m, c, o int }{{128 * 32 * 32, 64, 64}, {128 * 16 * 16, 128, 128}, {128 * 8 * 8, 256, 256}, {128 * 4 * 4, 512, 512}} {
		m, k, o := layer.m, 9*layer.c, layer.o
		for _, p := range []product{
			{"forward", [2]int{m, k}, [2]int{k, o}, 1, 0},
			{"inputgrad", [2]int{m, o}, [2]int{k, o}, 1, 1},
			{"weightgrad", [2]int{o, m}, [2]int{m, k}, 1, 0},
		} {
			b.Run(fmt.Sprintf("%s_M%d_K%d_O%d", p.name, m, k, o), func(b *testing.B) {
				x := tensors.FromFlatDataAndDimensions(make([]float32, p.lhs[0]*p.lhs[1]), p.lhs[0], p.lhs[1])
				y := tensors.FromFlatDataAndDimensions(make([]float32, p.rhs[0]*p.rhs[1]), p.rhs[0], p.rhs[1])
				exec := MustNewExec(backend, func(x, y *Node) *Node {
					return DotGeneral(x, []int{p.lhsAxis}, nil, y, []int{p.rhsAxis}, nil)
				})
				exec.MustExec(x, y)[0].MustFinalizeAll()
				b.ResetTimer()
				for range b.N {
					exec.MustExec(x, y)[0].MustFinalizeAll()
				}
				b.ReportMetric(2*float64(m)*float64(k)*float64(o)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
