package collapse

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// fixture is one dataset of testdata/make_fixtures.py with the metrics NumPy computed
// from METHOD.md §5 (d x d Sigma_W, np.linalg.pinv, explicit loops).
type fixture struct {
	k        int
	features *mat.Dense
	sets     []labelset.Set
	w        *mat.Dense
	b        []float64
	paper    map[string]any
	ref      map[string]any
}

func loadFixtures(t *testing.T) map[string]*fixture {
	t.Helper()
	raw, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct {
		K         int            `json:"k"`
		Paper     map[string]any `json:"paper"`
		Reference map[string]any `json:"reference"`
	}
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	out := map[string]*fixture{}
	for name, e := range expected {
		f := &fixture{k: e.K, paper: e.Paper, ref: e.Reference}
		path := func(part string) string { return filepath.Join("testdata", name+"_"+part+".npy") }
		if f.features, _, err = npyfile.ReadMatrix(path("features")); err != nil {
			t.Fatal(err)
		}
		labels, _, err := npyfile.ReadMatrix(path("labels"))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := labels.Dims()
		for i := range n {
			s, err := labelset.FromMultiHot(labels.RawRowView(i))
			if err != nil {
				t.Fatal(err)
			}
			f.sets = append(f.sets, s)
		}
		if _, err := os.Stat(path("W")); err == nil {
			if f.w, _, err = npyfile.ReadMatrix(path("W")); err != nil {
				t.Fatal(err)
			}
			if f.b, err = npyfile.ReadVector(path("b")); err != nil {
				t.Fatal(err)
			}
		}
		out[name] = f
	}
	if len(out) == 0 {
		t.Fatal("no fixtures")
	}
	return out
}

// compareToFixture checks every metric NumPy computed against ours, to 1e-9 relative
// (absolute below 1).
func compareToFixture(t *testing.T, name string, got JSON, want map[string]any) {
	t.Helper()
	gotMap := map[string]any{}
	raw, _ := json.Marshal(got)
	json.Unmarshal(raw, &gotMap)
	checked := 0
	const tol = 1e-9
	var walk func(path string, w, g any)
	walk = func(path string, w, g any) {
		switch w := w.(type) {
		case float64:
			gv, ok := g.(float64)
			if !ok {
				t.Errorf("%s %s: got %v, NumPy %v", name, path, g, w)
				return
			}
			if math.Abs(gv-w) > tol*math.Max(1, math.Abs(w)) {
				t.Errorf("%s %s: got %.15g, NumPy %.15g (diff %.3g)", name, path, gv, w, gv-w)
			}
			checked++
		case map[string]any:
			gm, ok := g.(map[string]any)
			if !ok {
				t.Errorf("%s %s: got %v, NumPy %v", name, path, g, w)
				return
			}
			for key, wv := range w {
				walk(path+"."+key, wv, gm[key])
			}
		}
	}
	for key, w := range want {
		walk(key, w, gotMap[key])
	}
	if checked < 8 {
		t.Errorf("%s: only %d numbers compared", name, checked)
	}
}

func TestComputeMatchesNumPy(t *testing.T) {
	for name, f := range loadFixtures(t) {
		for _, variant := range []struct {
			opts *Options
			want map[string]any
		}{{nil, f.paper}, {&Options{ReferenceCode: true}, f.ref}} {
			met, err := Compute(f.k, f.features, f.sets, f.w, f.b, variant.opts)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			compareToFixture(t, name+" "+met.JSON().Variant, met.JSON(), variant.want)
		}
	}
}

// TestAccumulatorMatchesNumPy feeds the fixtures in uneven batches.
func TestAccumulatorMatchesNumPy(t *testing.T) {
	for name, f := range loadFixtures(t) {
		n, d := f.features.Dims()
		for _, variant := range []struct {
			opts *Options
			want map[string]any
		}{{nil, f.paper}, {&Options{ReferenceCode: true}, f.ref}} {
			acc, err := NewAccumulator(f.k, d, variant.opts)
			if err != nil {
				t.Fatal(err)
			}
			data := f.features.RawMatrix().Data
			for start, size := 0, 1; start < n; start, size = start+size, size*2+1 {
				end := min(start+size, n)
				if err := acc.Add(data[start*d:end*d], f.sets[start:end]); err != nil {
					t.Fatal(err)
				}
			}
			met, err := acc.Result(f.w, f.b)
			if err != nil {
				t.Fatal(err)
			}
			if f.w != nil {
				agree, total, err := met.CountAgreement(data, f.sets, f.w, f.b)
				if err != nil {
					t.Fatal(err)
				}
				met.NCCAgreement = float64(agree) / float64(total)
			}
			compareToFixture(t, name+" accumulator "+strconv.FormatBool(variant.opts != nil), met.JSON(), variant.want)
		}
	}
}

// TestBothWaysMatchNumPy: ComputeSource's two ways (one scan with the d x d scatter,
// or projections in later scans), each forced on every fixture, agree with NumPy.
func TestBothWaysMatchNumPy(t *testing.T) {
	for name, f := range loadFixtures(t) {
		_, d := f.features.Dims()
		src := SliceSource{Rows: f.features.RawMatrix().Data, Sets: f.sets, D: d}
		for _, variant := range []struct {
			opts *Options
			want map[string]any
		}{{nil, f.paper}, {&Options{ReferenceCode: true}, f.ref}} {
			for way, run := range map[string]func(int, int, Source, *mat.Dense, []float64, *Options) (*Metrics, error){
				"accumulate": accumulateResult, "project": project} {
				met, err := run(f.k, d, src, f.w, f.b, variant.opts)
				if err != nil {
					t.Fatalf("%s %s: %v", name, way, err)
				}
				if f.w != nil {
					agree, total, err := met.CountAgreement(src.Rows, f.sets, f.w, f.b)
					if err != nil {
						t.Fatal(err)
					}
					met.NCCAgreement = float64(agree) / float64(total)
				}
				compareToFixture(t, name+" "+way+" "+met.JSON().Variant, met.JSON(), variant.want)
			}
		}
	}
}

