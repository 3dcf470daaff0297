package labelset

import (
	"math/big"
	"strings"
	"testing"
)

// FuzzParseKey: no key panics; a key that parses is its set's canonical Key,
// every class is in [0, K) and the classes increase. Seeds:
// testdata/fuzz/FuzzParseKey (valid keys, unsorted, repeated, signs, leading
// zeros, overflowing numbers, empty fields, K out of range).
func FuzzParseKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, k int, key string) {
		s, err := ParseKey(k, key)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "labelset: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		if s.Key() != key {
			t.Fatalf("ParseKey(%d, %q) = %v, whose key is %q", k, key, s, s.Key())
		}
		for i, c := range s {
			if c < 0 || c >= k || i > 0 && s[i-1] >= c {
				t.Fatalf("ParseKey(%d, %q) = %v: not a valid set", k, key, s)
			}
		}
	})
}

// TestParseKeyRejects: malformed keys are errors that quote them.
func TestParseKeyRejects(t *testing.T) {
	for _, tc := range []struct {
		key, want string
	}{
		{"", "is not a class number"},
		{"1+", "is not a class number"},
		{"+1", "is not a class number"},
		{"-1", "is not a class number"},
		{"01", "is not a class number"},
		{" 1", "is not a class number"},
		{"1+0", `want "0+1"`},
		{"1+1", "has class 1 twice"},
		{"5", "outside [0, 5)"},
		{"99999999999999999999", "out of range"},
	} {
		if _, err := ParseKey(5, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "labelset") {
			t.Errorf("ParseKey(5, %q): error %v, want one containing %q", tc.key, err, tc.want)
		}
	}
	if s, err := ParseKey(5, "0+3+4"); err != nil || s.Key() != "0+3+4" {
		t.Errorf("ParseKey(5, 0+3+4) = %v, %v", s, err)
	}
}

// TestCheckedBinomial: exact values, and an error past int64.
func TestCheckedBinomial(t *testing.T) {
	for _, tc := range []struct{ n, r, want int }{{40, 20, 137846528820}, {5, 0, 1}, {5, 6, 0}, {66, 33, 7219428434016265740}} {
		if got, err := CheckedBinomial(tc.n, tc.r); err != nil || got != tc.want {
			t.Errorf("C(%d, %d) = %d, %v; want %d", tc.n, tc.r, got, err, tc.want)
		}
	}
	if _, err := CheckedBinomial(68, 34); err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Errorf("C(68, 34): error %v, want an overflow", err)
	}
}

// TestCheckedBinomialAgainstPascal: CheckedBinomial equals Pascal's triangle
// (exact additions, math/big) wherever that fits an int64, and refuses the
// rest at once.
func TestCheckedBinomialAgainstPascal(t *testing.T) {
	row := []*big.Int{big.NewInt(1)}
	for n := 0; n <= 90; n++ {
		for r, want := range row {
			got, err := CheckedBinomial(n, r)
			if want.IsInt64() && (err != nil || int64(got) != want.Int64()) || !want.IsInt64() && err == nil {
				t.Fatalf("C(%d, %d) = %d, %v; Pascal %v", n, r, got, err, want)
			}
		}
		next := make([]*big.Int, len(row)+1)
		next[0], next[len(row)] = big.NewInt(1), big.NewInt(1)
		for r := 1; r < len(row); r++ {
			next[r] = new(big.Int).Add(row[r-1], row[r])
		}
		row = next
	}
	if _, err := CheckedBinomial(1_000_000_000, 500_000_000); err == nil {
		t.Errorf("C(10^9, 5 10^8) accepted")
	}
}
