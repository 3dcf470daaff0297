package collapse

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nclab/nclab/nclab/etf"
	"github.com/nclab/nclab/nclab/labelset"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// collapsedData builds the Theorem 1 optimum (METHOD.md §3): W a simplex ETF (K x d)
// and, for each label set S of multiplicity m with count counts[m], samples
// h = c[m] sum_{k in S} w_k, plus offset on every coordinate.
func collapsedData(k, d int, counts map[int]int, c map[int]float64, offset float64) (w *mat.Dense, rows []float64, sets []labelset.Set) {
	w, err := etf.Embedded(k, d, 5, false)
	if err != nil {
		panic(err)
	}
	for m := 1; m < k; m++ {
		for _, s := range labelset.All(k, m) {
			for range counts[m] {
				h := make([]float64, d)
				for _, cl := range s {
					floats.AddScaled(h, c[m], w.RawRowView(cl))
				}
				floats.AddConst(offset, h)
				rows = append(rows, h...)
				sets = append(sets, s)
			}
		}
	}
	return w, rows, sets
}

func computeRows(t *testing.T, k, d int, rows []float64, sets []labelset.Set, w *mat.Dense, b []float64, opts *Options) *Metrics {
	t.Helper()
	met, err := Compute(k, mat.NewDense(len(sets), d, rows), sets, w, b, opts)
	if err != nil {
		t.Fatal(err)
	}
	return met
}

// TestExactCollapseGivesZero: at the Theorem 1 optimum there is no within-set
// variability (NC1 = NC_m = 0), W and the centred means are simplex ETFs and dual
// (NC2 = NC3 = 0), every set mean lies along the sum of its tags' means (angle ratio
// 0) with gamma_m = m c_m / c_1, and the nearest class mean is the classifier's choice.
func TestExactCollapseGivesZero(t *testing.T) {
	const k, d = 4, 6
	c := map[int]float64{1: 0.409712, 2: 0.352281, 3: 0.166522}
	w, rows, sets := collapsedData(k, d, map[int]int{1: 3, 2: 5, 3: 1}, c, 0)
	met := computeRows(t, k, d, rows, sets, w, nil, nil)
	for name, v := range map[string]float64{
		"NC1": met.NC1, "NC_2": met.NCm[2], "NC_3": met.NCm[3], "NC2W": met.NC2W, "NC2H": met.NC2H,
		"NC3": met.NC3, "NC3Papyan": met.NC3Papyan, "angle 2": met.Angle[2], "angle 3": met.Angle[3],
	} {
		if math.Abs(v) > 1e-7 {
			t.Errorf("%s = %g at exact collapse, want 0", name, v)
		}
	}
	if met.NC1 > 1e-20 {
		t.Errorf("NC1 = %g, want ~0 (no within-class spread at all)", met.NC1)
	}
	for m := 2; m <= 3; m++ {
		want := float64(m) * c[m] / c[1]
		if math.Abs(met.Gamma[m]-want) > 1e-12 {
			t.Errorf("gamma_%d = %.15g, want m c_m/c_1 = %.15g", m, met.Gamma[m], want)
		}
	}
	if met.NCCAgreement != 1 {
		t.Errorf("NCC agreement %g, want 1", met.NCCAgreement)
	}
	// C(4,3) = 4 sets of multiplicity 3 with one sample each: a single count group.
	if len(met.AngleByCount[3]) != 1 || math.Abs(met.AngleByCount[3][1]) > 1e-7 {
		t.Errorf("angle by count at m = 3: %v", met.AngleByCount[3])
	}
}

