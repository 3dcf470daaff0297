package svhn

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
)

// testdata/digits.csv was written by digitstruct_to_csv.py from testdata/digitStruct.mat,
// a MATLAB v7.3 file in SVHN's layout made by testdata/make_digitstruct.py with the
// bbox labels [1 9], [2 3], [5], [1 10 7], [4 4 8] (10 = digit 0).
func TestReadConvertedDigitStruct(t *testing.T) {
	recs, err := ReadSplit("testdata")
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{{"1.png", []int{1, 9}}, {"2.png", []int{2, 3}}, {"3.png", []int{5}}, {"4.png", []int{1, 0, 7}}, {"5.png", []int{4, 4, 8}}}
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if r.Name != want[i].Name || !slices.Equal(r.Digits, want[i].Digits) {
			t.Errorf("record %d = %+v, want %+v", i, r, want[i])
		}
	}
	// Label sets: distinct digits, digit d -> class d-1; a number with a 0 is dropped.
	for i, w := range []struct {
		set labelset.Set
		ok  bool
	}{{labelset.Set{0, 8}, true}, {labelset.Set{1, 2}, true}, {labelset.Set{4}, true}, {nil, false}, {labelset.Set{3, 7}, true}} {
		s, ok := recs[i].LabelSet()
		if ok != w.ok || !s.Equal(w.set) {
			t.Errorf("record %d label set %v (%v), want %v (%v)", i, s, ok, w.set, w.ok)
		}
	}
}

func TestCSVErrors(t *testing.T) {
	for _, c := range []struct{ content, want string }{
		{"", "empty file"},
		{"file,label\n1.png,3\n", `want "name,digits"`},
		{"name,digits\n1.png,3x\n", `line 2: digits "3x"`},
		{"name,digits\n1.png\n", "wrong number of fields"},
		{"name,digits\n", "no records"},
		{"name,digits\n\"1.png,3\n", "quote"},
	} {
		_, err := ReadCSV(strings.NewReader(c.content), "d.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "d.csv") {
			t.Errorf("%q: error %v, want one naming d.csv and saying %q", c.content, err, c.want)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "digitStruct.mat"), []byte("x"), 0o644)
	if _, err := ReadSplit(dir); err == nil || !strings.Contains(err.Error(), "digitstruct_to_csv.py") {
		t.Errorf("only digitStruct.mat: error %v, want the conversion command", err)
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	var b strings.Builder
	recs := []Record{{"1.png", []int{1, 0}}, {"7.png", []int{9}}}
	if err := WriteCSV(&b, recs); err != nil {
		t.Fatal(err)
	}
	if b.String() != "name,digits\n1.png,10\n7.png,9\n" {
		t.Errorf("csv %q", b.String())
	}
	got, err := ReadCSV(strings.NewReader(b.String()), "x")
	if err != nil || len(got) != 2 || !slices.Equal(got[0].Digits, []int{1, 0}) {
		t.Errorf("round trip %+v, %v", got, err)
	}
}
