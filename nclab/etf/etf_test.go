package etf

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// checkSimplexRows verifies the defining properties of METHOD.md §4: unit-norm rows,
// pairwise cosine -1/(K-1), rows summing to zero.
func checkSimplexRows(t *testing.T, w *mat.Dense, tol float64) {
	t.Helper()
	k, d := w.Dims()
	var g mat.Dense
	g.Mul(w, w.T())
	for i := range k {
		for j := range k {
			want := -1 / float64(k-1)
			if i == j {
				want = 1
			}
			if math.Abs(g.At(i, j)-want) > tol {
				t.Fatalf("K=%d d=%d: <w_%d, w_%d> = %.15g, want %.15g", k, d, i, j, g.At(i, j), want)
			}
		}
	}
	for c := range d {
		var s float64
		for i := range k {
			s += w.At(i, c)
		}
		if math.Abs(s) > tol {
			t.Fatalf("K=%d d=%d: column %d of the rows' sum is %g, want 0", k, d, c, s)
		}
	}
}

func TestSimplexAndEmbedded(t *testing.T) {
	checkSimplexRows(t, Simplex(2), 1e-15)
	checkSimplexRows(t, Simplex(10), 1e-14)
	for _, c := range []struct{ k, d int }{{2, 1}, {3, 2}, {4, 3}, {4, 4}, {10, 9}, {10, 10}, {10, 64}, {7, 512}} {
		for _, identity := range []bool{true, false} {
			w, err := Embedded(c.k, c.d, 42, identity)
			if err != nil {
				t.Fatal(err)
			}
			if r, cols := w.Dims(); r != c.k || cols != c.d {
				t.Fatalf("Embedded(%d, %d) is %d x %d", c.k, c.d, r, cols)
			}
			checkSimplexRows(t, w, 1e-12)
			if dist := Distance(w); dist > 1e-12 {
				t.Fatalf("Distance(Embedded(%d, %d, identity=%v)) = %g, want 0", c.k, c.d, identity, dist)
			}
		}
	}
}

func TestEmbeddedIdentityIsSimplexPadded(t *testing.T) {
	// With the identity embedding and d >= K, W = E [I_K 0]: the first K columns are E.
	w, err := Embedded(4, 6, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	e := Simplex(4)
	for i := range 4 {
		for j := range 6 {
			want := 0.0
			if j < 4 {
				want = e.At(i, j)
			}
			if w.At(i, j) != want {
				t.Fatalf("W[%d,%d] = %g, want %g", i, j, w.At(i, j), want)
			}
		}
	}
}

func TestEmbeddedSeeded(t *testing.T) {
	a, _ := Embedded(5, 8, 7, false)
	b, _ := Embedded(5, 8, 7, false)
	c, _ := Embedded(5, 8, 8, false)
	if !mat.Equal(a, b) {
		t.Fatal("same seed gave different embeddings")
	}
	if mat.EqualApprox(a, c, 1e-3) {
		t.Fatal("different seeds gave the same embedding")
	}
}

func TestEmbeddedTooFewDimensions(t *testing.T) {
	if _, err := Embedded(10, 8, 0, false); err == nil {
		t.Fatal("d = 8 < K-1 = 9 accepted")
	}
	if _, err := Embedded(1, 8, 0, false); err == nil {
		t.Fatal("K = 1 accepted")
	}
}

func TestDistanceClosedForms(t *testing.T) {
	// A = I_K: A A^T/||.||_F = I/sqrt(K), and
	// ||I/sqrt(K) - T||_F^2 = 1 + 1 - 2 tr(T)/sqrt(K) = 2 - 2 sqrt((K-1)/K).
	for _, k := range []int{2, 4, 10} {
		want := math.Sqrt(2 - 2*math.Sqrt(float64(k-1)/float64(k)))
		id := mat.NewDiagDense(k, nil)
		for i := range k {
			id.SetDiag(i, 1)
		}
		if got := Distance(id); math.Abs(got-want) > 1e-14 {
			t.Fatalf("Distance(I_%d) = %.16g, want %.16g", k, got, want)
		}
	}
	// Scale does not matter; a collapsed rank-one A (all rows equal) has A A^T = c 11^T,
	// 11^T/K vs T: ||J/K - T||^2 = 1 + 1 - 2 <J/K, T> = 2 (J T = 0).
	a := mat.NewDense(3, 2, []float64{1, 2, 1, 2, 1, 2})
	if got := Distance(a); math.Abs(got-math.Sqrt2) > 1e-14 {
		t.Fatalf("Distance(rank-one) = %.16g, want sqrt(2)", got)
	}
	w, _ := Embedded(6, 6, 3, false)
	w.Scale(17, w)
	if got := Distance(w); got > 1e-13 {
		t.Fatalf("Distance(17 ETF) = %g, want 0", got)
	}
	if got := Distance(mat.NewDense(3, 3, nil)); !math.IsNaN(got) {
		t.Fatalf("Distance(0) = %g, want NaN", got)
	}
}

func TestGramDistanceMatchesDistance(t *testing.T) {
	a := mat.NewDense(3, 4, []float64{1, 2, 3, 4, -1, 0, 2, 1, 0.5, -3, 1, 2})
	var g mat.Dense
	g.Mul(a, a.T())
	if d1, d2 := Distance(a), GramDistance(&g); math.Abs(d1-d2) > 1e-15 {
		t.Fatalf("Distance %g != GramDistance %g", d1, d2)
	}
}
