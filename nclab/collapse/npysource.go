package collapse

import (
	"fmt"
	"io"
	"math"
	"sync"

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
	// A reader goroutine decodes and checks the next chunk while yield works on this
	// one; two buffers take turns.
	type chunk struct {
		rows       []float64
		start, num int
		err        error
	}
	chunks, free, done := make(chan chunk), make(chan []float64, 2), make(chan struct{})
	free <- make([]float64, npyChunk*s.D)
	free <- make([]float64, npyChunk*s.D)
	var reading sync.WaitGroup
	defer reading.Wait() // before r.Close
	defer close(done)
	reading.Go(func() {
		defer close(chunks)
		for start := 0; ; {
			var buf []float64
			select {
			case buf = <-free:
			case <-done:
				return
			}
			c := chunk{start: start}
			c.num, c.err = r.Next(buf)
			switch {
			case c.err == io.EOF:
				return
			case c.err != nil:
				c.err = fmt.Errorf("collapse: %w", c.err)
			default:
				c.rows = buf[:c.num*s.D]
				for idx, v := range c.rows {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						c.err = fmt.Errorf("collapse: features %s: entry [%d, %d] is %v", s.Path, start+idx/s.D, idx%s.D, v)
						break
					}
				}
			}
			select {
			case chunks <- c:
			case <-done:
				return
			}
			if c.err != nil {
				return
			}
			start += c.num
		}
	})
	for c := range chunks {
		if c.err != nil {
			return c.err
		}
		if err := yield(c.rows, s.Sets[c.start:c.start+c.num]); err != nil {
			return err
		}
		free <- c.rows[:cap(c.rows)]
	}
	return nil
}
