package main

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// readFiniteMatrix reads a 2-D .npy array (any real dtype) and checks that every
// entry is finite; what names the role of the file in messages ("features").
func readFiniteMatrix(path, what string) (*mat.Dense, error) {
	m, h, err := npyfile.ReadMatrix(path)
	if err != nil {
		return nil, err
	}
	if len(h.Shape) != 2 {
		return nil, fmt.Errorf("%s %s: shape %v, want a 2-D array", what, path, h.Shape)
	}
	rows, cols := m.Dims()
	for i := range rows {
		for j, v := range m.RawRowView(i)[:cols] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s %s: entry [%d, %d] is %v", what, path, i, j, v)
			}
		}
	}
	return m, nil
}

// readLabelSets reads an N x K 0/1 matrix of any dtype as N label sets and returns K.
// An empty row is an error unless allowEmpty (predictions may be empty).
func readLabelSets(path, what string, allowEmpty bool) ([]labelset.Set, int, error) {
	m, h, err := npyfile.ReadMatrix(path)
	if err != nil {
		return nil, 0, err
	}
	if len(h.Shape) != 2 {
		return nil, 0, fmt.Errorf("%s %s: shape %v, want an N x K 0/1 matrix", what, path, h.Shape)
	}
	n, k := m.Dims()
	sets := make([]labelset.Set, n)
	for i := range n {
		for c, v := range m.RawRowView(i)[:k] {
			switch v {
			case 1:
				sets[i] = append(sets[i], c)
			case 0:
			default:
				return nil, 0, fmt.Errorf("%s %s: entry [%d, %d] is %v, want 0 or 1", what, path, i, c, v)
			}
		}
		if len(sets[i]) == 0 && !allowEmpty {
			return nil, 0, fmt.Errorf("%s %s: row %d has no label (every sample needs at least one)", what, path, i)
		}
	}
	return sets, k, nil
}