// TestNC1ClosedForm: class means a w_k of a simplex ETF plus a common offset, and for
// each class the 2d samples mu_k ± eps e_j. Then Sigma_W = (eps^2/d) I and Sigma_B has
// K-1 eigenvalues a^2/(K-1), so NC1 = (eps^2/d) (K-1)^2 / (a^2 K).
func TestNC1ClosedForm(t *testing.T) {
	const k, d, a = 5, 8, 2.0
	for _, c := range []struct{ eps, offset float64 }{{0.5, 0}, {1e-3, 3}, {1e-6, 10}} {
		w, _ := etf.Embedded(k, d, 9, false)
		var rows []float64
		var sets []labelset.Set
		for cl := range k {
			for j := range d {
				for _, sign := range []float64{1, -1} {
					h := make([]float64, d)
					floats.AddScaled(h, a, w.RawRowView(cl))
					floats.AddConst(c.offset, h)
					h[j] += sign * c.eps
					rows = append(rows, h...)
					sets = append(sets, labelset.Set{cl})
				}
			}
		}
		want := c.eps * c.eps / d * (k - 1) * (k - 1) / (a * a * k)
		met := computeRows(t, k, d, rows, sets, nil, nil, nil)
		acc, _ := NewAccumulator(k, d, nil)
		acc.Add(rows, sets)
		streamed, err := acc.Result(nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The inputs carry rounding of about 1e-16 * offset on deviations of size eps.
		tol := 1e-12 + 1e-15*(1+c.offset)/c.eps
		for name, got := range map[string]float64{"Compute": met.NC1, "Accumulator": streamed.NC1} {
			if math.Abs(got-want) > tol*want {
				t.Errorf("eps=%g offset=%g: %s NC1 = %.15g, want %.15g (rel. error %.2g)", c.eps, c.offset, name, got, want, (got-want)/want)
			}
		}
	}
}

// TestTinyWithinClassSpread is the case collapse creates: features of size ~10 that
// differ within a class by ~1e-7. The two paths agree to 1e-8, while the one-pass
// moment formula sum h h^T/N - mu mu^T (computed here to show the case is hard) gets
// NC1 wrong by more than 10 %. (TestNC1ClosedForm checks the value itself at 1e-6.)
func TestTinyWithinClassSpread(t *testing.T) {
	const k, d = 3, 4
	const eps, offset = 1e-7, 10.0
	w, _ := etf.Embedded(k, d, 2, true)
	rng := rand.New(rand.NewPCG(7, 7))
	var rows []float64
	var sets []labelset.Set
	for i := range 600 {
		cl := i % k
		h := make([]float64, d)
		copy(h, w.RawRowView(cl))
		for j := range h {
			h[j] += offset + eps*rng.NormFloat64()
		}
		rows = append(rows, h...)
		sets = append(sets, labelset.Set{cl})
	}
	met := computeRows(t, k, d, rows, sets, nil, nil, nil)
	acc, _ := NewAccumulator(k, d, nil)
	for start := 0; start < len(sets); start += 50 {
		acc.Add(rows[start*d:(start+50)*d], sets[start:start+50])
	}
	streamed, _ := acc.Result(nil, nil)
	if rel := math.Abs(streamed.NC1-met.NC1) / met.NC1; rel > 1e-8 {
		t.Errorf("Accumulator NC1 %.12g vs Compute %.12g: rel. diff %.2g", streamed.NC1, met.NC1, rel)
	}
	// Sigma_W ~ eps^2 I and Sigma_B has eigenvalues 1/(K-1) (unit ETF means), so
	// NC1 ~ eps^2 (K-1)^2/K ~ 1.3e-14: check the order of magnitude.
	if met.NC1 < 1e-15 || met.NC1 > 1e-13 {
		t.Errorf("NC1 = %g, want ~1e-14", met.NC1)
	}
	// One-pass moments in float64: Sigma_W entries come out as differences of numbers
	// of size 100 and lose everything below ~1e-14, the size of Sigma_W itself.
	naive := naiveNC1(k, d, rows, sets)
	if rel := math.Abs(naive-met.NC1) / met.NC1; rel < 0.1 {
		t.Errorf("naive one-pass NC1 = %.3g vs %.3g (rel. diff %.2g): this case should defeat it", naive, met.NC1, rel)
	}
}

// naiveNC1 computes NC1 with Sigma_W = sum h h^T/N - sum_k (n_k/N) mu_k mu_k^T.
func naiveNC1(k, d int, rows []float64, sets []labelset.Set) float64 {
	n := len(sets)
	s2 := mat.NewDense(d, d, nil)
	hm := mat.NewDense(n, d, rows)
	s2.Mul(hm.T(), hm)
	s2.Scale(1/float64(n), s2)
	means := mat.NewDense(k, d, nil)
	counts := make([]float64, k)
	for i, s := range sets {
		floats.Add(means.RawRowView(s[0]), rows[i*d:(i+1)*d])
		counts[s[0]]++
	}
	muG := make([]float64, d)
	for cl := range k {
		floats.Scale(1/counts[cl], means.RawRowView(cl))
		floats.AddScaled(muG, counts[cl]/float64(n), means.RawRowView(cl))
		mu := mat.NewVecDense(d, means.RawRowView(cl))
		var outer mat.Dense
		outer.Outer(counts[cl]/float64(n), mu, mu)
		s2.Sub(s2, &outer)
	}
	centred := centredRows(means, muG)
	var sb, pinvSb mat.Dense
	sb.Mul(centred.T(), centred)
	sb.Scale(1/float64(k), &sb)
	var svd mat.SVD
	svd.Factorize(&sb, mat.SVDFull)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	vals := svd.Values(nil)
	inv := mat.NewDiagDense(d, nil)
	for i, s := range vals {
		if s > DefaultPinvRTol*vals[0] {
			inv.SetDiag(i, 1/s)
		}
	}
	pinvSb.Product(&v, inv, u.T())
	var prod mat.Dense
	prod.Mul(s2, &pinvSb)
	return mat.Trace(&prod) / float64(k)
}

// TestKnownPerturbations checks values computed by hand.
func TestKnownPerturbations(t *testing.T) {
	// K = 3, d = 3, mu_k = e_k (two samples each), one pair set {0,1} whose mean is
	// 3 e_0. Angles to mu_{01} = 3 e_0: matched angle(e0+e1, e0) = 45°; over T in
	// {01, 02, 12}: 45°, 45°, 90°, mean 60°; ratio 0.75. gamma_2 =
	// ||3 e_0|| / ||(e0+e1)/2|| = 3/(1/sqrt 2) = 3 sqrt 2.
	rows := []float64{1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 3, 0, 0, 3, 0, 0}
	sets := []labelset.Set{{0}, {0}, {1}, {1}, {2}, {2}, {0, 1}, {0, 1}}
	// The centred means e_k - 1/3 form a simplex ETF: NC2H = 0. The uncentred identity
	// of the reference variant is at sqrt(2 - 2 sqrt(2/3)) (etf.Distance of I_3).
	// With W = -M: W M^T = -M M^T, so NC3 = ||-T - T|| = 2, and NC3Papyan = 2.
	m := mat.NewDense(3, 3, []float64{2. / 3, -1. / 3, -1. / 3, -1. / 3, 2. / 3, -1. / 3, -1. / 3, -1. / 3, 2. / 3})
	var w mat.Dense
	w.Scale(-1, m)
	met := computeRows(t, 3, 3, rows, sets, &w, nil, nil)
	ref := computeRows(t, 3, 3, rows, sets, &w, nil, &Options{ReferenceCode: true})
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"angle matched", met.AngleMatched[2], 45},
		{"angle all", met.AngleAll[2], 60},
		{"angle ratio", met.Angle[2], 0.75},
		{"gamma_2", met.Gamma[2], 3 * math.Sqrt2},
		{"NC1 (no spread)", met.NC1, 0},
		{"NC2H", met.NC2H, 0},
		{"NC2H reference (uncentred)", ref.NC2H, math.Sqrt(2 - 2*math.Sqrt(2./3))},
		{"NC3 of W = -M", met.NC3, 2},
		{"NC3Papyan of W = -M", met.NC3Papyan, 2},
		// Nearest class mean is k, the classifier -M picks another class: agreement 0.
		{"NCC agreement", met.NCCAgreement, 0},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %.15g, want %.15g", c.name, c.got, c.want)
		}
	}
	if _, ok := met.NCm[2]; ok || len(met.Notes) == 0 {
		t.Errorf("NC_2 with a single pair set: got %v, want it skipped with a note (notes %v)", met.NCm, met.Notes)
	}
	// Reference mu_G = (sum of the 6 single features)/8 = (1,1,1)/4 instead of /3.
	if got := ref.GlobalMean[0]; math.Abs(got-0.25) > 1e-15 {
		t.Errorf("reference-code mu_G = %v, want 1/4 per coordinate", ref.GlobalMean)
	}
}

