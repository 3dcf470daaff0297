package svhn

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadCSV: no input panics; every record read has a plain file name (no
// folder part) and digits 0-9, and its label set is valid or dropped. Seeds:
// testdata/fuzz/FuzzReadCSV (valid, bad header, a path as name, a non-digit,
// quotes, empty).
func FuzzReadCSV(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		records, err := ReadCSV(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		for i, r := range records {
			if r.Name == "" || r.Name == ".." || r.Name != filepath.Base(r.Name) || strings.ContainsRune(r.Name, 0x5c) {
				t.Fatalf("record %d: name %q", i, r.Name)
			}
			if len(r.Digits) == 0 {
				t.Fatalf("record %d: no digits", i)
			}
			for _, d := range r.Digits {
				if d < 0 || d > 9 {
					t.Fatalf("record %d: digit %d", i, d)
				}
			}
			if s, ok := r.LabelSet(); ok && (len(s) == 0 || s[len(s)-1] >= K) {
				t.Fatalf("record %d: label set %v", i, s)
			}
		}
	})
}
