package ufm

import (
	"math"
	"strings"
	"testing"
)

// FuzzParseCounts: no --counts string panics; a parsed one that validates has
// a positive sample count that did not overflow, and the closed form either
// solves with a finite objective or fails with an error. K is folded into
// [2, 101]. Seeds: testdata/fuzz/FuzzParseCounts.
func FuzzParseCounts(f *testing.F) {
	f.Fuzz(func(t *testing.T, k int, s string) {
		k = 2 + int(uint(k)%100)
		counts, err := ParseCounts(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ufm: ") {
				t.Fatalf("error %q lacks the package prefix", err)
			}
			return
		}
		p := Problem{K: k, Counts: counts, LambdaW: 1e-3, LambdaH: 1e-3, LambdaB: 1e-3}
		if p.Validate() != nil {
			return
		}
		if p.NumSamples() <= 0 {
			t.Fatalf("counts %v, K = %d: N = %d", counts, k, p.NumSamples())
		}
		if opt, err := p.Solve(); err == nil && (math.IsNaN(opt.Objective) || math.IsInf(opt.Objective, 0)) {
			t.Fatalf("counts %v, K = %d: objective %v", counts, k, opt.Objective)
		}
	})
}

// FuzzParseSetCounts: no --set-counts string panics; a parsed one validates or
// not, and balancing it (the closed form's test) never enumerates samples.
// Seeds: testdata/fuzz/FuzzParseSetCounts.
func FuzzParseSetCounts(f *testing.F) {
	f.Fuzz(func(t *testing.T, k int, s string) {
		k = 2 + int(uint(k)%100)
		sc, err := ParseSetCounts(k, s)
		if err != nil {
			return
		}
		p := Problem{K: k, SetCounts: sc, LambdaW: 1e-3, LambdaH: 1e-3}
		if p.Validate() != nil {
			return
		}
		if q, err := p.Balanced(); err == nil && q.NumSamples() != p.NumSamples() {
			t.Fatalf("set counts %q: N = %d, balanced %d", s, p.NumSamples(), q.NumSamples())
		}
	})
}
