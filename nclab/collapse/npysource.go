package collapse

import (
	"fmt"
	"io"
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
// ComputeSource reads a float16 or float32 file as float32, without widening it to
// float64 first (the sums are float64 either way, and the numbers the same).
type NPYSource struct {
	Path string
	N, D int
	Sets []labelset.Set // the label set of each row, len N

	memory  []float64 // the features, for a Fortran-order file only
	float32 bool      // a float16 or float32 file (scanFloat32 reads it)
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
	src := &NPYSource{Path: path, N: r.Rows, D: r.Cols, Sets: sets, float32: r.Float32()}
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
	return scanChunks(s, (*npyfile.Reader).Next, yield)
}

// scanFloat32 is Scan for a C-order float16 or float32 file, with the rows as float32
// (no widening pass; ComputeSource's fast products round to float32 anyway); ok is
// false, and nothing is read, for any other file.
func (s *NPYSource) scanFloat32(yield func(rows []float32, sets []labelset.Set) error) (ok bool, err error) {
	if s.memory != nil || !s.float32 {
		return false, nil
	}
	return true, scanChunks(s, (*npyfile.Reader).NextFloat32, yield)
}

// scanChunks reads s chunk by chunk with next, checking every value is finite: a reader
// goroutine decodes and checks the next chunk while yield works on this one; two
// buffers take turns.
func scanChunks[T float32 | float64](s *NPYSource, next func(*npyfile.Reader, []T) (int, error), yield func(rows []T, sets []labelset.Set) error) error {
	r, err := npyfile.Open(s.Path)
	if err != nil {
		return fmt.Errorf("collapse: %w", err)
	}
	defer r.Close()
	if r.Rows != s.N || r.Cols != s.D {
		return fmt.Errorf("collapse: features %s changed while being read: now %d x %d", s.Path, r.Rows, r.Cols)
	}
	type chunk struct {
		rows       []T
		start, num int
		err        error
	}
	chunks, free, done := make(chan chunk), make(chan []T, 2), make(chan struct{})
	free <- make([]T, npyChunk*s.D)
	free <- make([]T, npyChunk*s.D)
	var reading sync.WaitGroup
	defer reading.Wait() // before r.Close
	defer close(done)
	reading.Go(func() {
		defer close(chunks)
		for start := 0; ; {
			var buf []T
			select {
			case buf = <-free:
			case <-done:
				return
			}
			c := chunk{start: start}
			c.num, c.err = next(r, buf)
			switch {
			case c.err == io.EOF:
				return
			case c.err != nil:
				c.err = fmt.Errorf("collapse: %w", c.err)
			default:
				c.rows = buf[:c.num*s.D]
				for idx, v := range c.rows {
					if v-v != 0 { // NaN or ±Inf
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
