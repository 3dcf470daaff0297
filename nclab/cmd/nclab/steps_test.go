package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestStepsJSON(t *testing.T) {
	var out, errb bytes.Buffer
	args := []string{"steps", "--arch", "mlp", "--side", "8", "--channels", "1", "--batch", "8", "--steps", "3", "--json"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	var got struct {
		Backend string    `json:"backend"`
		Arch    string    `json:"arch"`
		Steps   int       `json:"steps"`
		Params  int       `json:"trainable_parameters"`
		Losses  []float64 `json:"losses"`
		Step    float64   `json:"step_seconds"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v in %q", err, out.String())
	}
	if got.Arch != "mlp" || got.Steps != 3 || len(got.Losses) != 3 || got.Params <= 0 || got.Step <= 0 || got.Backend == "" {
		t.Errorf("got %+v", got)
	}
}

func TestStepsRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"steps", "--arch", "transformer"},
		{"steps", "--steps", "1"},
		{"steps", "--lr", "NaN"},
		{"steps", "extra"},
	} {
		var out, errb bytes.Buffer
		if code := run(args, &out, &errb); code == 0 || !strings.Contains(errb.String(), "nclab steps") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
