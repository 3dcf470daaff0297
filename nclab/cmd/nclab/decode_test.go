package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/npyfile"
)

// writeToyRun writes a run directory with K = 3 and 2-D features at the corners of
// a triangle per label set ({0}, {1}, {2}, {0,1}), 4 jittered copies each, the same
// points for train and test: ONN is exact, so its subset accuracy must be 1.
func writeToyRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	centers := [][2]float32{{4, 0}, {0, 4}, {-4, -4}, {2, 2}}
	labels := [][]uint8{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}}
	jitter := [][2]float32{{0.1, 0}, {-0.1, 0}, {0, 0.1}, {0, -0.1}}
	var x []float32
	var y []uint8
	for c := range centers {
		for _, j := range jitter {
			x = append(x, centers[c][0]+j[0], centers[c][1]+j[1])
			y = append(y, labels[c]...)
		}
	}
	for _, split := range []string{"train", "test"} {
		if err := npyfile.Write(filepath.Join(dir, split+"_features.npy"), []int{16, 2}, x); err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(filepath.Join(dir, split+"_labels.npy"), []int{16, 3}, y); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "log.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDecodeJSON(t *testing.T) {
	dir := writeToyRun(t)
	var out, errb bytes.Buffer
	if code := run([]string{"decode", "--run", dir, "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var top map[string]any
	if err := json.Unmarshal(out.Bytes(), &top); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	got := map[string]map[string]any{}
	for _, key := range []string{"onn", "ova", "ova_tuned"} {
		m, ok := top[key].(map[string]any)
		if !ok {
			t.Fatalf("no object %q in %s", key, out.String())
		}
		got[key] = m
		for _, k := range []string{"f1_samples", "f1_micro", "f1_macro", "subset_accuracy", "hamming_loss", "jaccard_samples", "by_multiplicity", "flops"} {
			if _, ok := m[k]; !ok {
				t.Errorf("%s lacks %q", key, k)
			}
		}
	}
	if acc := got["onn"]["subset_accuracy"].(float64); acc != 1 {
		t.Errorf("ONN subset accuracy %v on separated clusters, want 1", acc)
	}
	// ONN per prediction: 2·d·s + 2d + 6s with d = 2, s = 4 sets: 16 + 4 + 24 = 44.
	if per := got["onn"]["flops"].(map[string]any)["per_prediction"].(float64); per != 44 {
		t.Errorf("ONN FLOPs per prediction %v, want 44", per)
	}
	if top["k"].(float64) != 3 || top["test_samples"].(float64) != 16 {
		t.Errorf("k %v, test_samples %v", top["k"], top["test_samples"])
	}
}

func TestDecodeTableAndErrors(t *testing.T) {
	dir := writeToyRun(t)
	var out, errb bytes.Buffer
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(`{"dataset":"toy/quick/c10-S/train","arch":"mlp","head":"learned"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	other := writeToyRun(t)
	if code := run([]string{"decode", "--run", dir, "--run", other}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"| toy/quick/c10-S, mlp | ONN | 100.0 | 100.0 |", "| " + filepath.Base(other) + " | ONN | 100.0 | 100.0 |"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"decode"}, "--run DIR is required"},
		{[]string{"decode", "--run", filepath.Join(dir, "nope")}, "train_features.npy"},
		{[]string{"decode", "--run", dir, "--metric", "l1"}, "unknown ONN metric"},
		{[]string{"decode", "--run", dir, "--holdout", "1.5"}, "holdout fraction"},
	} {
		out.Reset()
		errb.Reset()
		if code := run(c.args, &out, &errb); code == 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errb.String(), c.want)
		}
	}
}

// Two toy runs as a learned/ETF pair: the same features (ONN exact, Jaccard 1) and
// all-zero test logits, so the softmax mass on a set of size m is m/3; parameters
// 1000 and 800 save 20 %.
func TestDecodeTable2(t *testing.T) {
	learned, fixed := writeToyRun(t), writeToyRun(t)
	for dir, r := range map[string]struct {
		head   string
		params int
	}{learned: {"learned", 1000}, fixed: {"etf", 800}} {
		if err := npyfile.Write(filepath.Join(dir, "test_logits.npy"), []int{16, 3}, make([]float32, 48)); err != nil {
			t.Fatal(err)
		}
		summary := fmt.Sprintf(`{"dataset":"toy/quick/train","arch":"mlp","head":%q,"trainable_parameters":%d}`, r.head, r.params)
		if err := os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"decode", "--table2", learned + "," + fixed}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// 12 singles (mass 1/3) and 4 pairs (2/3): mean 5/12 = 41.7 %.
	if want := "| toy/quick | mlp | 41.7 | 41.7 | 100.0 | 100.0 | 1000 | 800 | 20.0 |"; !strings.Contains(out.String(), want) {
		t.Errorf("table lacks %q:\n%s", want, out.String())
	}
	out.Reset()
	if code := run([]string{"decode", "--table2", learned + "," + fixed, "--json"}, &out, &errb); code != 0 || !strings.Contains(out.String(), `"parameters_saved": 0.2`) {
		t.Errorf("exit %d, JSON %s", code, out.String())
	}
	for _, c := range []struct {
		arg, want string
	}{
		{learned, "LEARNED_DIR,ETF_DIR"},
		{fixed + "," + learned, "wrong order"},
		{learned + "," + learned, "given as both runs"},
	} {
		errb.Reset()
		if code := run([]string{"decode", "--table2", c.arg}, &out, &errb); code == 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("--table2 %s: exit %d, stderr %q, want %q", c.arg, code, errb.String(), c.want)
		}
	}
}
