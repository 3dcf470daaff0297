package multilabel

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// setsOf reads an N x K 0/1 matrix as label sets (empty rows allowed).
func setsOf(t *testing.T, path string) ([]labelset.Set, int) {
	t.Helper()
	m, _, err := npyfile.ReadMatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	n, k := m.Dims()
	sets := make([]labelset.Set, n)
	for i := range n {
		for c, v := range m.RawRowView(i) {
			if v == 1 {
				sets[i] = append(sets[i], c)
			}
		}
	}
	return sets, k
}

// TestMatchesScikitLearn compares every score, overall and per multiplicity, with
// scikit-learn 1.2 (testdata/make_fixtures.py) to 1e-12.
func TestMatchesScikitLearn(t *testing.T) {
	raw, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]json.RawMessage
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"noisy", "good"} {
		var want map[string]any
		json.Unmarshal(expected[name], &want)
		path := func(part string) string { return filepath.Join("testdata", name+"_"+part+".npy") }
		truth, k := setsOf(t, path("truth"))
		pred, _ := setsOf(t, path("pred"))
		logits, _, err := npyfile.ReadMatrix(path("logits"))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Evaluate(truth, pred, k, logits)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		b, _ := json.Marshal(r.JSON())
		json.Unmarshal(b, &got)
		checked := 0
		var walk func(p string, w, g any)
		walk = func(p string, w, g any) {
			switch w := w.(type) {
			case float64:
				gv, ok := g.(float64)
				if !ok || math.Abs(gv-w) > 1e-12 {
					t.Errorf("%s %s: got %v, scikit-learn %.17g", name, p, g, w)
				}
				checked++
			case map[string]any:
				gm, _ := g.(map[string]any)
				for key, wv := range w {
					walk(p+"."+key, wv, gm[key])
				}
			}
		}
		walk("", want, got)
		if checked < 30 {
			t.Errorf("%s: only %d numbers compared", name, checked)
		}
	}
}

// TestHandComputed: K = 4, three samples.
//
//	truth {0,1}, pred {0,2}: inter 1, P = R = 1/2, F1 = 1/2, Jaccard 1/3, 2 mismatches
//	truth {3},   pred {3}:   exact: F1 = Jaccard = 1, 0 mismatches
//	truth {1,2}, pred {}:    F1 = Jaccard = 0, 2 mismatches
//
// F1 samples (1/2 + 1 + 0)/3 = 1/2; micro: tp 2, predicted 3, true 5: P = 2/3,
// R = 2/5, F1 = 2PR/(P+R) = 1/2; subset accuracy 1/3; Hamming 4/12; Jaccard
// (1/3 + 1 + 0)/3 = 4/9. Per class (tp, pred, true): 0 (1,1,1) F 1; 1 (0,0,2) F 0;
// 2 (0,1,1) F 0; 3 (1,1,1) F 1: macro 1/2.
func TestHandComputed(t *testing.T) {
	truth := []labelset.Set{{0, 1}, {3}, {1, 2}}
	pred := []labelset.Set{{0, 2}, {3}, {}}
	// Logits 0 except ln 3 on class 0 of the first sample: softmax there is
	// (3,1,1,1)/6, mass on {0,1} = 4/6; uniform elsewhere: 1/4 and 2/4.
	z := mat.NewDense(3, 4, []float64{math.Log(3), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	r, err := Evaluate(truth, pred, 4, z)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"F1 samples", r.F1Samples, 0.5}, {"F1 micro", r.F1Micro, 0.5}, {"F1 macro", r.F1Macro, 0.5},
		{"subset accuracy", r.SubsetAccuracy, 1. / 3}, {"Hamming", r.HammingLoss, 4. / 12},
		{"Jaccard", r.JaccardSamples, 4. / 9}, {"softmax mass", r.SoftmaxMassIoU, (4./6 + 1./4 + 2./4) / 3},
		{"m=1 subset accuracy", r.ByMultiplicity[1].SubsetAccuracy, 1},
		{"m=2 F1 samples", r.ByMultiplicity[2].F1Samples, 0.25},
		{"m=2 Hamming", r.ByMultiplicity[2].HammingLoss, 4. / 8},
	} {
		if math.Abs(c.got-c.want) > 1e-15 {
			t.Errorf("%s = %.17g, want %.17g", c.name, c.got, c.want)
		}
	}
	if r.N != 3 || r.ByMultiplicity[2].N != 2 {
		t.Errorf("counts %d, %d", r.N, r.ByMultiplicity[2].N)
	}
	noLogits, _ := Evaluate(truth, pred, 4)
	if !math.IsNaN(noLogits.SoftmaxMassIoU) || noLogits.JSON().SoftmaxMassIoU != nil {
		t.Error("softmax mass without logits should be NaN / null")
	}
}

func TestBadInput(t *testing.T) {
	ok := []labelset.Set{{0}, {1, 2}}
	for _, c := range []struct {
		name        string
		truth, pred []labelset.Set
		k           int
		logits      *mat.Dense
		want        string
	}{
		{"length", ok, ok[:1], 3, nil, "2 true label sets but 1 predictions"},
		{"empty truth", []labelset.Set{{0}, {}}, ok, 3, nil, "sample 1, true set: empty label set"},
		{"class outside", ok, []labelset.Set{{0}, {1, 3}}, 3, nil, "sample 1, predicted set: label set [1 3] has class 3 outside [0, 3)"},
		{"logits shape", ok, ok, 3, mat.NewDense(2, 4, nil), "logits are 2 x 4, want N x K = 2 x 3"},
		{"NaN logit", ok, ok, 3, mat.NewDense(2, 3, []float64{0, 0, 0, 0, math.NaN(), 0}), "logit [1, 1] is NaN"},
		{"no samples", nil, nil, 3, nil, "no samples"},
	} {
		var err error
		if c.logits != nil {
			_, err = Evaluate(c.truth, c.pred, c.k, c.logits)
		} else {
			_, err = Evaluate(c.truth, c.pred, c.k)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
