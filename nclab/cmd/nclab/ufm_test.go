package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// "ufm solve --json" prints the first reference optimum of METHOD.md §3 under the
// documented keys.
func TestUFMSolveJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(strings.Fields("ufm solve --classes 4 --counts 1:3,2:2 --lambda-w 0.01 --lambda-h 0.01 --lambda-b 0.01 --json"), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got struct {
		Objective float64            `json:"objective"`
		Rho       float64            `json:"rho"`
		C         map[string]float64 `json:"c"`
		Gamma     map[string]float64 `json:"gamma"`
		Trivial   *bool              `json:"trivial"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-5*math.Abs(b) }
	if !near(got.Objective, 1.04038) || !near(got.Rho, 6.64327) || !near(got.C["1"], 0.409712) || !near(got.C["2"], 0.352281) || got.Trivial == nil || *got.Trivial {
		t.Errorf("got %s", out.String())
	}
	if !near(got.Gamma["2"], 2*0.352281/0.409712) {
		t.Errorf("gamma_2 = %v", got.Gamma["2"])
	}
	// The human-readable form names the same numbers.
	out.Reset()
	if code := run(strings.Fields("ufm solve --classes 4 --counts 1:3,2:2 --lambda-w 0.01 --lambda-h 0.01"), &out, &errb); code != 0 || !strings.Contains(out.String(), "6.6432658") {
		t.Errorf("exit %d, output %s", code, out.String())
	}
}

// "ufm train" reaches the closed form, reports steps, grad_norm and the collapse
// metrics with the keys of "nclab collapse", and writes the trajectory.
func TestUFMTrainJSON(t *testing.T) {
	traj := filepath.Join(t.TempDir(), "traj.jsonl")
	var out, errb bytes.Buffer
	code := run(strings.Fields("ufm train --classes 4 --counts 1:3,2:2 --lambda-w 0.01 --lambda-h 0.01 --lambda-b 0.01 --dim 6 --seed 3 --grad-tol 1e-10 --json --trajectory "+traj), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"objective", "rho", "c", "gamma", "trivial", "steps", "grad_norm", "metrics", "closed_form"} {
		if _, ok := got[key]; !ok {
			t.Errorf("key %q missing from %s", key, out.String())
		}
	}
	if gap := got["objective_gap"].(float64); math.Abs(gap) > 1e-9 {
		t.Errorf("objective gap %g", gap)
	}
	metrics := got["metrics"].(map[string]any)
	for _, key := range []string{"nc1", "nc_m", "nc2_w", "nc2_h", "nc3", "nc3_papyan", "angle", "gamma"} {
		if _, ok := metrics[key]; !ok {
			t.Errorf("metrics key %q missing", key)
		}
	}
	if nc1 := metrics["nc1"].(float64); nc1 > 1e-4 {
		t.Errorf("nc1 = %g", nc1)
	}
	data, err := os.ReadFile(traj)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(data), "\n"); lines < 3 {
		t.Errorf("trajectory has %d lines", lines)
	}
}

// Invalid input gets a one-line error naming the problem and a non-zero exit.
func TestUFMInvalidInput(t *testing.T) {
	for args, want := range map[string]string{
		"ufm solve --classes 1 --counts 1:3":                    "K = 1",
		"ufm solve --classes 4 --counts 1:3,5:1":                "multiplicity 5",
		"ufm solve --classes 4 --counts 1:3 --lambda-w -1":      "negative",
		"ufm solve --classes 4 --counts 1:2.5":                  "not an integer",
		"ufm solve --classes 4 --counts 1:3 --loss ova":         "pal and pal-n",
		"ufm train --classes 4 --counts 1:3 --dim 0":            "d = 0",
		"ufm train --classes 4 --counts 1:3 --dim 5 --lr 1e9":   "diverged",
		"ufm train --classes 4 --counts 1:3 --dim 5 --dtype f8": "float32 or float64",
		"ufm frobnicate": "ufm solve",
	} {
		var out, errb bytes.Buffer
		code := run(strings.Fields(args), &out, &errb)
		msg := errb.String()
		if code == 0 || !strings.Contains(msg, want) || strings.Count(msg, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q, want one line containing %q", args, code, msg, want)
		}
	}
}

// "--set-counts": unbalanced singles train without a closed form (its keys absent,
// no_closed_form naming the set); "ufm solve" refuses them in one line; bad input
// names the flag.
func TestUFMSetCounts(t *testing.T) {
	const unbalanced = " --classes 3 --set-counts 0:12,1:4,2:4,0+1:3,0+2:3,1+2:3 --lambda-w 0.01 --lambda-h 0.01 --lambda-b 0.01"
	var out, errb bytes.Buffer
	if code := run(strings.Fields("ufm train --dim 4 --json"+unbalanced), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"rho", "objective_gap", "gram_error", "closed_form", "trivial"} {
		if _, ok := got[absent]; ok {
			t.Errorf("key %q present without a closed form", absent)
		}
	}
	if why, _ := got["no_closed_form"].(string); !strings.Contains(why, "{0} has 12 samples") || got["converged"] != true {
		t.Errorf("no_closed_form %q, converged %v", why, got["converged"])
	}
	for args, want := range map[string]string{
		"ufm solve" + unbalanced:                               "no closed form",
		"ufm solve --classes 3 --counts 1:1 --set-counts 0:1":  "not both",
		"ufm solve --classes 3 --set-counts 0:1,3:1":           "--set-counts",
		"ufm train --dim 4 --classes 3 --set-counts 0+0:1,1:1": "--set-counts",
		"ufm solve --classes 3 --set-counts 0:1,1:1,0+1:-1":    "negative",
	} {
		out.Reset()
		errb.Reset()
		if code := run(strings.Fields(args), &out, &errb); code == 0 || !strings.Contains(errb.String(), want) || strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", args, code, errb.String(), want)
		}
	}
}
