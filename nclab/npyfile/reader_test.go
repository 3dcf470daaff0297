package npyfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// expected reads testdata/expected.txt, the values make_fixtures.py wrote.
func expected(t testing.TB) map[string][]float64 {
	raw, err := os.ReadFile("testdata/expected.txt")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float64{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(line)
		for _, v := range f[1:] {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			out[f[0]] = append(out[f[0]], x)
		}
	}
	return out
}

// TestNumPyVersionsAndDTypes reads the committed files NumPy wrote in format versions
// 1.0, 2.0 and 3.0, in both byte orders, for every supported dtype.
func TestNumPyVersionsAndDTypes(t *testing.T) {
	want := expected(t)
	files, _ := filepath.Glob("testdata/v[0-9]_*.npy")
	if len(files) != 48 {
		t.Fatalf("%d fixture files, want 48 (run make_fixtures.py)", len(files))
	}
	for _, path := range files {
		m, h, err := ReadMatrix(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		values := want["ints"]
		switch {
		case strings.Contains(path, "_f"):
			values = want["floats"]
		case strings.Contains(path, "_b1"):
			values = want["bools"]
		}
		if r, c := m.Dims(); r != 2 || c != 3 {
			t.Errorf("%s: %d x %d", path, r, c)
			continue
		}
		for i, v := range m.RawMatrix().Data {
			if v != values[i] {
				t.Errorf("%s (%s): element %d is %v, NumPy wrote %v", path, h.DType, i, v, values[i])
			}
		}
	}
	m, _, err := ReadMatrix("testdata/fortran.npy")
	if err != nil || m.At(1, 2) != want["floats"][5] || m.At(0, 1) != want["floats"][1] {
		t.Errorf("Fortran order: %v, %v", m, err)
	}
	v, err := ReadVector("testdata/vector.npy")
	if err != nil || len(v) != 3 || v[2] != 2.5 {
		t.Errorf("vector: %v, %v", v, err)
	}
}

// TestStreamRows reads a matrix through Next in uneven chunks.
func TestStreamRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.npy")
	data := make([]float32, 7*3)
	for i := range data {
		data[i] = float32(i)
	}
	if err := Write(path, []int{7, 3}, data); err != nil {
		t.Fatal(err)
	}
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got []float64
	buf := make([]float64, 8) // 2 rows per call, 2 spare values
	for {
		n, err := r.Next(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n*3]...)
	}
	if len(got) != 21 || got[20] != 20 {
		t.Errorf("streamed %v", got)
	}
	if _, err := r.Next(buf[:2]); err != io.EOF {
		t.Errorf("after the end: %v", err)
	}
	f, _ := Open("testdata/fortran.npy")
	defer f.Close()
	if _, err := f.Next(buf); err == nil || !strings.Contains(err.Error(), "Fortran") {
		t.Errorf("streaming a Fortran-order matrix: %v", err)
	}
}

// TestNextFloat32 streams every float fixture (both byte orders, float16 and float32)
// through NextFloat32 and compares with Next; float64 and integer files are refused.
func TestNextFloat32(t *testing.T) {
	files, _ := filepath.Glob("testdata/v[0-9]_*.npy")
	read := 0
	for _, path := range files {
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		wide := make([]float64, 6)
		if _, err := r.Next(wide); err != nil {
			t.Fatal(err)
		}
		r.Close()
		r, _ = Open(path)
		narrow := make([]float32, 6)
		n, err := r.NextFloat32(narrow)
		r.Close()
		if !r.Float32() {
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("%s (%s): NextFloat32 error %v, want one naming the file", path, r.DType, err)
			}
			continue
		}
		if err != nil || n != 2 {
			t.Fatalf("%s: %d rows, %v", path, n, err)
		}
		for i := range narrow {
			if float64(narrow[i]) != wide[i] {
				t.Errorf("%s (%s): element %d is %v, Next read %v", path, r.DType, i, narrow[i], wide[i])
			}
		}
		read++
	}
	if read != 12 {
		t.Errorf("%d float16/float32 fixtures read, want 12 (3 versions x 2 byte orders x 2 dtypes)", read)
	}
}

// npy builds a file from a version, a header dictionary and a payload.
func npy(major byte, dict string, payload []byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY")
	b.Write([]byte{major, 0})
	if major == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(dict)))
	}
	b.WriteString(dict)
	b.Write(payload)
	return b.Bytes()
}

func dict(descr, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n"
}

