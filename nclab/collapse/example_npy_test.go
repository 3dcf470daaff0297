package collapse_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
)

// Features saved by another framework: testdata/single_label_*.npy were written by
// NumPy (testdata/make_fixtures.py); from PyTorch, np.save("features.npy",
// feats.cpu().numpy()) writes the same format, and so do torch class indices saved as
// np.save("labels.npy", y.numpy()). The labels are read as single-label sets, the
// features streamed from disk through an NPYSource (memory does not grow with N), and
// every metric computed with the classifier W.
func ExampleNPYSource() {
	classes, err := npyfile.ReadVector("testdata/single_label_classes.npy") // N int64 class indices
	if err != nil {
		panic(err)
	}
	sets := make([]labelset.Set, len(classes))
	k := 0
	for i, c := range classes {
		sets[i] = labelset.Set{int(c)}
		k = max(k, int(c)+1)
	}
	src, err := collapse.OpenNPY("testdata/single_label_features.npy", sets) // N x d float64
	if err != nil {
		panic(err)
	}
	w, _, err := npyfile.ReadMatrix("testdata/single_label_W.npy") // K x d
	if err != nil {
		panic(err)
	}
	met, err := collapse.ComputeSource(k, src.D, src, w, nil, nil)
	if err != nil {
		panic(err)
	}
	j := met.JSON()
	fmt.Printf("N = %d, K = %d, d = %d\n", met.N, met.K, met.D)
	fmt.Printf("NC1 %.4f  CDNV %.4f  NC2(H) %.4f  NC3 %.4f\n", met.NC1, met.CDNV, met.NC2H, met.NC3)
	fmt.Printf("uniformity mean %.4f std %.4f  uniform duality CV %.4f\n", met.NC2Uniformity.Mean, met.NC2Uniformity.Std, met.NC3UniformityCV)
	fmt.Printf("NCC agreement %.4f  null-space energy %.4f\n", met.NCCAgreement, met.NullEnergy)
	fmt.Println("multi-label keys printed:", j.Angle != nil || j.NCm != nil)
	// Output:
	// N = 131, K = 7, d = 11
	// NC1 0.2094  CDNV 0.0959  NC2(H) 0.7269  NC3 0.7869
	// uniformity mean -0.3785 std 0.1980  uniform duality CV 0.1062
	// NCC agreement 0.8626  null-space energy 0.1696
	// multi-label keys printed: false
}
