package loss

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab"
)

var kinds = []Kind{KindPAL, KindPALNormalized, KindOneVsAll}

func newBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := nclab.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Finalize)
	return b
}

// testBatch is a batch of logits and multi-hot targets covering multiplicities 1..K-1,
// logits near 0 (including exactly 0, where softplus has its kink), moderate and large
// (|z| = 40, where a naive log(1+e^z) or softmax overflows in float32).
func testBatch() (z, y [][]float64) {
	const k = 5
	rng := rand.New(rand.NewPCG(1, 2))
	sets := [][]int{{0}, {3}, {1, 4}, {0, 2, 3}, {0, 1, 2, 4}, {2}, {1, 3}}
	for i, s := range sets {
		zi := make([]float64, k)
		yi := make([]float64, k)
		for j := range zi {
			zi[j] = 3 * rng.NormFloat64()
		}
		switch i {
		case 1:
			clear(zi) // all-zero logits
		case 5:
			zi[2], zi[0] = 40, -40
		}
		for _, c := range s {
			yi[c] = 1
		}
		z, y = append(z, zi), append(y, yi)
	}
	return z, y
}

func toDType(x [][]float64, dtype dtypes.DType) any {
	if dtype == dtypes.Float64 {
		return x
	}
	out := make([][]float32, len(x))
	for i, row := range x {
		out[i] = make([]float32, len(row))
		for j, v := range row {
			out[i][j] = float32(v)
		}
	}
	return out
}

func asFloat64(t *tensors.Tensor) []float64 {
	switch v := t.Value().(type) {
	case []float64:
		return v
	case []float32:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out
	case [][]float64:
		var out []float64
		for _, r := range v {
			out = append(out, r...)
		}
		return out
	case [][]float32:
		var out []float64
		for _, r := range v {
			for _, x := range r {
				out = append(out, float64(x))
			}
		}
		return out
	}
	panic(fmt.Sprintf("unexpected tensor value %T", t.Value()))
}

// lossAndGradient runs kind.PerSample on the backend and returns the per-sample losses
// and the gradient of their sum with respect to the logits.
func lossAndGradient(t *testing.T, b compute.Backend, kind Kind, z, y [][]float64, dtype dtypes.DType) (loss, grad []float64) {
	exec := graph.MustNewExec(b, func(logits, targets *graph.Node) (*graph.Node, *graph.Node) {
		l := kind.PerSample(logits, targets)
		return l, graph.Gradient(graph.ReduceAllSum(l), logits)[0]
	})
	out := exec.MustExec(toDType(z, dtype), toDType(y, dtype))
	return asFloat64(out[0]), asFloat64(out[1])
}

// TestClosedForms checks values computed by hand.
func TestClosedForms(t *testing.T) {
	const k = 4
	zero := make([]float64, k)
	y2 := []float64{0, 1, 1, 0}
	// softmax(0) = 1/K: PAL = m log K, PAL-N = log K; sigmoid(0) = 1/2: OvA = K log 2.
	for _, c := range []struct {
		kind Kind
		want float64
	}{{KindPAL, 2 * math.Log(k)}, {KindPALNormalized, math.Log(k)}, {KindOneVsAll, k * math.Log(2)}} {
		if got := c.kind.Reference(zero, y2); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("%s at z = 0: %.17g, want %.17g", c.kind, got, c.want)
		}
	}
	// METHOD.md §3, first reference optimum (K=4, rho=6.64327, c_2=0.352281): in-set
	// logits rho c_m (K-m)/(K-1), out-of-set -rho c_m m/(K-1), and the per-sample PAL loss
	// m log(m + (K-m) exp(-rho c_m K/(K-1))).
	rho, c2, m := 6.64327, 0.352281, 2.0
	in, out := rho*c2*(k-m)/(k-1), -rho*c2*m/(k-1)
	z := []float64{out, in, in, out}
	want := m * math.Log(m+(k-m)*math.Exp(-rho*c2*k/(k-1)))
	if got := KindPAL.Reference(z, y2); math.Abs(got-want) > 1e-14 {
		t.Errorf("PAL at the Theorem-1 logits: %.17g, want %.17g", got, want)
	}
	// OvA of one logit: BCE(sigmoid(z), 1) = log(1 + e^-z); at z = 40 that is ~e^-40.
	if got := KindOneVsAll.Reference([]float64{40}, []float64{1}); math.Abs(got-math.Exp(-40)) > 1e-30 {
		t.Errorf("OvA(40, 1) = %g, want e^-40", got)
	}
}

