package collapse

import (
	"fmt"
	"io"
	"math"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
)

// npyChunk is how many feature rows an NPYSource reads at a time.
const npyChunk = 1024

// NPYSource is a Source that streams an N x d .npy feature file (as NumPy or PyTorch
// write it: float16/32/64, any format version and byte order) in chunks of 1,024 rows,
// reading the file again on every Scan and checking every value is finite, so that
// memory does not grow with N. A Fortran-order file is read into memory once.
type NPYSource struct {
	Path string
	N, D int
	Sets []labelset.Set // the label set of each row, len N

	memory []float64 // the features, for a Fortran-order file only
}

// OpenNPY checks the .npy file at path (a 2-D array of N rows) and returns its
// Source, with sets[i] the label set of row i.
func OpenNPY(path string, sets []labelset.Set) (*NPYSource, error) {
	r, err := npyfile.Open(path)
	if err != nil {
		return nil, fmt.Errorf("collapse: %w", err)
	}
	defer r.Close()
	if len(r.Shape) != 2 || r.Rows == 0 || r.Cols == 0 {
		return nil, fmt.Errorf("collapse: features %s: shape %v, want a non-empty 2-D array", path, r.Shape)
	}
	if r.Rows != len(sets) {
		return nil, fmt.Errorf("collapse: features %s has %d rows but there are %d label sets", path, r.Rows, len(sets))
	}
	src := &NPYSource{Path: path, N: r.Rows, D: r.Cols, Sets: sets}
	if r.Fortran && r.Rows > 1 && r.Cols > 1 {
		m, _, err := npyfile.ReadMatrix(path)
		if err != nil {
			return nil, fmt.Errorf("collapse: %w", err)
		}
		src.memory = m.RawMatrix().Data
	}
	return src, nil
}

// Scan implements Source.
func (s *NPYSource) Scan(yield func(rows []float64, sets []labelset.Set) error) error {
	if s.memory != nil {
		return SliceSource{Rows: s.memory, Sets: s.Sets, D: s.D}.Scan(yield)
	}
	r, err := npyfile.Open(s.Path)
	if err != nil {
		return fmt.Errorf("collapse: %w", err)
	}
	defer r.Close()
	if r.Rows != s.N || r.Cols != s.D {
		return fmt.Errorf("collapse: features %s changed while being read: now %d x %d", s.Path, r.Rows, r.Cols)
	}
	buf := make([]float64, npyChunk*s.D)
	for start := 0; ; {
		rows, err := r.Next(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("collapse: %w", err)
		}
		chunk := buf[:rows*s.D]
		for idx, v := range chunk {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("collapse: features %s: entry [%d, %d] is %v", s.Path, start+idx/s.D, idx%s.D, v)
			}
		}
		if err := yield(chunk, s.Sets[start:start+rows]); err != nil {
			return err
		}
		start += rows
	}
}
