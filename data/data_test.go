package data

import (
	"sync"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
)

// The paper-size M-lab MNIST is built once per test binary (well under a second).
var paperMNIST struct {
	once        sync.Once
	train, test *Set
	err         error
}

func buildPaperMNIST(t *testing.T) (train, test *Set) {
	t.Helper()
	paperMNIST.once.Do(func() {
		paperMNIST.train, paperMNIST.test, paperMNIST.err = Build(Recipe{Dataset: MNIST, Preset: Paper, Seed: 1})
	})
	if paperMNIST.err != nil {
		t.Fatal(paperMNIST.err)
	}
	return paperMNIST.train, paperMNIST.test
}

// METHOD.md §6: train 3,100 per class (31,000) + 200 per pair (45 pairs, 9,000);
// test 800 per class (8,000) + 50 per pair (2,250).
func TestPaperMNISTCounts(t *testing.T) {
	train, test := buildPaperMNIST(t)
	for _, c := range []struct {
		set    *Set
		n1, n2 int // per-set counts
	}{{train, 3100, 200}, {test, 800, 50}} {
		if c.set.Height != 56 || c.set.Width != 56 || c.set.Channels != 1 || c.set.K != 10 {
			t.Fatalf("%s: shape %dx%dx%d K=%d, want 56x56x1 K=10", c.set.Name, c.set.Height, c.set.Width, c.set.Channels, c.set.K)
		}
		st, err := labelset.Count(10, c.set.Labels)
		if err != nil {
			t.Fatal(err)
		}
		if st.ByMultiplicity[1] != 10*c.n1 || st.ByMultiplicity[2] != 45*c.n2 || st.Total != 10*c.n1+45*c.n2 {
			t.Errorf("%s: by multiplicity %v, want 1:%d 2:%d", c.set.Name, st.ByMultiplicity, 10*c.n1, 45*c.n2)
		}
		per, err := st.PerSetCount(true)
		if err != nil || per[1] != c.n1 || per[2] != c.n2 {
			t.Errorf("%s: per-set counts %v (%v), want 1:%d 2:%d, all sets present", c.set.Name, per, err, c.n1, c.n2)
		}
	}
	if train.Len() != 40000 || test.Len() != 10250 {
		t.Errorf("sizes %d / %d, want 40,000 / 10,250", train.Len(), test.Len())
	}
}