// accumulateResult is the metrics of ComputeSource's one-scan way, without NCC
// agreement.
func accumulateResult(k, d int, src Source, w *mat.Dense, b []float64, opts *Options) (*Metrics, error) {
	acc, err := accumulate(k, d, src, opts)
	if err != nil {
		return nil, err
	}
	return acc.Result(w, b)
}

// batches is a Source over in-memory rows in batches of the given sizes (the last one
// repeated).
type batches struct {
	rows  []float64
	sets  []labelset.Set
	d     int
	sizes []int
}

func (b batches) Scan(yield func(rows []float64, sets []labelset.Set) error) error {
	for start, i := 0, 0; start < len(b.sets); i++ {
		end := min(start+b.sizes[min(i, len(b.sizes)-1)], len(b.sets))
		if err := yield(b.rows[start*b.d:end*b.d], b.sets[start:end]); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// TestAccumulateRescans: when the first batch is tiny (1e-150) and the others huge
// (1e150), the one-scan way reads the source again at the scale of the largest
// magnitude and agrees with the projection way, which always scans for it first.
func TestAccumulateRescans(t *testing.T) {
	f := loadFixtures(t)["subspace"]
	n, d := f.features.Dims()
	var odd mat.Dense
	odd.Scale(1e150, f.features)
	for j := range d {
		odd.Set(0, j, f.features.At(0, j)*1e-150)
	}
	src := batches{rows: odd.RawMatrix().Data, sets: f.sets, d: d, sizes: []int{1, 7}}
	one, err := accumulateResult(f.k, d, src, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	two, err := project(f.k, d, src, f.w, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if one.scale != two.scale || one.scale == 1 {
		t.Errorf("scales %g and %g, want the same power of two, not 1", one.scale, two.scale)
	}
	wantJSON := flatJSON(two.JSON())
	for key, w := range wantJSON {
		if g, ok := flatJSON(one.JSON())[key]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: one scan %v, projections %v", key, g, w)
		}
	}
	if len(wantJSON) < 10 || n < 20 {
		t.Fatalf("only %d keys over %d samples", len(wantJSON), n)
	}
}

// TestAgreementScan: ComputeSource's NCCAgreement, after the one-scan way and after the
// projection way, equals CountAgreement over the whole data set, for every fixture with
// a classifier; the bias and a 2^-600 feature scale (a rescaled run) are covered too.
func TestAgreementScan(t *testing.T) {
	ways := map[bool]int{}
	cases := loadFixtures(t)
	cases["wide"] = wideCase(3, 40, 30) // d/2 > 3(K-1): the projection way
	for name, f := range cases {
		if f.w == nil {
			continue
		}
		n, d := f.features.Dims()
		for _, factor := range []float64{1, 0x1p-600} {
			var rows mat.Dense
			rows.Scale(factor, f.features)
			var b []float64
			if f.b != nil {
				b = scaled(mat.NewVecDense(len(f.b), f.b), factor).RawMatrix().Data
			}
			w := scaled(f.w, 1)
			src := batches{rows: rows.RawMatrix().Data, sets: f.sets, d: d, sizes: []int{3, 5}}
			met, err := ComputeSource(f.k, d, src, w, b, nil)
			if err != nil {
				t.Fatalf("%s x %g: %v", name, factor, err)
			}
			agree, total, err := met.CountAgreement(rows.RawMatrix().Data, f.sets, w, b)
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(agree) / float64(total); met.NCCAgreement != want || total == 0 || total > n {
				t.Errorf("%s x %g: NCCAgreement %v, CountAgreement %d/%d", name, factor, met.NCCAgreement, agree, total)
			}
			ways[scatterIsCheaper(f.k, d, true)]++
		}
	}
	if ways[true] == 0 || ways[false] == 0 {
		t.Fatalf("fixtures cover the one-scan way %d times and the projection way %d times, want both", ways[true], ways[false])
	}
}

// wideCase is K classes of perClass noisy samples around random means in d dimensions,
// with a classifier near the means and a bias.
func wideCase(k, d, perClass int) *fixture {
	rng := rand.New(rand.NewPCG(3, 5))
	means := mat.NewDense(k, d, nil)
	w := mat.NewDense(k, d, nil)
	for i := range k {
		for j := range d {
			means.Set(i, j, rng.NormFloat64())
			w.Set(i, j, means.At(i, j)+0.8*rng.NormFloat64())
		}
	}
	f := &fixture{k: k, w: w, b: make([]float64, k), features: mat.NewDense(k*perClass, d, nil)}
	for i := range k * perClass {
		for j := range d {
			f.features.Set(i, j, means.At(i%k, j)+1.5*rng.NormFloat64())
		}
		f.sets = append(f.sets, labelset.Set{i % k})
	}
	for i := range f.b {
		f.b[i] = 0.1 * rng.NormFloat64()
	}
	return f
}
