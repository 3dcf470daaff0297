package labelset

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
)

// Set is a label set S ⊆ [K]: class indices in strictly increasing order.
// The zero value is the empty set, which is not a valid label set of a sample.
// Sets are immutable values; use New to build a validated one.
type Set []int

// New returns the label set of the given classes, sorted, after checking that it is
// non-empty, that every class lies in [0, k) and that none repeats.
func New(k int, classes ...int) (Set, error) {
	if k < 1 {
		return nil, fmt.Errorf("labelset: number of classes K = %d, want K >= 1", k)
	}
	s := Set(slices.Clone(classes))
	slices.Sort(s)
	if err := s.Check(k); err != nil {
		return nil, fmt.Errorf("labelset: %w", err)
	}
	return s, nil
}

// Check returns an error unless s is a label set as New builds them for K = k
// classes: non-empty, every class in [0, k), strictly increasing. Its messages
// carry no package prefix: callers wrap them with the sample they belong to.
func (s Set) Check(k int) error {
	if len(s) == 0 {
		return fmt.Errorf("empty label set (every sample needs at least one label)")
	}
	for j, c := range s {
		switch {
		case c < 0 || c >= k:
			return fmt.Errorf("label set %v has class %d outside [0, %d)", []int(s), c, k)
		case j > 0 && s[j-1] == c:
			return fmt.Errorf("label set %v has class %d twice", []int(s), c)
		case j > 0 && s[j-1] > c:
			return fmt.Errorf("label set %v is not strictly increasing (build it with labelset.New)", []int(s))
		}
	}
	return nil
}

// MustNew is New that panics on invalid input; for literals in tests and examples.
func MustNew(k int, classes ...int) Set {
	s, err := New(k, classes...)
	if err != nil {
		panic(err)
	}
	return s
}

// FromMultiHot returns the label set whose multi-hot vector is y (entries 0 or 1;
// any value > 0.5 counts as 1). It fails on an all-zero row or a value other than 0/1.
func FromMultiHot(y []float64) (Set, error) {
	var s Set
	for k, v := range y {
		switch {
		case v == 1:
			s = append(s, k)
		case v == 0:
		default:
			return nil, fmt.Errorf("labelset: multi-hot entry %d is %v, want 0 or 1", k, v)
		}
	}
	if len(s) == 0 {
		return nil, fmt.Errorf("labelset: multi-hot row has no label")
	}
	return s, nil
}

// Multiplicity is m = |S|.
func (s Set) Multiplicity() int { return len(s) }

// Contains reports whether class k is in S.
func (s Set) Contains(k int) bool {
	_, ok := slices.BinarySearch(s, k)
	return ok
}

// Equal reports whether two sets hold the same classes.
func (s Set) Equal(o Set) bool { return slices.Equal(s, o) }

// Compare orders sets first by multiplicity, then lexicographically; it is the order
// in which sets are listed throughout nclab (all m = 1 sets, then m = 2, …).
func (s Set) Compare(o Set) int {
	if len(s) != len(o) {
		return len(s) - len(o)
	}
	return slices.Compare(s, o)
}

// MultiHot returns y_S in R^K.
func (s Set) MultiHot(k int) []float64 {
	y := make([]float64, k)
	for _, c := range s {
		y[c] = 1
	}
	return y
}

// Key is a compact, unique string form such as "0+3+7", usable as a map key.
func (s Set) Key() string {
	parts := make([]string, len(s))
	for i, c := range s {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, "+")
}

// String formats S as {0,3,7}.
func (s Set) String() string {
	return "{" + strings.ReplaceAll(s.Key(), "+", ",") + "}"
}