// TestGraphMatchesReference compares the graph losses with the float64 references, in
// float64 (to rounding) and float32 (to float32 precision).
func TestGraphMatchesReference(t *testing.T) {
	b := newBackend(t)
	z, y := testBatch()
	for _, dtype := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		tol := 1e-12
		if dtype == dtypes.Float32 {
			tol = 2e-5
		}
		for _, kind := range kinds {
			got, _ := lossAndGradient(t, b, kind, z, y, dtype)
			for i := range z {
				want := kind.Reference(z[i], y[i])
				if math.Abs(got[i]-want) > tol*(1+math.Abs(want)) {
					t.Errorf("%s %s sample %d: graph %.10g, reference %.10g", kind, dtype, i, got[i], want)
				}
			}
		}
	}
}

// TestGradientsAgainstFiniteDifferences checks the graph gradients (GoMLX autodiff)
// against central finite differences of the float64 reference, and against the
// hand-derived forms m softmax(z) - y (PAL), softmax(z) - y/m (PAL-N) and
// sigmoid(z) - y (OvA).
func TestGradientsAgainstFiniteDifferences(t *testing.T) {
	b := newBackend(t)
	z, y := testBatch()
	const h = 1e-5
	for _, dtype := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		tol := 1e-8
		if dtype == dtypes.Float32 {
			tol = 2e-6
		}
		for _, kind := range kinds {
			_, grad := lossAndGradient(t, b, kind, z, y, dtype)
			k := len(z[0])
			for i := range z {
				for j := range k {
					zp, zm := append([]float64(nil), z[i]...), append([]float64(nil), z[i]...)
					zp[j] += h
					zm[j] -= h
					fd := (kind.Reference(zp, y[i]) - kind.Reference(zm, y[i])) / (2 * h)
					analytic := handGradient(kind, z[i], y[i], j)
					got := grad[i*k+j]
					if math.Abs(got-fd) > tol+1e-6*math.Abs(fd) {
						t.Errorf("%s %s d/dz[%d,%d]: graph %.10g, finite difference %.10g", kind, dtype, i, j, got, fd)
					}
					if math.Abs(analytic-fd) > 1e-8 {
						t.Errorf("%s d/dz[%d,%d]: hand-derived %.10g, finite difference %.10g", kind, i, j, analytic, fd)
					}
				}
			}
		}
	}
}

func handGradient(kind Kind, z, y []float64, j int) float64 {
	var m, sumExp, maxZ float64 = 0, 0, math.Inf(-1)
	for i, v := range z {
		m += y[i]
		maxZ = math.Max(maxZ, v)
	}
	for _, v := range z {
		sumExp += math.Exp(v - maxZ)
	}
	softmax := math.Exp(z[j]-maxZ) / sumExp
	switch kind {
	case KindPAL:
		return m*softmax - y[j]
	case KindPALNormalized:
		return softmax - y[j]/m
	default:
		return 1/(1+math.Exp(-z[j])) - y[j]
	}
}

func TestParseKind(t *testing.T) {
	for _, kind := range kinds {
		got, err := ParseKind(kind.String())
		if err != nil || got != kind {
			t.Errorf("ParseKind(%q) = %v, %v", kind.String(), got, err)
		}
	}
	if _, err := ParseKind("bce"); err == nil {
		t.Error("ParseKind(\"bce\") accepted")
	}
}

func TestShapeMismatchPanics(t *testing.T) {
	b := newBackend(t)
	exec := graph.MustNewExec(b, func(logits, targets *graph.Node) *graph.Node { return PAL(logits, targets) })
	if _, err := exec.Exec([][]float32{{1, 2, 3}}, [][]float32{{1, 0}}); err == nil {
		t.Fatal("logits [1,3] with targets [1,2] accepted")
	}
}
