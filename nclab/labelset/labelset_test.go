package labelset

import (
	"strings"
	"testing"
)

func TestNewValidates(t *testing.T) {
	s, err := New(5, 3, 0, 4)
	if err != nil || !s.Equal(Set{0, 3, 4}) {
		t.Fatalf("New(5, 3,0,4) = %v, %v; want {0,3,4}", s, err)
	}
	for _, bad := range [][]int{{}, {5}, {-1}, {2, 2}} {
		if _, err := New(5, bad...); err == nil {
			t.Errorf("New(5, %v): no error", bad)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := (Set{0, 2, 4}).Check(5); err != nil {
		t.Errorf("Check({0,2,4}, K = 5) = %v, want nil", err)
	}
	for _, c := range []struct {
		s    Set
		want string
	}{
		{Set{}, "empty label set"},
		{Set{0, 5}, "class 5 outside [0, 5)"},
		{Set{-1, 2}, "class -1 outside [0, 5)"},
		{Set{1, 1}, "class 1 twice"},
		{Set{3, 1}, "not strictly increasing"},
	} {
		if err := c.s.Check(5); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Check(%v, K = 5) = %v, want an error containing %q", []int(c.s), err, c.want)
		}
	}
	if _, err := New(5, 2, 2); err == nil || !strings.Contains(err.Error(), "labelset: label set [2 2] has class 2 twice") {
		t.Errorf("New(5, 2, 2) = %v, want the repeated class named", err)
	}
}

func TestIndexUnrankRoundTrip(t *testing.T) {
	// Lexicographic order of the 2-subsets of [4], written out by hand.
	want := []Set{{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}
	got := All(4, 2)
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("All(4,2)[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	for k := 1; k <= 9; k++ {
		for m := 1; m <= k; m++ {
			sets := All(k, m)
			if len(sets) != Binomial(k, m) {
				t.Fatalf("len(All(%d,%d)) = %d, want C = %d", k, m, len(sets), Binomial(k, m))
			}
			for i, s := range sets {
				if s.Index(k) != i {
					t.Fatalf("All(%d,%d)[%d] = %v has Index %d", k, m, i, s, s.Index(k))
				}
				if i > 0 && sets[i-1].Compare(s) >= 0 {
					t.Fatalf("All(%d,%d) not increasing at %d", k, m, i)
				}
			}
		}
	}
	if _, err := Unrank(4, 2, 6); err == nil {
		t.Error("Unrank(4,2,6): no error for index = C(4,2)")
	}
}

func TestMultiHotAndKey(t *testing.T) {
	s := MustNew(5, 1, 3)
	y := s.MultiHot(5)
	back, err := FromMultiHot(y)
	if err != nil || !back.Equal(s) {
		t.Fatalf("FromMultiHot(%v) = %v, %v", y, back, err)
	}
	if _, err := FromMultiHot([]float64{0, 0}); err == nil {
		t.Error("all-zero row: no error")
	}
	if _, err := FromMultiHot([]float64{0, 0.5}); err == nil {
		t.Error("0.5 entry: no error")
	}
	p, err := ParseKey(5, s.Key())
	if err != nil || !p.Equal(s) || s.String() != "{1,3}" {
		t.Fatalf("Key/ParseKey/String round trip: %q %v %v %q", s.Key(), p, err, s.String())
	}
}

func TestBalance(t *testing.T) {
	var sets []Set
	add := func(n int, s Set) {
		for range n {
			sets = append(sets, s)
		}
	}
	for k := 0; k < 3; k++ {
		add(4, Set{k})
	}
	for _, s := range All(3, 2) {
		add(2, s)
	}
	st, err := Count(3, sets)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 18 || st.ByMultiplicity[1] != 12 || st.ByMultiplicity[2] != 6 {
		t.Fatalf("stats %+v", st)
	}
	n, err := st.PerSetCount(true)
	if err != nil || n[1] != 4 || n[2] != 2 {
		t.Fatalf("PerSetCount = %v, %v; want map[1:4 2:2]", n, err)
	}
	// One extra sample of {0,2} breaks balance, and the error must name that set.
	add(1, Set{0, 2})
	st, _ = Count(3, sets)
	if _, err := st.PerSetCount(false); err == nil || !strings.Contains(err.Error(), "{0,2} has 3 samples") {
		t.Fatalf("unbalanced: err = %v", err)
	}
	// Dropping a set entirely is fine unless completeness is required.
	var partial []Set
	for _, s := range sets {
		if !s.Equal(Set{1, 2}) && !s.Equal(Set{0, 2}) {
			partial = append(partial, s)
		}
	}
	st, _ = Count(3, partial)
	if _, err := st.PerSetCount(false); err != nil {
		t.Fatalf("missing sets, complete=false: %v", err)
	}
	if _, err := st.PerSetCount(true); err == nil || !strings.Contains(err.Error(), "{0,2}, {1,2}") && !strings.Contains(err.Error(), "{0,2}; {1,2}") {
		t.Fatalf("missing sets, complete=true: err = %v", err)
	}
}