// ParseKey parses the form written by Key ("0+3+7") for K classes: decimal
// classes without sign or leading zeros, joined by "+", in increasing order,
// each in [0, K) once. Anything else is an error that quotes the key (and, for
// an unsorted key, gives its canonical form).
func ParseKey(k int, key string) (Set, error) {
	fields := strings.Split(key, "+")
	classes := make([]int, len(fields))
	for i, f := range fields {
		if f == "" || len(f) > 1 && f[0] == '0' || strings.TrimLeft(f, "0123456789") != "" {
			return nil, fmt.Errorf("labelset: bad label-set key %q: %q is not a class number (want e.g. 0+3+7)", key, f)
		}
		c, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("labelset: bad label-set key %q: class %s is out of range", key, f)
		}
		classes[i] = c
	}
	s, err := New(k, classes...)
	if err != nil {
		return nil, fmt.Errorf("labelset: label-set key %q: %w", key, err)
	}
	if s.Key() != key {
		return nil, fmt.Errorf("labelset: label-set key %q is not in increasing order (want %q)", key, s.Key())
	}
	return s, nil
}

// CheckedBinomial returns C(n, r) (0 when r < 0 or r > n), or an error when it
// does not fit an int. It takes min(r, n-r) exact steps C(n-r+i, i) =
// C(n-r+i-1, i-1) (n-r+i) / i in 128-bit arithmetic and stops at the first
// that overflows, so even C(10^9, 5 10^8) is refused at once.
func CheckedBinomial(n, r int) (int, error) {
	if r < 0 || r > n {
		return 0, nil
	}
	r = min(r, n-r)
	c := uint64(1)
	for i := 1; i <= r; i++ {
		hi, lo := bits.Mul64(c, uint64(n-r+i))
		if hi >= uint64(i) { // the quotient needs more than 64 bits
			return 0, fmt.Errorf("labelset: C(%d, %d) overflows an int", n, r)
		}
		c, _ = bits.Div64(hi, lo, uint64(i))
		if c > math.MaxInt {
			return 0, fmt.Errorf("labelset: C(%d, %d) overflows an int", n, r)
		}
	}
	return int(c), nil
}

// Binomial returns C(n, r), or 0 when r < 0 or r > n. It overflows silently
// for large n (C(67, 33) > 2^63): use CheckedBinomial where n is an input.
func Binomial(n, r int) int {
	if r < 0 || r > n {
		return 0
	}
	if r > n-r {
		r = n - r
	}
	c := 1
	for i := 1; i <= r; i++ {
		c = c * (n - r + i) / i
	}
	return c
}

// Index returns the position of S among the C(K,m) sets of size m = |S| in
// lexicographic order (the combinatorial number system), so that
// Unrank(K, m, s.Index(K)) equals s.
func (s Set) Index(k int) int {
	m := len(s)
	idx, prev := 0, -1
	for i, c := range s {
		// Count the sets that agree with s before position i and have a smaller class there.
		for v := prev + 1; v < c; v++ {
			idx += Binomial(k-v-1, m-i-1)
		}
		prev = c
	}
	return idx
}

// Unrank returns S^m_index, the index-th set of size m in lexicographic order.
func Unrank(k, m, index int) (Set, error) {
	total := Binomial(k, m)
	if m < 1 || m > k {
		return nil, fmt.Errorf("labelset: multiplicity %d outside [1, %d]", m, k)
	}
	if index < 0 || index >= total {
		return nil, fmt.Errorf("labelset: index %d outside [0, C(%d,%d) = %d)", index, k, m, total)
	}
	s := make(Set, 0, m)
	v := 0
	for i := 0; i < m; i++ {
		for {
			n := Binomial(k-v-1, m-i-1)
			if index < n {
				break
			}
			index -= n
			v++
		}
		s = append(s, v)
		v++
	}
	return s, nil
}

// All returns the C(K,m) sets of size m in lexicographic order.
func All(k, m int) []Set {
	n := Binomial(k, m)
	out := make([]Set, n)
	for i := range out {
		s, err := Unrank(k, m, i)
		if err != nil {
			panic(err)
		}
		out[i] = s
	}
	return out
}
