package models

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestHeadBatchNorm: with HeadBatchNorm the features are batch-normalised
// (training mode, initial gamma 1 and beta 0: every feature has batch mean 0
// and biased batch variance 1/(1+eps/var) ~ 1) and the model has 2d more
// trainable parameters; without it an MLP's features are ReLU outputs (>= 0).
func TestHeadBatchNorm(t *testing.T) {
	b := testBackend(t)
	const n, k, d = 8, 4, 6
	cfg := Config{Arch: "mlp", K: k, Height: 4, Width: 4, Channels: 1, Hidden: 16, FeatureDim: d, Seed: 3}
	plain, err := New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.HeadBatchNorm = true
	m, err := New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.TrainableParameters()-plain.TrainableParameters(), 2*d; got != want {
		t.Errorf("head batch norm adds %d trainable parameters, want %d", got, want)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*16)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	features := func(mm *Model) []float32 {
		exec, err := model.NewExec(b, mm.Store, func(scope *model.Scope, x *Node) *Node {
			scope.SetTraining(x.Graph(), true)
			h, _ := mm.Forward(scope, x, true)
			return h
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(x, n, 4, 4, 1))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}
	hp, h := features(plain), features(m)
	negative := false
	for _, v := range h {
		negative = negative || v < 0
	}
	for _, v := range hp {
		if v < 0 {
			t.Fatalf("MLP feature %g < 0 without head batch norm (ReLU output)", v)
		}
	}
	if !negative {
		t.Error("no negative feature after the head batch norm")
	}
	for j := range d {
		var mean, sq float64
		for i := range n {
			mean += float64(h[i*d+j]) / n
		}
		for i := range n {
			sq += math.Pow(float64(h[i*d+j])-mean, 2) / n
		}
		if math.Abs(mean) > 1e-5 || (sq > 1e-6 && math.Abs(sq-1) > 1e-3) {
			t.Errorf("feature %d: batch mean %g, variance %g; want 0 and 1", j, mean, sq)
		}
	}
}
