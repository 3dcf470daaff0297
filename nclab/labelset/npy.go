package labelset

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nclab/nclab/nclab/npyfile"
)

// ReadNPY reads the labels of N samples from a .npy file, as NumPy or PyTorch write
// them (np.save("labels.npy", y.numpy())), and returns their label sets and K. Two
// forms are accepted:
//
//   - an N x K 0/1 matrix of any dtype (multi-hot rows; every row needs a label);
//   - an N-vector of integer class indices (single-label; K is the largest index + 1,
//     at least 2).
//
// Rows are read in chunks, and equal sets share their storage, so memory is about one
// slice header per sample.
func ReadNPY(path string) ([]Set, int, error) {
	r, err := npyfile.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer r.Close()
	if r.Rows == 0 || r.Cols == 0 {
		return nil, 0, fmt.Errorf("labels %s: empty array of shape %v", path, r.Shape)
	}
	switch {
	case len(r.Shape) == 1:
		return classIndices(r, path)
	case len(r.Shape) != 2:
		return nil, 0, fmt.Errorf("labels %s: shape %v, want an N x K 0/1 matrix or an N-vector of class indices", path, r.Shape)
	case r.Fortran && r.Rows > 1 && r.Cols > 1:
		return multiHotInMemory(path)
	}
	k := r.Cols
	sets := make([]Set, 0, r.Rows)
	interned := map[string]Set{}
	buf := make([]float64, max(1, (1<<20)/k)*k)
	var s Set
	for {
		rows, err := r.Next(buf)
		if err == io.EOF {
			return sets, k, nil
		}
		if err != nil {
			return nil, 0, err
		}
		for i := range rows {
			if s, err = multiHotRow(s[:0], buf[i*k:(i+1)*k], path, len(sets)); err != nil {
				return nil, 0, err
			}
			sets = append(sets, intern(interned, s))
		}
	}
}

// multiHotRow appends the classes of one 0/1 row (row i of path) to s.
func multiHotRow(s Set, row []float64, path string, i int) (Set, error) {
	for c, v := range row {
		switch v {
		case 1:
			s = append(s, c)
		case 0:
		default:
			return nil, fmt.Errorf("labels %s: entry [%d, %d] is %v, want 0 or 1", path, i, c, v)
		}
	}
	if len(s) == 0 {
		return nil, fmt.Errorf("labels %s: row %d has no label (every sample needs at least one)", path, i)
	}
	return s, nil
}

// multiHotInMemory reads a Fortran-order multi-hot matrix whole (its rows are not
// contiguous on disk).
func multiHotInMemory(path string) ([]Set, int, error) {
	m, _, err := npyfile.ReadMatrix(path)
	if err != nil {
		return nil, 0, err
	}
	n, k := m.Dims()
	sets := make([]Set, n)
	interned := map[string]Set{}
	for i := range n {
		s, err := multiHotRow(nil, m.RawRowView(i)[:k], path, i)
		if err != nil {
			return nil, 0, err
		}
		sets[i] = intern(interned, s)
	}
	return sets, k, nil
}

// classIndices reads a 1-D array of integer class indices.
func classIndices(r *npyfile.Reader, path string) ([]Set, int, error) {
	if kind := strings.TrimLeft(r.DType, "<>|="); kind[0] != 'i' && kind[0] != 'u' {
		return nil, 0, fmt.Errorf("labels %s: a 1-D label array must hold integer class indices, got dtype %s", path, r.DType)
	}
	sets := make([]Set, 0, r.Rows)
	interned := map[string]Set{}
	buf := make([]float64, 1<<16)
	k := 0
	for {
		rows, err := r.Next(buf)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		for _, v := range buf[:rows] {
			if v < 0 || v >= 1<<31 {
				return nil, 0, fmt.Errorf("labels %s: entry %d is class %v, want an index in [0, 2^31)", path, len(sets), v)
			}
			c := int(v)
			k = max(k, c+1)
			sets = append(sets, intern(interned, Set{c}))
		}
	}
	if k < 2 {
		return nil, 0, fmt.Errorf("labels %s: every sample has class 0, want at least two classes", path)
	}
	return sets, k, nil
}

// intern returns the stored copy of s, storing a copy the first time.
func intern(table map[string]Set, s Set) Set {
	key := s.Key()
	if t, ok := table[key]; ok {
		return t
	}
	t := slices.Clone(s)
	table[key] = t
	return t
}
