package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// nclab data build --out DIR then nclab data stats DIR --json: the quick preset's
// counts (2,000 singles + 900 pairs; 500 + 225), the same sha256 in both outputs.
func TestDataBuildStatsSheet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mnist")
	var out, errb bytes.Buffer
	if code := run([]string{"data", "build", "--dataset", "mnist-mlab", "--preset", "quick", "--seed", "3", "--out", dir, "--json"}, &out, &errb); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	var built map[string]any
	if err := json.Unmarshal(out.Bytes(), &built); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run([]string{"data", "stats", dir, "--json"}, &out, &errb); code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errb.String())
	}
	var st struct {
		Classes    int    `json:"classes"`
		ImageShape [3]int `json:"image_shape"`
		Train      struct {
			Total          int            `json:"total"`
			ByMultiplicity map[string]int `json:"by_multiplicity"`
			SHA256         string         `json:"sha256"`
		} `json:"train"`
		Test struct {
			Total          int            `json:"total"`
			ByMultiplicity map[string]int `json:"by_multiplicity"`
		} `json:"test"`
	}
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.Classes != 10 || st.ImageShape != [3]int{56, 56, 1} || st.Train.Total != 2900 || st.Train.ByMultiplicity["2"] != 900 ||
		st.Test.Total != 725 || st.Test.ByMultiplicity["1"] != 500 {
		t.Errorf("stats %s", out.String())
	}
	if st.Train.SHA256 != built["train"].(map[string]any)["sha256"] || len(st.Train.SHA256) != 64 {
		t.Errorf("sha256 %q differs from the build's", st.Train.SHA256)
	}
	sheet := filepath.Join(t.TempDir(), "sheet.png")
	if code := run([]string{"data", "sheet", dir, "--png", sheet, "--per", "4"}, &out, &errb); code != 0 {
		t.Fatalf("sheet: exit %d: %s", code, errb.String())
	}
	f, err := os.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	// 4 columns of 1.4 in and 2 rows (multiplicities 1 and 2) of 1.6 in at 96 dpi: 5.6 x 3.2 in.
	if err != nil || img.Bounds().Dx() != 538 || img.Bounds().Dy() != 307 {
		t.Errorf("sheet: %v, bounds %v", err, img.Bounds())
	}
}

func TestDataErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"data"}, "missing subcommand"},
		{[]string{"data", "build"}, "--dataset is required"},
		{[]string{"data", "build", "--dataset", "mnist-mlab", "--preset", "huge"}, "unknown preset"},
		{[]string{"data", "build", "--dataset", "mnist-mlab", "--train-counts", "1=3"}, "bad counts"},
		{[]string{"data", "stats", t.TempDir()}, "not a built data folder"},
		{[]string{"data", "sheet", t.TempDir(), "--png", "x.png", "--per", "0"}, "--per 0"},
	} {
		var out, errb bytes.Buffer
		if code := run(c.args, &out, &errb); code == 0 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errb.String(), c.want)
		}
	}
}
