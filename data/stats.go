package data

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nclab/nclab/nclab/labelset"
)

// SplitStats counts one split's samples (the JSON of nclab data stats).
type SplitStats struct {
	Total int `json:"total"`
	// ByMultiplicity maps the multiplicity, as a string ("1", "2"), to its number of samples.
	ByMultiplicity map[string]int `json:"by_multiplicity"`
	// BySet maps each present label set, by its key ("3+7"), to its number of samples.
	BySet map[string]int `json:"by_set"`
	// SHA256 is Set.SHA256: the digest of the pixel and multi-hot label arrays.
	SHA256 string `json:"sha256"`
}

// Stats describes a built data set (nclab data stats DIR --json).
type Stats struct {
	Name       string      `json:"name,omitempty"`
	Classes    int         `json:"classes"`
	ImageShape [3]int      `json:"image_shape"` // height, width, channels
	Train      *SplitStats `json:"train"`
	Test       *SplitStats `json:"test"`
}

// StatsOf counts the samples of one split per multiplicity and per label set.
func StatsOf(s *Set) (*SplitStats, error) {
	st, err := labelset.Count(s.K, s.Labels)
	if err != nil {
		return nil, fmt.Errorf("data: %s: %w", s.Name, err)
	}
	out := &SplitStats{Total: st.Total, ByMultiplicity: map[string]int{}, BySet: map[string]int{}, SHA256: s.SHA256()}
	for m, n := range st.ByMultiplicity {
		out.ByMultiplicity[strconv.Itoa(m)] = n
	}
	for i, set := range st.Sets {
		out.BySet[set.Key()] = st.Count[i]
	}
	return out, nil
}

// Describe gives the statistics of a train/test pair, which must agree on K and image shape.
func Describe(train, test *Set) (*Stats, error) {
	if train.K != test.K || train.Height != test.Height || train.Width != test.Width || train.Channels != test.Channels {
		return nil, fmt.Errorf("data: train (K=%d, %dx%dx%d) and test (K=%d, %dx%dx%d) disagree",
			train.K, train.Height, train.Width, train.Channels, test.K, test.Height, test.Width, test.Channels)
	}
	st := &Stats{Name: strings.TrimSuffix(train.Name, "/train"), Classes: train.K, ImageShape: [3]int{train.Height, train.Width, train.Channels}}
	var err error
	if st.Train, err = StatsOf(train); err != nil {
		return nil, err
	}
	if st.Test, err = StatsOf(test); err != nil {
		return nil, err
	}
	return st, nil
}

// String is a short human-readable summary: shape, totals and counts by multiplicity,
// and the range of per-set counts within each multiplicity.
func (st *Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: K=%d, images %dx%dx%d\n", st.Name, st.Classes, st.ImageShape[0], st.ImageShape[1], st.ImageShape[2])
	for _, sp := range []struct {
		name string
		s    *SplitStats
	}{{"train", st.Train}, {"test", st.Test}} {
		fmt.Fprintf(&b, "%-5s %6d images", sp.name, sp.s.Total)
		for m := 1; m <= st.Classes; m++ {
			n, ok := sp.s.ByMultiplicity[strconv.Itoa(m)]
			if !ok {
				continue
			}
			lo, hi, sets := 0, 0, 0
			for key, c := range sp.s.BySet {
				if strings.Count(key, "+") == m-1 {
					if sets == 0 || c < lo {
						lo = c
					}
					hi = max(hi, c)
					sets++
				}
			}
			per := strconv.Itoa(lo)
			if lo != hi {
				per = fmt.Sprintf("%d..%d", lo, hi)
			}
			fmt.Fprintf(&b, "; m=%d: %d (%d sets x %s)", m, n, sets, per)
		}
		fmt.Fprintf(&b, "; sha256 %s\n", sp.s.SHA256[:16])
	}
	return b.String()
}