// TestHostileFiles: each malformed file gives an error naming the file and the fault,
// before anything of the claimed size is allocated.
func TestHostileFiles(t *testing.T) {
	dir := t.TempDir()
	eight := make([]byte, 80)
	good := npy(1, dict("<f8", "(2, 5)"), eight)
	for _, c := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty file", nil, "shorter than the 8-byte magic"},
		{"bad magic", []byte("PK\x03\x04 not numpy at all"), "not a NumPy .npy file"},
		{"truncated length", []byte("\x93NUMPY\x01\x00\x10"), "truncated header"},
		{"truncated header", good[:40], "truncated header"},
		{"huge shape", npy(1, dict("<f8", "(1000000, 100000)"), eight), "needs 800000000000 data bytes, the file has 80"},
		{"negative dim", npy(1, dict("<f8", "(-2, 5)"), eight), "negative dimension"},
		{"overflowing dim", npy(1, dict("<f8", "(99999999999999999999, 5)"), eight), "overflows"},
		{"overflowing count", npy(1, dict("<f8", "(4294967296, 4294967296)"), eight), "overflows the element count"},
		{"overflowing bytes", npy(1, dict("<f8", "(4611686018427387904,)"), eight), "overflows the byte count"},
		{"unterminated shape", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 5 }\n", eight), "unterminated tuple"},
		{"missing paren", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 5}", eight), "unterminated tuple"},
		{"(n) not a tuple", npy(1, dict("<f8", "(10)"), eight), "not a tuple"},
		{"missing key", npy(1, "{'descr': '<f8', 'shape': (10,), }", eight), `no "fortran_order" key`},
		{"unknown key", npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (10,), 'x': 1}", eight), `unknown key "x"`},
		{"duplicate key", npy(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (10,)}", eight), "twice"},
		{"garbage after dict", npy(1, dict("<f8", "(10,)")+"junk", eight), "after the dictionary"},
		{"bad fortran", npy(1, "{'descr': '<f8', 'fortran_order': maybe, 'shape': (10,)}", eight), "neither True nor False"},
		{"structured dtype", npy(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (10,)}", eight), "structured"},
		{"complex dtype", npy(1, dict("<c16", "(5,)"), eight), "not supported"},
		{"object dtype", npy(1, dict("|O", "(10,)"), eight), "not supported"},
		{"no byte order", npy(1, dict("|f8", "(10,)"), eight), "explicit byte order"},
		{"version 4", npy(4, dict("<f8", "(10,)"), eight), "version 4.0"},
		{"short payload", npy(1, dict("<f8", "(11,)"), eight), "truncated"},
		{"long payload", npy(1, dict("<f8", "(9,)"), eight), "8 more after them"},
		{"3-D", npy(1, dict("<f8", "(2, 5, 1)"), eight), "want 1-D or 2-D"},
		{"scalar", npy(1, dict("<f8", "()"), eight[:8]), "want 1-D or 2-D"},
		{"bad bool", npy(1, dict("|b1", "(2,)"), []byte{1, 7}), "bool element 1 holds byte 7"},
		{"bad utf-8 v3", npy(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (10,), } \xff\n", eight), "UTF-8"},
		{"header length past the end", []byte("\x93NUMPY\x02\x00\xff\xff\xff\x7f{}"), "claims 2147483647 bytes"},
		{"empty array", npy(1, dict("<f8", "(0, 5)"), nil), "empty array"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npy")
		os.WriteFile(path, c.file, 0o644)
		_, _, err := ReadMatrix(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want an error naming %s and containing %q", c.name, err, path, c.want)
		}
	}
	if _, _, err := ReadMatrix(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a directory: %v", err)
	}
	// The good file and a Python 2 header (long integers) read fine.
	for _, file := range [][]byte{good, npy(1, dict("<f8", "(2L, 5L)"), eight), npy(2, `{"descr":"<f8","fortran_order":False,"shape":(10,)}`, eight)} {
		path := filepath.Join(dir, "ok.npy")
		os.WriteFile(path, file, 0o644)
		if m, _, err := ReadMatrix(path); err != nil || m.RawMatrix().Data[0] != 0 {
			t.Errorf("valid file %q: %v", file[:20], err)
		}
	}
}

func TestHalf(t *testing.T) {
	for bits, want := range map[uint16]float64{0x3c00: 1, 0xc000: -2, 0x7bff: 65504, 0x0001: math.Ldexp(1, -24),
		0x0400: math.Ldexp(1, -14), 0x8000: 0, 0x3555: 0.333251953125} {
		if got := halfToFloat64(bits); got != want {
			t.Errorf("%#04x: %v, want %v", bits, got, want)
		}
	}
	if !math.IsInf(halfToFloat64(0xfc00), -1) || !math.IsNaN(halfToFloat64(0x7e00)) {
		t.Error("infinity or NaN")
	}
}

// FuzzRead: no input file makes the reader panic or allocate more than a small
// multiple of its size; what it accepts it reads completely.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.npy")
	for _, path := range files[:6] {
		b, _ := os.ReadFile(path)
		f.Add(b)
	}
	f.Add(npy(1, dict("<f8", "(1000000, 100000)"), make([]byte, 80)))
	f.Add(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (12, 5 }\n", nil))
	f.Add(npy(3, dict(">f2", "(2,)"), []byte{0x3c, 0, 0x7c, 0}))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.npy")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		m, _, err := ReadMatrix(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		r, c := m.Dims()
		if r*c > 8*len(b) {
			t.Errorf("%d x %d values from a %d-byte file", r, c, len(b))
		}
		rd, err := Open(path)
		if err != nil {
			t.Fatalf("ReadMatrix accepted what Open refuses: %v", err)
		}
		defer rd.Close()
		buf := make([]float64, max(rd.Cols, 1)*3)
		rows := 0
		for {
			n, err := rd.Next(buf)
			if errors.Is(err, io.EOF) || (err != nil && rd.fortran2) {
				break
			}
			if err != nil {
				t.Fatalf("Next after a good Open: %v", err)
			}
			rows += n
		}
		if !rd.fortran2 && rows != r {
			t.Errorf("streamed %d rows of %d", rows, r)
		}
		if rd.Float32() && !rd.fortran2 {
			r32, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r32.Close()
			buf32 := make([]float32, max(rd.Cols, 1)*3)
			var all []float32
			for {
				n, err := r32.NextFloat32(buf32)
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("NextFloat32 after a good Open: %v", err)
				}
				all = append(all, buf32[:n*max(rd.Cols, 1)]...)
			}
			for i, v := range m.RawMatrix().Data {
				if float64(all[i]) != v && !(math.IsNaN(v) && all[i] != all[i]) {
					t.Fatalf("element %d: NextFloat32 %v, ReadMatrix %v", i, all[i], v)
				}
			}
		}
	})
}
