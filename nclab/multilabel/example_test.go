package multilabel_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/multilabel"
)

// Two of three samples exactly right; the two-label sample is half right.
func ExampleEvaluate() {
	truth := []labelset.Set{{0}, {1}, {0, 2}}
	pred := []labelset.Set{{0}, {1}, {0, 1}}
	r, err := multilabel.Evaluate(truth, pred, 3)
	if err != nil {
		panic(err)
	}
	fmt.Printf("subset accuracy %.3f, F1 samples %.3f, Hamming loss %.3f\n", r.SubsetAccuracy, r.F1Samples, r.HammingLoss)
	fmt.Printf("multiplicity 2: subset accuracy %.3f, Jaccard %.3f\n", r.ByMultiplicity[2].SubsetAccuracy, r.ByMultiplicity[2].JaccardSamples)
	// Output:
	// subset accuracy 0.667, F1 samples 0.833, Hamming loss 0.222
	// multiplicity 2: subset accuracy 0.000, Jaccard 0.333
}
