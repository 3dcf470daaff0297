package npyfile

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Header is what a .npy file says about its array.
type Header struct {
	DType   string // NumPy dtype string such as "<f4", "|u1"
	Shape   []int
	Fortran bool // column-major data
}

// ReadMatrix reads a 1-D or 2-D .npy array (see Open for the formats and dtypes) and
// returns it as a float64 matrix; a 1-D array of length n is an n x 1 matrix. The
// header is returned too (for messages that cite the dtype).
func ReadMatrix(path string) (*mat.Dense, Header, error) {
	r, err := Open(path)
	if err != nil {
		return nil, Header{}, err
	}
	defer r.Close()
	if r.Rows == 0 || r.Cols == 0 {
		return nil, r.Header, fmt.Errorf("npyfile: %s: empty array of shape %v", path, r.Shape)
	}
	data := make([]float64, r.Rows*r.Cols)
	if err := r.decode(data); err != nil {
		return nil, r.Header, err
	}
	if r.fortran2 {
		return mat.DenseCopyOf(mat.NewDense(r.Cols, r.Rows, data).T()), r.Header, nil
	}
	return mat.NewDense(r.Rows, r.Cols, data), r.Header, nil
}

// ReadVector reads a 1-D .npy array (or an n x 1 or 1 x n one) as float64.
func ReadVector(path string) ([]float64, error) {
	m, h, err := ReadMatrix(path)
	if err != nil {
		return nil, err
	}
	rows, cols := m.Dims()
	if rows != 1 && cols != 1 {
		return nil, fmt.Errorf("npyfile: %s: array of shape %v, want a vector", path, h.Shape)
	}
	return mat.DenseCopyOf(m).RawMatrix().Data, nil
}

// Element is a dtype Write can store.
type Element interface {
	~float32 | ~float64 | ~uint8 | ~int32 | ~int64
}

// Write writes data, in row-major (C) order and little-endian, as a .npy array (format
// version 1.0) of the given shape: []int{n} for a vector, []int{rows, cols} for a
// matrix (len(data) must match).
//
// The header is written here rather than by npyio.Write: that function inspects every
// element through reflection and took 3.9 s for a 40,000 x 512 float32 matrix, which
// this writes in well under a second (BenchmarkWriteReadFeatures).
func Write[T Element](path string, shape []int, data []T) error {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if (len(shape) != 1 && len(shape) != 2) || n != len(data) {
		return fmt.Errorf("npyfile: %s: shape %v does not hold %d values (want a 1-D or 2-D shape)", path, shape, len(data))
	}
	// Written to a temporary name beside path, then renamed: a reader never sees half
	// a file.
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("npyfile: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(header(dtypeOf[T](), shape))
	err = binary.Write(w, binary.LittleEndian, data)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("npyfile: %s: %w", path, err)
	}
	return nil
}

func dtypeOf[T Element]() string {
	var zero T
	switch any(zero).(type) {
	case float32:
		return "<f4"
	case float64:
		return "<f8"
	case uint8:
		return "|u1"
	case int32:
		return "<i4"
	default:
		return "<i8"
	}
}

// header is the NEP 1 version-1.0 header: magic, version, little-endian header length,
// then the dict padded with spaces and a newline to a multiple of 64 bytes, as NumPy
// writes it.
func header(dtype string, shape []int) string {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	shapeText := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		shapeText += ","
	}
	shapeText += ")"
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", dtype, shapeText)
	const prefix = 10 // magic (6) + version (2) + header length (2)
	total := (prefix + len(dict) + 1 + 63) / 64 * 64
	dict += strings.Repeat(" ", total-prefix-len(dict)-1) + "\n"
	return "\x93NUMPY\x01\x00" + string([]byte{byte(len(dict)), byte(len(dict) >> 8)}) + dict
}

// WriteMatrix writes a matrix as a float64 .npy array of shape (rows, cols).
func WriteMatrix(path string, m mat.Matrix) error {
	rows, cols := m.Dims()
	return Write(path, []int{rows, cols}, mat.DenseCopyOf(m).RawMatrix().Data)
}
