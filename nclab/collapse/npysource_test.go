package collapse

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// TestNPYFloat32Path: the same float32 values in a float32 file (read as float32,
// without widening) and in a float64 file give the same JSON, bit for bit, with and
// without Options.MatMul, on the one-scan way with the float32 scatter (d >= 260); and a
// NaN in a float32 file is an error naming its entry.
func TestNPYFloat32Path(t *testing.T) {
	const k, d, perClass = 100, 264, 12
	rng := rand.New(rand.NewPCG(41, 42))
	rows := make([]float32, k*perClass*d)
	sets := make([]labelset.Set, k*perClass)
	for i := range sets {
		c := i % k
		sets[i] = labelset.Set{c}
		for j := range d {
			rows[i*d+j] = float32(math.Sin(float64(c*d+j)) + 0.3*rng.NormFloat64())
		}
	}
	w := mat.NewDense(k, d, nil)
	for i := range k {
		for j := range d {
			w.Set(i, j, float64(rows[i*d+j])+0.5*rng.NormFloat64())
		}
	}
	wide := make([]float64, len(rows))
	for i, v := range rows {
		wide[i] = float64(v)
	}
	dir := t.TempDir()
	path32, path64 := filepath.Join(dir, "f32.npy"), filepath.Join(dir, "f64.npy")
	if err := npyfile.Write(path32, []int{len(sets), d}, rows); err != nil {
		t.Fatal(err)
	}
	if err := npyfile.Write(path64, []int{len(sets), d}, wide); err != nil {
		t.Fatal(err)
	}
	if !scatterIsCheaper(k, d, true) {
		t.Fatal("the test data would take the projection way")
	}
	var calls atomic.Int64
	for _, opts := range []*Options{nil, {MatMul: naiveMatMul[float32](&calls)}} {
		var got [2]string
		for i, path := range []string{path32, path64} {
			src, err := OpenNPY(path, sets)
			if err != nil {
				t.Fatal(err)
			}
			met, err := ComputeSource(k, d, src, w, nil, opts)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(met.JSON())
			got[i] = string(b)
		}
		if got[0] != got[1] {
			t.Errorf("MatMul %v: float32 file\n%s\nfloat64 file\n%s", opts != nil, got[0], got[1])
		}
	}
	if calls.Load() == 0 {
		t.Error("MatMul never called")
	}
	rows[7*d+5] = float32(math.NaN())
	if err := npyfile.Write(path32, []int{len(sets), d}, rows); err != nil {
		t.Fatal(err)
	}
	src, err := OpenNPY(path32, sets)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ComputeSource(k, d, src, w, nil, nil); err == nil || !strings.Contains(err.Error(), "[7, 5] is NaN") {
		t.Errorf("NaN at [7, 5]: %v", err)
	}
}
