package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/nclab/nclab/nclab/npyfile"
)

const collapseFixtures = "../../collapse/testdata/"

// runCommand runs the CLI and returns exit code, stdout and stderr.
func runCommand(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestCollapseJSONMatchesNumPy runs `nclab collapse --json` on a fixture of package
// collapse and compares it with the NumPy values of its expected.json.
func TestCollapseJSONMatchesNumPy(t *testing.T) {
	code, out, errs := runCommand("collapse", "--features", collapseFixtures+"mixed_features.npy",
		"--labels", collapseFixtures+"mixed_labels.npy", "--weights", collapseFixtures+"mixed_W.npy",
		"--bias", collapseFixtures+"mixed_b.npy", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := fixturePaper(t, "mixed")
	for _, key := range []string{"nc1", "nc2_w", "nc2_h", "nc3", "nc3_papyan", "ncc_agreement"} {
		g, _ := got[key].(float64)
		if w := want[key].(float64); math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: got %v, NumPy %v", key, got[key], w)
		}
	}
	for _, key := range []string{"nc_m", "angle", "gamma"} {
		for m, w := range want[key].(map[string]any) {
			g, _ := got[key].(map[string]any)[m].(float64)
			if math.Abs(g-w.(float64)) > 1e-9 {
				t.Errorf("%s[%s]: got %v, NumPy %v", key, m, g, w)
			}
		}
	}
}

// TestCollapseInputTypes: float32 features and float64 labels read the same as the
// float64 / uint8 originals.
func TestCollapseInputTypes(t *testing.T) {
	dir := t.TempDir()
	f, _, _ := npyfile.ReadMatrix(collapseFixtures + "low_dimension_features.npy")
	l, _, _ := npyfile.ReadMatrix(collapseFixtures + "low_dimension_labels.npy")
	n, d := f.Dims()
	f32 := make([]float32, 0, n*d)
	for _, v := range f.RawMatrix().Data {
		f32 = append(f32, float32(v))
	}
	_, k := l.Dims()
	npyfile.Write(filepath.Join(dir, "f32.npy"), []int{n, d}, f32)
	npyfile.Write(filepath.Join(dir, "l64.npy"), []int{n, k}, l.RawMatrix().Data)
	code, out, errs := runCommand("collapse", "--features", filepath.Join(dir, "f32.npy"), "--labels", filepath.Join(dir, "l64.npy"), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct{ NC1 float64 }
	json.Unmarshal([]byte(out), &got)
	// float32 rounding of features of size ~1 moves NC1 by ~1e-7 relative.
	if want := fixturePaper(t, "low_dimension")["nc1"].(float64); math.Abs(got.NC1-want) > 1e-5*want {
		t.Errorf("NC1 from float32 features %v, float64 NumPy %v", got.NC1, want)
	}
	code, out, _ = runCommand("collapse", "--features", filepath.Join(dir, "f32.npy"), "--labels", filepath.Join(dir, "l64.npy"))
	if code != 0 || !strings.Contains(out, "NC1") || !strings.Contains(out, "angle ratio m=2") {
		t.Errorf("table output: exit %d\n%s", code, out)
	}
}

// TestCollapseBadInput: each mistake gives a one-line error and a non-zero exit.
func TestCollapseBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, shape []int, data []float64) string {
		p := filepath.Join(dir, name)
		if err := npyfile.Write(p, shape, data); err != nil {
			t.Fatal(err)
		}
		return p
	}
	feat := write("f.npy", []int{3, 2}, []float64{1, 0, 0, 1, 1, 1})
	labels := write("l.npy", []int{3, 2}, []float64{1, 0, 0, 1, 1, 1})
	short := write("short.npy", []int{2, 2}, []float64{1, 0, 0, 1})
	nan := write("nan.npy", []int{3, 2}, []float64{1, 0, math.NaN(), 1, 1, 1})
	empty := write("empty.npy", []int{3, 2}, []float64{1, 0, 0, 0, 1, 1})
	half := write("half.npy", []int{3, 2}, []float64{1, 0, 0.5, 0.5, 1, 1})
	w3 := write("w3.npy", []int{3, 2}, []float64{1, 0, 0, 1, 1, 1})
	b3 := write("b3.npy", []int{3}, []float64{0, 0, 0})
	w2 := write("w2.npy", []int{2, 2}, []float64{1, 0, 0, 1})
	vec := write("vec.npy", []int{3}, []float64{1, 2, 3})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"row mismatch", []string{"--features", feat, "--labels", short}, "has 3 rows but labels"},
		{"K mismatch", []string{"--features", feat, "--labels", labels, "--weights", w3}, "is 3 x 2, want K x d = 2 x 2"},
		{"bias length", []string{"--features", feat, "--labels", labels, "--weights", w2, "--bias", b3}, "has 3 entries, want K = 2"},
		{"NaN", []string{"--features", nan, "--labels", labels}, "entry [1, 0] is NaN"},
		{"empty label row", []string{"--features", feat, "--labels", empty}, "row 1 has no label"},
		{"not 0/1", []string{"--features", feat, "--labels", half}, "is 0.5, want 0 or 1"},
		{"1-D features", []string{"--features", vec, "--labels", labels}, "want a 2-D array"},
		{"bias alone", []string{"--features", feat, "--labels", labels, "--bias", b3}, "--bias needs --weights"},
		{"missing flag", []string{"--features", feat}, "--features and --labels are required"},
		{"missing file", []string{"--features", filepath.Join(dir, "nope.npy"), "--labels", labels}, "nope.npy"},
	} {
		code, _, errs := runCommand(append([]string{"collapse"}, c.args...)...)
		if code == 0 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q, want one line containing %q", c.name, code, errs, c.want)
		}
	}
}

