package labelset_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/labelset"
)

// The C(4,2) = 6 two-label sets of K = 4 classes in lexicographic order, and the
// position of one of them.
func ExampleAll() {
	fmt.Println(labelset.All(4, 2))
	s := labelset.MustNew(4, 3, 1)
	fmt.Println(s, s.Multiplicity(), s.Index(4), s.MultiHot(4))
	// Output:
	// [{0,1} {0,2} {0,3} {1,2} {1,3} {2,3}]
	// {1,3} 2 4 [0 1 0 1]
}
