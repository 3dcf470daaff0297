package npyfile_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/nclab/npyfile"
)

// Features are written as float32 and read back as float64, whatever their dtype.
func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "npyfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "features.npy")
	if err := npyfile.Write(path, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		panic(err)
	}
	m, h, err := npyfile.ReadMatrix(path)
	if err != nil {
		panic(err)
	}
	fmt.Println(h.DType, h.Shape, m.At(1, 2))
	// Output: <f4 [2 3] 6
}