// TestComputeEqualsAccumulator on random data with every multiplicity, a classifier
// and float32 input.
func TestComputeEqualsAccumulator(t *testing.T) {
	const k, d = 6, 20
	rng := rand.New(rand.NewPCG(3, 4))
	base := make([]float64, k*d)
	for i := range base {
		base[i] = rng.NormFloat64()
	}
	var rows32 []float32
	var sets []labelset.Set
	for i := range 900 {
		m := 1 + i%4
		s := labelset.All(k, m)[rng.IntN(labelset.Binomial(k, m))]
		for j := range d {
			var v float64
			for _, c := range s {
				v += base[c*d+j]
			}
			rows32 = append(rows32, float32(v+0.4*rng.NormFloat64()))
		}
		sets = append(sets, s)
	}
	rows := make([]float64, len(rows32))
	for i, v := range rows32 {
		rows[i] = float64(v)
	}
	w := mat.NewDense(k, d, base)
	b := []float64{0.1, -0.2, 0.3, 0, 0, 0.05}
	met := computeRows(t, k, d, rows, sets, w, b, nil)
	acc, _ := NewAccumulator(k, d, nil)
	for start := 0; start < len(sets); start += 128 {
		end := min(start+128, len(sets))
		if err := acc.AddFloat32(rows32[start*d:end*d], sets[start:end]); err != nil {
			t.Fatal(err)
		}
	}
	streamed, err := acc.Result(w, b)
	if err != nil {
		t.Fatal(err)
	}
	pairs := map[string][2]float64{"NC1": {met.NC1, streamed.NC1}, "NC2W": {met.NC2W, streamed.NC2W},
		"NC2H": {met.NC2H, streamed.NC2H}, "NC3": {met.NC3, streamed.NC3}, "NC3Papyan": {met.NC3Papyan, streamed.NC3Papyan}}
	for m := 2; m <= 4; m++ {
		pairs["NC_"+string(rune('0'+m))] = [2]float64{met.NCm[m], streamed.NCm[m]}
		pairs["angle"+string(rune('0'+m))] = [2]float64{met.Angle[m], streamed.Angle[m]}
		pairs["gamma"+string(rune('0'+m))] = [2]float64{met.Gamma[m], streamed.Gamma[m]}
	}
	for name, p := range pairs {
		if math.IsNaN(p[0]) || math.Abs(p[0]-p[1]) > 1e-10*math.Max(1, math.Abs(p[0])) {
			t.Errorf("%s: Compute %.15g, Accumulator %.15g", name, p[0], p[1])
		}
	}
	if !math.IsNaN(streamed.NCCAgreement) || met.NCCAgreement <= 0 || met.NCCAgreement > 1 {
		t.Errorf("agreement: Compute %g (want in (0,1]), Accumulator %g (want NaN before CountAgreement)", met.NCCAgreement, streamed.NCCAgreement)
	}
	if acc.N() != len(sets) || met.N != len(sets) || met.NByMultiplicity[4] != len(sets)/4 {
		t.Errorf("counts: N %d/%d, by multiplicity %v", acc.N(), met.N, met.NByMultiplicity)
	}
}

