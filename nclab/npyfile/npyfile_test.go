package npyfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	f32 := filepath.Join(dir, "f32.npy")
	if err := Write(f32, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6.5}); err != nil {
		t.Fatal(err)
	}
	m, h, err := ReadMatrix(f32)
	if err != nil {
		t.Fatal(err)
	}
	if h.DType != "<f4" || !mat.Equal(m, mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6.5})) {
		t.Fatalf("read back %v (%s)", mat.Formatted(m), h.DType)
	}
	u8 := filepath.Join(dir, "u8.npy")
	if err := Write(u8, []int{2, 2}, []uint8{0, 1, 1, 0}); err != nil {
		t.Fatal(err)
	}
	if m, _, err := ReadMatrix(u8); err != nil || !mat.Equal(m, mat.NewDense(2, 2, []float64{0, 1, 1, 0})) {
		t.Fatalf("uint8 read back %v, %v", m, err)
	}
	vec := filepath.Join(dir, "b.npy")
	if err := Write(vec, []int{3}, []float64{-1, 0, 2}); err != nil {
		t.Fatal(err)
	}
	if v, err := ReadVector(vec); err != nil || len(v) != 3 || v[0] != -1 || v[2] != 2 {
		t.Fatalf("vector read back %v, %v", v, err)
	}
	if _, err := ReadVector(f32); err == nil {
		t.Fatal("ReadVector accepted a 2 x 3 matrix")
	}
	if err := Write(f32, []int{4, 2}, []float32{1, 2}); err == nil {
		t.Fatal("Write accepted a shape that does not match the data")
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.npy")
	os.WriteFile(bad, []byte("not numpy"), 0o644)
	if _, _, err := ReadMatrix(bad); err == nil || !strings.Contains(err.Error(), "bad.npy") {
		t.Fatalf("got %v, want an error naming bad.npy", err)
	}
	if _, _, err := ReadMatrix(filepath.Join(dir, "missing.npy")); err == nil {
		t.Fatal("missing file accepted")
	}
}

// TestNumPyFiles reads files written by NumPy itself (every dtype, Fortran order, 3-D),
// when /usr/bin/python3 has NumPy; the files are made on the fly, not committed.
func TestNumPyFiles(t *testing.T) {
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	dir := t.TempDir()
	script := `
import numpy as np, sys
d = sys.argv[1]
a = np.array([[1, 0, 1], [0, 1, 1]])
for dt in ['f4', 'f8', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', '?', '>f8']:
    np.save(d + '/a_' + dt.replace('>', 'be').replace('?', 'bool') + '.npy', a.astype(dt))
np.save(d + '/fortran.npy', np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save(d + '/cube.npy', np.zeros((2, 2, 2)))
np.save(d + '/c64.npy', np.zeros((2, 2), dtype='c8'))
`
	if out, err := exec.Command("/usr/bin/python3", "-c", script, dir).CombinedOutput(); err != nil {
		t.Skipf("NumPy unavailable: %v %s", err, out)
	}
	want := mat.NewDense(2, 3, []float64{1, 0, 1, 0, 1, 1})
	for _, dt := range []string{"f4", "f8", "u1", "i1", "u2", "i2", "u4", "i4", "u8", "i8", "bool", "bef8"} {
		m, h, err := ReadMatrix(filepath.Join(dir, "a_"+dt+".npy"))
		if err != nil {
			t.Fatalf("%s: %v", dt, err)
		}
		if !mat.Equal(m, want) {
			t.Fatalf("%s (%s): read %v", dt, h.DType, mat.Formatted(m))
		}
	}
	m, _, err := ReadMatrix(filepath.Join(dir, "fortran.npy"))
	if err != nil || !mat.Equal(m, mat.NewDense(2, 3, []float64{0, 1, 2, 3, 4, 5})) {
		t.Fatalf("Fortran-order file read as %v, %v", m, err)
	}
	if _, _, err := ReadMatrix(filepath.Join(dir, "cube.npy")); err == nil || !strings.Contains(err.Error(), "1-D or 2-D") {
		t.Fatalf("3-D array: got %v", err)
	}
	if _, _, err := ReadMatrix(filepath.Join(dir, "c64.npy")); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Fatalf("complex array: got %v", err)
	}
}

// TestNumPyReadsOurFiles checks that NumPy reads what Write produces.
func TestNumPyReadsOurFiles(t *testing.T) {
	if _, err := exec.LookPath("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	path := filepath.Join(t.TempDir(), "w.npy")
	if err := Write(path, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", "-c",
		"import numpy as np, sys; a = np.load(sys.argv[1]); print(a.dtype, a.shape, a.sum())", path).CombinedOutput()
	if err != nil {
		t.Skipf("NumPy unavailable: %v %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "float32 (2, 3) 21.0" {
		t.Fatalf("NumPy read %q", got)
	}
}

// NEP 1: the header (magic to newline) is a multiple of 64 bytes and ends in '\n'.
func TestHeaderAlignment(t *testing.T) {
	for _, shape := range [][]int{{3}, {40000, 512}, {1, 1}} {
		h := header("<f4", shape)
		if len(h)%64 != 0 || h[len(h)-1] != '\n' || int(h[8])|int(h[9])<<8 != len(h)-10 {
			t.Fatalf("header for %v: %q", shape, h)
		}
	}
}
