package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/npyfile"
)

const multilabelFixtures = "../../multilabel/testdata/"

// TestEvaluateJSONMatchesScikitLearn runs `nclab evaluate --json` on a fixture of
// package multilabel and compares every score with scikit-learn's.
func TestEvaluateJSONMatchesScikitLearn(t *testing.T) {
	code, out, errs := runCommand("evaluate", "--truth", multilabelFixtures+"noisy_truth.npy",
		"--pred", multilabelFixtures+"noisy_pred.npy", "--logits", multilabelFixtures+"noisy_logits.npy", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got, want map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	raw, _ := os.ReadFile(multilabelFixtures + "expected.json")
	var expected map[string]json.RawMessage
	json.Unmarshal(raw, &expected)
	json.Unmarshal(expected["noisy"], &want)
	keys := []string{"f1_samples", "f1_micro", "f1_macro", "subset_accuracy", "hamming_loss", "jaccard_samples", "softmax_mass_iou"}
	compare := func(where string, g, w map[string]any) {
		for _, key := range keys {
			gv, _ := g[key].(float64)
			if math.Abs(gv-w[key].(float64)) > 1e-12 {
				t.Errorf("%s %s: got %v, scikit-learn %v", where, key, g[key], w[key])
			}
		}
	}
	compare("overall", got, want)
	for m, w := range want["by_multiplicity"].(map[string]any) {
		g, _ := got["by_multiplicity"].(map[string]any)[m].(map[string]any)
		compare("m="+m, g, w.(map[string]any))
	}
}

func TestEvaluateBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, shape []int, data []float64) string {
		p := filepath.Join(dir, name)
		npyfile.Write(p, shape, data)
		return p
	}
	y := write("y.npy", []int{2, 3}, []float64{1, 0, 0, 0, 1, 1})
	emptyPred := write("p.npy", []int{2, 3}, []float64{1, 0, 0, 0, 0, 0})
	emptyTruth := write("e.npy", []int{2, 3}, []float64{1, 0, 0, 0, 0, 0})
	wide := write("w.npy", []int{2, 4}, []float64{1, 0, 0, 0, 0, 1, 0, 0})
	zNaN := write("z.npy", []int{2, 3}, []float64{0, 0, 0, 0, math.NaN(), 0})
	z4 := write("z4.npy", []int{2, 4}, make([]float64, 8))
	// An empty predicted set is allowed (one-vs-all may predict nothing).
	if code, out, errs := runCommand("evaluate", "--truth", y, "--pred", emptyPred); code != 0 || !strings.Contains(out, "all") {
		t.Errorf("empty prediction row: exit %d, %s %s", code, out, errs)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"K mismatch", []string{"--truth", y, "--pred", wide}, "is 2 x 3 but pred"},
		{"empty truth row", []string{"--truth", emptyTruth, "--pred", y}, "row 1 has no label"},
		{"NaN logits", []string{"--truth", y, "--pred", y, "--logits", zNaN}, "entry [1, 1] is NaN"},
		{"logits shape", []string{"--truth", y, "--pred", y, "--logits", z4}, "is 2 x 4, want N x K = 2 x 3"},
		{"missing flag", []string{"--truth", y}, "--truth and --pred are required"},
	} {
		code, _, errs := runCommand(append([]string{"evaluate"}, c.args...)...)
		if code == 0 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%s: exit %d, stderr %q, want one line containing %q", c.name, code, errs, c.want)
		}
	}
}