// TestCollapseSubspaceSplitMatchesNumPy: `nclab collapse --json` with --weights on data
// with d = 16 > K = 5 and a W of rank 4 prints angle_row, angle_null, nc1_row and
// null_energy agreeing with NumPy (testdata/make_fixtures.py) to 1e-6 relative; without
// --weights the keys are absent.
func TestCollapseSubspaceSplitMatchesNumPy(t *testing.T) {
	args := []string{"collapse", "--features", collapseFixtures + "subspace_features.npy",
		"--labels", collapseFixtures + "subspace_labels.npy", "--json"}
	code, out, errs := runCommand(append(args, "--weights", collapseFixtures+"subspace_W.npy")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	want := fixturePaper(t, "subspace")
	close := func(key string, g any, w float64) {
		gv, ok := g.(float64)
		if !ok || math.Abs(gv-w) > 1e-6*math.Abs(w) {
			t.Errorf("%s: got %v, NumPy %v", key, g, w)
		}
	}
	for _, key := range []string{"nc1_row", "null_energy", "w_rank"} {
		close(key, got[key], want[key].(float64))
	}
	for _, key := range []string{"angle_row", "angle_null"} {
		wm := want[key].(map[string]any)
		gm, _ := got[key].(map[string]any)
		if len(wm) != 2 || len(gm) != len(wm) {
			t.Errorf("%s: got %v, NumPy %v", key, gm, wm)
		}
		for m, w := range wm {
			close(key+"["+m+"]", gm[m], w.(float64))
		}
	}
	code, out, errs = runCommand(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, key := range []string{"angle_row", "angle_null", "nc1_row", "null_energy", "w_rank"} {
		if strings.Contains(out, `"`+key+`"`) {
			t.Errorf("%s printed without --weights", key)
		}
	}
	code, out, _ = runCommand("collapse", "--features", collapseFixtures+"subspace_features.npy",
		"--labels", collapseFixtures+"subspace_labels.npy", "--weights", collapseFixtures+"subspace_W.npy")
	if code != 0 || !strings.Contains(out, "null-space energy") || !strings.Contains(out, "4 of d = 16") {
		t.Errorf("table output: exit %d\n%s", code, out)
	}
}

// TestCollapseFieldMetricsAndClassIndices: the field metrics match NumPy on the
// single-label fixture (d = 11 > K = 7), and its labels as an N-vector of int64 class
// indices give the same JSON as the one-hot rows, without the multi-label keys.
func TestCollapseFieldMetricsAndClassIndices(t *testing.T) {
	want := fixturePaper(t, "single_label")
	outputs := map[string]string{}
	for _, labels := range []string{"single_label_labels.npy", "single_label_classes.npy"} {
		code, out, errs := runCommand("collapse", "--features", collapseFixtures+"single_label_features.npy",
			"--labels", collapseFixtures+labels, "--weights", collapseFixtures+"single_label_W.npy",
			"--bias", collapseFixtures+"single_label_b.npy", "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", labels, code, errs)
		}
		outputs[labels] = out
		var got map[string]any
		json.Unmarshal([]byte(out), &got)
		for _, key := range []string{"nc1", "cdnv", "nc3_uniformity_cv", "ncc_agreement", "null_energy"} {
			g, _ := got[key].(float64)
			if w := want[key].(float64); math.Abs(g-w) > 1e-6*math.Abs(w) {
				t.Errorf("%s %s: got %v, NumPy %v", labels, key, got[key], w)
			}
		}
		for _, sub := range []string{"mean", "std"} {
			g, _ := got["nc2_uniformity"].(map[string]any)[sub].(float64)
			if w := want["nc2_uniformity"].(map[string]any)[sub].(float64); math.Abs(g-w) > 1e-6*math.Abs(w) {
				t.Errorf("%s nc2_uniformity.%s: got %v, NumPy %v", labels, sub, g, w)
			}
		}
		for _, key := range []string{"nc_m", "angle", "gamma", "angle_row"} {
			if _, ok := got[key]; ok {
				t.Errorf("%s: single-label output has %q", labels, key)
			}
		}
	}
	if outputs["single_label_labels.npy"] != outputs["single_label_classes.npy"] {
		t.Errorf("class indices and one-hot rows differ:\n%s\n%s", outputs["single_label_labels.npy"], outputs["single_label_classes.npy"])
	}
}

// TestCollapseStreamsLargeFiles: features of more rows than one chunk, float16 and
// float32, give what collapse.Compute gives on the same values in memory; features
// scaled by 1e160 give the same metrics.
func TestCollapseStreamsLargeFiles(t *testing.T) {
	dir := t.TempDir()
	const n, d, k = 3000, 6, 4
	f32 := make([]float32, n*d)
	classes := make([]int64, n)
	for i := range n {
		classes[i] = int64(i % k)
		for j := range d {
			f32[i*d+j] = float32(math.Sin(float64(i*7+j*3))*0.3 + float64((int(classes[i])+j)%3))
		}
	}
	npyfile.Write(filepath.Join(dir, "f.npy"), []int{n, d}, f32)
	npyfile.Write(filepath.Join(dir, "y.npy"), []int{n}, classes)
	big := make([]float64, n*d)
	for i, v := range f32 {
		big[i] = float64(v) * 1e160
	}
	npyfile.Write(filepath.Join(dir, "big.npy"), []int{n, d}, big)
	var results []map[string]any
	for _, name := range []string{"f.npy", "big.npy"} {
		code, out, errs := runCommand("collapse", "--features", filepath.Join(dir, name), "--labels", filepath.Join(dir, "y.npy"), "--json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		var got map[string]any
		json.Unmarshal([]byte(out), &got)
		results = append(results, got)
	}
	for _, key := range []string{"nc1", "nc2_h", "cdnv"} {
		a, _ := results[0][key].(float64)
		b, _ := results[1][key].(float64)
		if a == 0 || math.Abs(a-b) > 1e-9*math.Abs(a) {
			t.Errorf("%s: %v at scale 1, %v at scale 1e160", key, a, b)
		}
	}
	if n1, _ := results[0]["n"].(float64); n1 != n {
		t.Errorf("n = %v, want %d", results[0]["n"], n)
	}
	code, _, errs := runCommand("collapse", "--features", filepath.Join(dir, "f.npy"), "--labels", filepath.Join(dir, "y.npy"), "--pinv-rtol", "NaN")
	if code == 0 || !strings.Contains(errs, "--pinv-rtol NaN") {
		t.Errorf("--pinv-rtol NaN: exit %d, %s", code, errs)
	}
	npyfile.Write(filepath.Join(dir, "yf.npy"), []int{n}, make([]float64, n))
	if code, _, errs := runCommand("collapse", "--features", filepath.Join(dir, "f.npy"), "--labels", filepath.Join(dir, "yf.npy")); code == 0 || !strings.Contains(errs, "integer class indices") {
		t.Errorf("float 1-D labels: exit %d, %s", code, errs)
	}
}

// TestCollapseMatMul: the GoMLX products agree with plain float64 sums, in float32
// and float64, when calls of two shapes run from several goroutines at once and reuse
// the input tensors of earlier calls with new data.
func TestCollapseMatMul(t *testing.T) {
	mm, err := newMatMul()
	if err != nil {
		t.Fatal(err)
	}
	defer mm.close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 4 {
		wg.Go(func() {
			for call := range 6 {
				rows, d, q := 5, 7, 3
				if call%2 == 1 {
					rows, d, q = 4, 9, 6
				}
				x, v := make([]float64, rows*d), make([]float64, d*q)
				for i := range x {
					x[i] = float64((i+g+call)%5) - 1.5
				}
				for i := range v {
					v[i] = float64((i*(call+1))%3) + 0.25*float64(g)
				}
				out64 := make([]float64, rows*q)
				if err := mm.mul64(x, rows, d, v, q, out64); err != nil {
					errs <- err
					return
				}
				x32, v32, out32 := make([]float32, len(x)), make([]float32, len(v)), make([]float32, rows*q)
				for i, e := range x {
					x32[i] = float32(e)
				}
				for i, e := range v {
					v32[i] = float32(e)
				}
				if err := mm.mul(x32, rows, d, v32, q, out32); err != nil {
					errs <- err
					return
				}
				for i := range rows {
					for j := range q {
						var want float64
						for l := range d {
							want += x[i*d+l] * v[l*q+j]
						}
						if got := out64[i*q+j]; math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
							errs <- fmt.Errorf("goroutine %d call %d: float64 out[%d, %d] = %v, want %v", g, call, i, j, got, want)
						}
						if got := float64(out32[i*q+j]); math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
							errs <- fmt.Errorf("goroutine %d call %d: float32 out[%d, %d] = %v, want %v", g, call, i, j, got, want)
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// fixturePaper returns the NumPy values ("paper" variant) of one data set of the
// collapse fixtures' expected.json.
func fixturePaper(t *testing.T, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(collapseFixtures + "expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]struct{ Paper map[string]any }
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	paper := expected[name].Paper
	if paper == nil {
		t.Fatalf("expected.json has no paper values for %q", name)
	}
	return paper
}
