package labelset

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/npyfile"
)

// writeFortran writes a float64 .npy in Fortran (column-major) order, as
// np.asfortranarray would; npyfile.Write writes C order only.
func writeFortran(t *testing.T, path string, rows, cols int, colMajor []float64) {
	t.Helper()
	header := "{'descr': '<f8', 'fortran_order': True, 'shape': (" + strconv.Itoa(rows) + ", " + strconv.Itoa(cols) + "), }"
	for (10+len(header)+1)%64 != 0 {
		header += " "
	}
	header += "\n"
	buf := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	buf = append(buf, header...)
	for _, v := range colMajor {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadNPY(t *testing.T) {
	dir := t.TempDir()
	path := func(name string) string { return filepath.Join(dir, name) }
	want := []Set{{0, 2}, {1}, {0, 2}}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(npyfile.Write(path("hot.npy"), []int{3, 3}, []uint8{1, 0, 1, 0, 1, 0, 1, 0, 1}))
	must(npyfile.Write(path("hot32.npy"), []int{3, 3}, []float32{1, 0, 1, 0, 1, 0, 1, 0, 1}))
	writeFortran(t, path("hotF.npy"), 3, 3, []float64{1, 0, 1, 0, 1, 0, 1, 0, 1})
	for _, name := range []string{"hot.npy", "hot32.npy", "hotF.npy"} {
		sets, k, err := ReadNPY(path(name))
		if err != nil || k != 3 || !reflect.DeepEqual(sets, want) {
			t.Errorf("%s: %v, K = %d, %v; want %v, K = 3", name, sets, k, err, want)
		}
	}
	must(npyfile.Write(path("classes.npy"), []int{4}, []int64{2, 0, 4, 2}))
	sets, k, err := ReadNPY(path("classes.npy"))
	if err != nil || k != 5 || !reflect.DeepEqual(sets, []Set{{2}, {0}, {4}, {2}}) {
		t.Errorf("class indices: %v, K = %d, %v", sets, k, err)
	}
	if &sets[0][0] != &sets[3][0] {
		t.Error("equal sets do not share their storage")
	}

	must(npyfile.Write(path("half.npy"), []int{2, 2}, []float64{1, 0.5, 0, 1}))
	must(npyfile.Write(path("empty_row.npy"), []int{2, 2}, []float64{1, 0, 0, 0}))
	writeFortran(t, path("empty_rowF.npy"), 2, 2, []float64{1, 0, 0, 0})
	must(npyfile.Write(path("float_classes.npy"), []int{2}, []float64{0, 1}))
	must(npyfile.Write(path("negative.npy"), []int{2}, []int32{0, -1}))
	must(npyfile.Write(path("one_class.npy"), []int{3}, []int32{0, 0, 0}))
	must(npyfile.Write(path("none.npy"), []int{0, 3}, []uint8{}))
	for _, c := range []struct{ name, want string }{
		{"half.npy", "entry [0, 1] is 0.5, want 0 or 1"},
		{"empty_row.npy", "row 1 has no label"},
		{"empty_rowF.npy", "row 1 has no label"},
		{"float_classes.npy", "must hold integer class indices"},
		{"negative.npy", "entry 1 is class -1"},
		{"one_class.npy", "want at least two classes"},
		{"none.npy", "empty array"},
		{"missing.npy", "missing.npy"},
	} {
		if _, _, err := ReadNPY(path(c.name)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

// FuzzReadNPY: any bytes give label sets or an error, never a panic, and every set
// it returns is valid for its K.
func FuzzReadNPY(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.npy")
	if err := npyfile.Write(seed, []int{2, 3}, []uint8{1, 0, 1, 0, 1, 0}); err != nil {
		f.Fatal(err)
	}
	raw, _ := os.ReadFile(seed)
	f.Add(raw)
	if err := npyfile.Write(seed, []int{3}, []int64{0, 2, 1}); err != nil {
		f.Fatal(err)
	}
	raw, _ = os.ReadFile(seed)
	f.Add(raw)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.npy")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sets, k, err := ReadNPY(path)
		if err != nil {
			return
		}
		for i, s := range sets {
			if err := s.Check(k); err != nil {
				t.Fatalf("set %d = %v: %v", i, s, err)
			}
		}
	})
}