func TestBadInput(t *testing.T) {
	const k, d = 3, 2
	good := []float64{1, 0, 0, 1, -1, -1, 1, 1}
	goodSets := []labelset.Set{{0}, {1}, {2}, {0, 1}}
	nan := append([]float64(nil), good...)
	nan[5] = math.NaN()
	for _, c := range []struct {
		name string
		rows []float64
		sets []labelset.Set
		want string
	}{
		{"NaN feature", nan, goodSets, "sample 2, feature 1 is NaN"},
		{"class outside [K]", good, []labelset.Set{{0}, {1}, {2}, {0, 3}}, "outside [0, 3)"},
		{"negative class", good, []labelset.Set{{0}, {-1}, {2}, {0, 1}}, "outside [0, 3)"},
		{"empty set", good, []labelset.Set{{0}, {1}, {}, {0, 1}}, "sample 2: empty label set"},
		{"unsorted set", good, []labelset.Set{{0}, {1}, {2}, {1, 0}}, "not strictly increasing"},
		{"d mismatch", good[:7], goodSets, "want 4 x d = 8"},
		{"missing class", good, []labelset.Set{{0}, {1}, {1}, {0, 1}}, "no multiplicity-1 samples of class(es) 2"},
	} {
		acc, _ := NewAccumulator(k, d, nil)
		err := acc.Add(c.rows, c.sets)
		if err == nil {
			_, err = acc.Result(nil, nil)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Accumulator got %v, want an error containing %q", c.name, err, c.want)
		}
		if len(c.rows) == len(c.sets)*d {
			_, err = Compute(k, mat.NewDense(len(c.sets), d, c.rows), c.sets, nil, nil, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: Compute got %v, want an error containing %q", c.name, err, c.want)
			}
		}
	}
	x := mat.NewDense(4, d, good)
	for _, c := range []struct {
		name string
		w    *mat.Dense
		b    []float64
		want string
	}{
		{"W rows != K", mat.NewDense(2, d, nil), nil, "W is 2 x 2, want K x d = 3 x 2"},
		{"W cols != d", mat.NewDense(k, 3, nil), nil, "W is 3 x 3"},
		{"b length", mat.NewDense(k, d, []float64{1, 0, 0, 1, 1, 1}), []float64{0, 0}, "bias b has 2 entries"},
		{"W NaN", mat.NewDense(k, d, []float64{1, 0, 0, math.NaN(), 1, 1}), nil, "W[1, 1] is NaN"},
	} {
		if _, err := Compute(k, x, goodSets, c.w, c.b, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
	if _, err := Compute(k, x, goodSets[:3], nil, nil, nil); err == nil || !strings.Contains(err.Error(), "4 feature rows but 3 label sets") {
		t.Errorf("rows vs sets: got %v", err)
	}
	if _, err := NewAccumulator(1, 4, nil); err == nil {
		t.Error("K = 1 accepted")
	}
	// A rejected batch leaves the accumulator as it was.
	acc, _ := NewAccumulator(k, d, nil)
	acc.Add(good, goodSets)
	acc.Add(nan, goodSets)
	if acc.N() != 4 {
		t.Errorf("after a rejected batch N = %d, want 4", acc.N())
	}
}

// Equal class means: Sigma_B = 0 and NC1 is undefined (NaN, null in JSON).
func TestZeroBetweenClass(t *testing.T) {
	rows := []float64{1, 0, -1, 0, 1, 0, -1, 0}
	sets := []labelset.Set{{0}, {0}, {1}, {1}}
	met := computeRows(t, 2, 2, rows, sets, nil, nil, nil)
	if !math.IsNaN(met.NC1) || met.JSON().NC1 != nil {
		t.Errorf("NC1 = %v with equal class means, want NaN / null", met.NC1)
	}
}

// TestAngleSkippedWhenTooManySubsets: with K = 30 and a set of 15 labels the
// denominator would need C(30, 15) = 155,117,520 angles; it is skipped with a note and
// gamma_15 is still reported.
func TestAngleSkippedWhenTooManySubsets(t *testing.T) {
	const k, d = 30, 3
	var rows []float64
	var sets []labelset.Set
	for c := range k {
		rows = append(rows, float64(c), 1, float64(c%3))
		sets = append(sets, labelset.Set{c})
	}
	big := labelset.MustNew(k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14)
	rows = append(rows, 1, 2, 3)
	sets = append(sets, big)
	met := computeRows(t, k, d, rows, sets, nil, nil, nil)
	if _, ok := met.Angle[15]; ok || len(met.Notes) == 0 || !strings.Contains(strings.Join(met.Notes, ";"), "angle metric for m = 15 skipped") {
		t.Errorf("angle %v, notes %v: want the m = 15 angle skipped with a note", met.Angle, met.Notes)
	}
	if _, ok := met.Gamma[15]; !ok {
		t.Error("gamma_15 missing")
	}
}

// TestResultMidStream: Result may be called between batches and the accumulation
// goes on; the final result equals Compute on everything.
func TestResultMidStream(t *testing.T) {
	const k, d = 3, 4
	rng := rand.New(rand.NewPCG(11, 12))
	var rows []float64
	var sets []labelset.Set
	for i := range 60 {
		s := labelset.All(k, 1+i%2)[rng.IntN(3)]
		for j := range d {
			rows = append(rows, float64(s[0]*j)+rng.NormFloat64())
		}
		sets = append(sets, s)
	}
	acc, _ := NewAccumulator(k, d, nil)
	acc.Add(rows[:30*d], sets[:30])
	if _, err := acc.Result(nil, nil); err != nil {
		t.Fatal(err)
	}
	acc.Add(rows[30*d:], sets[30:])
	streamed, err := acc.Result(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	met := computeRows(t, k, d, rows, sets, nil, nil, nil)
	if math.Abs(streamed.NC1-met.NC1) > 1e-12*met.NC1 || math.Abs(streamed.NCm[2]-met.NCm[2]) > 1e-12*met.NCm[2] {
		t.Errorf("mid-stream Result changed the outcome: NC1 %g vs %g, NC_2 %g vs %g", streamed.NC1, met.NC1, streamed.NCm[2], met.NCm[2])
	}
}

// TestSubspaceSplitClosedForm: features already inside W's row space have null energy
// 0 and the same NC1 and angles on P h as on h; features orthogonal to it have null
// energy 1.
func TestSubspaceSplitClosedForm(t *testing.T) {
	f := loadFixtures(t)["subspace"]
	sp := newRowSpace(f.w, outerOf(f.w), nil)
	inRow, inNull := sp.splitRows(f.features, nil)
	met, err := Compute(f.k, inRow, f.sets, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if met.NullEnergy > 1e-12 || math.Abs(met.NC1Row/met.NC1-1) > 1e-9 {
		t.Errorf("features in the row space: null energy %g, NC1 on P h %v vs %v", met.NullEnergy, met.NC1Row, met.NC1)
	}
	for m, a := range met.Angle {
		if math.Abs(met.AngleRow[m]/a-1) > 1e-9 {
			t.Errorf("m = %d: angle on P h %v, on h %v", m, met.AngleRow[m], a)
		}
	}
	met, err = Compute(f.k, inNull, f.sets, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(met.NullEnergy-1) > 1e-12 || !math.IsNaN(met.NC1Row) {
		t.Errorf("features in the null space: null energy %v, NC1 on P h %v (want 1, NaN)", met.NullEnergy, met.NC1Row)
	}
	if sp.r != 4 {
		t.Errorf("rank of W %d, want 4", sp.r)
	}
}

// TestSubspaceSplitNullAnglesUndefined: the angles of a part that vanishes (P h for
// features in the null space, (I - P) h for features in the row space) are NaN, not
// angles between rounding errors.
func TestSubspaceSplitNullAnglesUndefined(t *testing.T) {
	f := loadFixtures(t)["subspace"]
	inRow, inNull := newRowSpace(f.w, outerOf(f.w), nil).splitRows(f.features, nil)
	met, err := Compute(f.k, inRow, f.sets, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	met2, err := Compute(f.k, inNull, f.sets, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for m := range met.Angle {
		if !math.IsNaN(met.AngleNull[m]) || !math.IsNaN(met2.AngleRow[m]) {
			t.Errorf("m = %d: angle on a vanishing part %v, %v, want NaN", m, met.AngleNull[m], met2.AngleRow[m])
		}
	}
}

// TestExtremeScale: every metric is scale-invariant, so features multiplied by 1e160
// or 1e-160 (whose squares overflow or underflow) give the metrics of the originals,
// through Compute and the Accumulator; the means come back in the caller's units.
func TestExtremeScale(t *testing.T) {
	f := loadFixtures(t)["subspace"]
	n, d := f.features.Dims()
	want, err := Compute(f.k, f.features, f.sets, f.w, f.b, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON := flatJSON(want.JSON())
	for _, factor := range []float64{1e160, 1e-160, 1e300} {
		var big mat.Dense
		big.Scale(factor, f.features)
		got, err := Compute(f.k, &big, f.sets, f.w, scaled(mat.NewVecDense(len(f.b), f.b), factor).RawMatrix().Data, nil)
		if err != nil {
			t.Fatalf("x %g: %v", factor, err)
		}
		acc, _ := NewAccumulator(f.k, d, nil)
		for start := 0; start < n; start += 50 {
			end := min(start+50, n)
			if err := acc.Add(big.RawMatrix().Data[start*d:end*d], f.sets[start:end]); err != nil {
				t.Fatal(err)
			}
		}
		fromAcc, err := acc.Result(f.w, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			met  *Metrics
		}{{"Compute", got}, {"Accumulator", fromAcc}} {
			for key, w := range wantJSON {
				g, ok := flatJSON(c.met.JSON())[key]
				if key == ".ncc_agreement" && c.name == "Accumulator" {
					continue // needs CountAgreement
				}
				if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
					t.Errorf("x %g %s: %s = %v, unscaled %v", factor, c.name, key, g, w)
				}
			}
			if r := c.met.ClassMeans.At(1, 2) / want.ClassMeans.At(1, 2) / factor; math.Abs(r-1) > 1e-12 {
				t.Errorf("x %g %s: class mean not in the caller's units (ratio %v)", factor, c.name, r)
			}
		}
	}
	if _, err := Compute(f.k, f.features, f.sets, nil, nil, &Options{PinvRTol: math.NaN()}); err == nil || !strings.Contains(err.Error(), "PinvRTol = NaN") {
		t.Errorf("NaN PinvRTol: %v", err)
	}
	if _, err := NewAccumulator(f.k, d, &Options{PinvRTol: -1}); err == nil {
		t.Error("negative PinvRTol accepted")
	}
}

// flatJSON flattens the numbers of a JSON form into "key.sub" -> value.
func flatJSON(j JSON) map[string]float64 {
	raw, _ := json.Marshal(j)
	var m map[string]any
	json.Unmarshal(raw, &m)
	out := map[string]float64{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case float64:
			out[prefix] = v
		case map[string]any:
			for k, x := range v {
				walk(prefix+"."+k, x)
			}
		}
	}
	walk("", m)
	delete(out, ".pinv_rtol")
	return out
}

// TestFieldMetricsClosedForm: at the Theorem 1 optimum CDNV is 0, the centred class
// means are a simplex ETF, so every pair has ||u_k - u_l||^2 = 2K/(K-1) (uniformity
// mean -log(2K/(K-1))/2, std 0), and W is aligned with them (NC3 CV 0).
func TestFieldMetricsClosedForm(t *testing.T) {
	const k, d = 5, 8
	c := map[int]float64{1: 0.4, 2: 0.3}
	w, rows, sets := collapsedData(k, d, map[int]int{1: 3, 2: 2}, c, 0)
	met := computeRows(t, k, d, rows, sets, w, nil, nil)
	if want := -math.Log(2*k/float64(k-1)) / 2; math.Abs(met.NC2Uniformity.Mean-want) > 1e-12 || met.NC2Uniformity.Std > 1e-7 {
		t.Errorf("uniformity %+v, want mean %v, std 0", met.NC2Uniformity, want)
	}
	if met.CDNV != 0 || math.Abs(met.NC3UniformityCV) > 1e-12 {
		t.Errorf("CDNV %v, NC3 CV %v, want 0", met.CDNV, met.NC3UniformityCV)
	}
}

// TestSubspaceSplitCoordinates: the split computed in the row space's coordinates
// (from the projected scatter) gives the same NC1Row and null energy as the split in
// feature space (from the scatter along d-dimensional directions), on multi-label data
// with several multiplicities and on single-label data.
func TestSubspaceSplitCoordinates(t *testing.T) {
	for _, name := range []string{"mixed", "subspace", "single_label"} {
		f := loadFixtures(t)[name]
		n, d := f.features.Dims()
		acc, err := NewAccumulator(f.k, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := acc.Add(f.features.RawMatrix().Data[:n*d], f.sets); err != nil {
			t.Fatal(err)
		}
		inCoordinates, err := acc.Result(f.w, nil) // flushes the scatter
		if err != nil {
			t.Fatal(err)
		}
		inFeatureSpace, err := finish(acc.k, acc.d, acc.table, acc.n, acc.within, nil, f.w, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := f.paper["nc1_row"].(float64); math.Abs(inCoordinates.NC1Row-want) > 1e-6*want {
			t.Errorf("%s: NC1Row %v, NumPy %v", name, inCoordinates.NC1Row, want)
		}
		for key, pair := range map[string][2]float64{"NC1Row": {inFeatureSpace.NC1Row, inCoordinates.NC1Row},
			"NullEnergy": {inFeatureSpace.NullEnergy, inCoordinates.NullEnergy}} {
			if math.Abs(pair[1]-pair[0]) > 1e-10*math.Abs(pair[0]) || math.IsNaN(pair[0]) {
				t.Errorf("%s: %s %v in coordinates, %v in feature space", name, key, pair[1], pair[0])
			}
		}
	}
}

// TestSingleLabelOmitsMultiLabelKeys: with every label set of size 1 the JSON has no
// nc_m, angle, gamma or subspace angles, and still has the rest.
func TestSingleLabelOmitsMultiLabelKeys(t *testing.T) {
	f := loadFixtures(t)["single_label"]
	met, err := Compute(f.k, f.features, f.sets, f.w, f.b, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(met.JSON())
	var got map[string]any
	json.Unmarshal(raw, &got)
	for _, key := range []string{"nc_m", "angle", "angle_matched_deg", "angle_all_deg", "angle_by_count", "gamma", "angle_row", "angle_null"} {
		if _, ok := got[key]; ok {
			t.Errorf("single-label JSON has %q: %v", key, got[key])
		}
	}
	for _, key := range []string{"nc1", "nc2_w", "nc3", "cdnv", "nc2_uniformity", "nc3_uniformity_cv", "nc1_row", "null_energy"} {
		if _, ok := got[key]; !ok {
			t.Errorf("single-label JSON lacks %q", key)
		}
	}
}

// TestMatMulOption: with Options.MatMul (here a plain float32 loop) the large products
// run through it, and the metrics agree with the float64 path to float32 accuracy; the
// NCC agreement is the same count.
func TestMatMulOption(t *testing.T) {
	const k, d, perClass = 130, 260, 20
	rng := rand.New(rand.NewPCG(3, 4))
	means := make([]float64, k*d)
	for i := range means {
		means[i] = rng.NormFloat64()
	}
	var rows []float64
	var sets []labelset.Set
	for i := range k * perClass {
		c := i % k
		for j := range d {
			rows = append(rows, means[c*d+j]+0.5*rng.NormFloat64())
		}
		sets = append(sets, labelset.Set{c})
	}
	w := mat.NewDense(k, d, nil)
	for i := range k {
		for j := range d {
			w.Set(i, j, means[i*d+j]+0.8*rng.NormFloat64())
		}
	}
	var calls atomic.Int64
	naive := naiveMatMul[float32](&calls)
	features := mat.NewDense(len(sets), d, rows)
	exact, err := Compute(k, features, sets, w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	fast, err := Compute(k, features, sets, w, nil, &Options{MatMul: naive})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() == 0 {
		t.Fatal("MatMul never called")
	}
	for name, pair := range map[string][2]float64{"NC1": {exact.NC1, fast.NC1}, "NC1Row": {exact.NC1Row, fast.NC1Row},
		"NullEnergy": {exact.NullEnergy, fast.NullEnergy}, "NCCAgreement": {exact.NCCAgreement, fast.NCCAgreement}} {
		if math.Abs(pair[0]-pair[1]) > 1e-5*math.Abs(pair[0]) {
			t.Errorf("%s: float64 %v, MatMul %v", name, pair[0], pair[1])
		}
	}
	if exact.NCCAgreement != fast.NCCAgreement {
		t.Errorf("NCC agreement %v vs %v", exact.NCCAgreement, fast.NCCAgreement)
	}
	if _, err := Compute(k, features, sets, w, nil, &Options{MatMul: func([]float32, int, int, []float32, int, []float32) error {
		return errors.New("device lost")
	}}); err == nil || !strings.Contains(err.Error(), "device lost") {
		t.Errorf("failing MatMul: %v", err)
	}
}

// TestMul64Option: large dense products go through Options.MatMul64 (here a plain
// float64 loop) and equal gonum's; a failing MatMul64 falls back to gonum; small ones
// never call it.
func TestMul64Option(t *testing.T) {
	const r, d, q = 300, 500, 450 // 6.75e7 multiply-adds, just above FastProductMin
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := mat.NewDense(r, d, nil), mat.NewDense(q, d, nil)
	for _, m := range []*mat.Dense{a, b} {
		raw := m.RawMatrix().Data
		for i := range raw {
			raw[i] = rng.NormFloat64()
		}
	}
	var calls atomic.Int64
	naive := naiveMatMul[float64](&calls)
	var want, got, fallback, small mat.Dense
	want.Mul(a, b.T())
	(&Options{MatMul64: naive}).mul(&got, a, b.T())
	if calls.Load() != 1 || !mat.EqualApprox(&got, &want, 1e-12) {
		t.Errorf("MatMul64 called %d times (want 1); agrees with gonum: %v", calls.Load(), mat.EqualApprox(&got, &want, 1e-12))
	}
	(&Options{MatMul64: func([]float64, int, int, []float64, int, []float64) error { return errors.New("device lost") }}).mul(&fallback, a, b.T())
	if !mat.Equal(&fallback, &want) {
		t.Error("a failing MatMul64 did not fall back to gonum")
	}
	(&Options{MatMul64: naive}).mul(&small, a.Slice(0, 10, 0, d), b.T())
	if calls.Load() != 1 || !mat.EqualApprox(&small, want.Slice(0, 10, 0, q), 1e-12) {
		t.Errorf("small product: MatMul64 calls %d, want still 1", calls.Load())
	}
}

// naiveMatMul is Options.MatMul (or MatMul64) as a plain loop that counts its calls
// (which may come from several goroutines at once).
func naiveMatMul[T float32 | float64](calls *atomic.Int64) func(x []T, rows, d int, v []T, q int, out []T) error {
	return func(x []T, rows, d int, v []T, q int, out []T) error {
		calls.Add(1)
		for i := range rows {
			for j := range q {
				var s T
				for l := range d {
					s += x[i*d+l] * v[l*q+j]
				}
				out[i*q+j] = s
			}
		}
		return nil
	}
}
