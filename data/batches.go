package data

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/train"
)

// BatchOptions configures Batches.
type BatchOptions struct {
	// BatchSize is the number of samples per batch; default 128.
	BatchSize int
	// Shuffle draws a new order of the samples for every epoch, from Seed and the epoch number.
	Shuffle bool
	// Seed seeds the shuffles: the same seed gives the same sequence of epochs.
	Seed int64
	// DropLast drops the last, smaller batch of an epoch, so that every batch has the
	// same shape (one compiled graph). Without it the last batch holds the remainder.
	DropLast bool
	// Indices restricts the dataset to these samples of the set; nil means all.
	Indices []int
}

// Batches is a GoMLX dataset (github.com/gomlx/gomlx/ml/train.Dataset) over a Set.
// Each call of Iter is one epoch: the samples in a fresh seeded order (or in order,
// without Shuffle), in batches of Inputs = [images float32 [B, H, W, C], scaled and
// normalised as Set.Batch does] and Labels = [multi-hot float32 [B, K]].
// Tensors are new for every batch (the trainer takes ownership and frees them).
type Batches struct {
	set   *Set
	opt   BatchOptions
	epoch int
}

var _ train.Dataset = (*Batches)(nil)

// NewBatches makes the dataset; it fails on a batch size or index out of range.
func NewBatches(s *Set, opt BatchOptions) (*Batches, error) {
	if opt.BatchSize == 0 {
		opt.BatchSize = 128
	}
	if opt.BatchSize < 0 {
		return nil, fmt.Errorf("data: batch size %d must be positive", opt.BatchSize)
	}
	if opt.Indices == nil {
		opt.Indices = make([]int, s.Len())
		for i := range opt.Indices {
			opt.Indices[i] = i
		}
	} else {
		opt.Indices = append([]int(nil), opt.Indices...)
		for _, i := range opt.Indices {
			if i < 0 || i >= s.Len() {
				return nil, fmt.Errorf("data: index %d outside the %d samples of %s", i, s.Len(), s.Name)
			}
		}
	}
	if len(opt.Indices) == 0 || (opt.DropLast && len(opt.Indices) < opt.BatchSize) {
		return nil, fmt.Errorf("data: %s: %d samples make no batch of %d", s.Name, len(opt.Indices), opt.BatchSize)
	}
	return &Batches{set: s, opt: opt}, nil
}

// Name implements train.Dataset.
func (b *Batches) Name() string { return b.set.Name }

// Epoch is the number of epochs started so far (calls of Iter).
func (b *Batches) Epoch() int { return b.epoch }

// EpochOrder returns the sample order of epoch e (0-based): the indices in the order
// of the package's EpochOrder(Seed, e, len(indices)), or in order without Shuffle.
func (b *Batches) EpochOrder(e int) []int {
	if !b.opt.Shuffle {
		return append([]int(nil), b.opt.Indices...)
	}
	order := EpochOrder(b.opt.Seed, e, len(b.opt.Indices))
	for j, i := range order {
		order[j] = b.opt.Indices[i]
	}
	return order
}

// EpochOrder is the order in which epoch e (0-based) visits n samples: a
// permutation drawn from (seed, e) alone, so a resumed run visits the same batches
// as an uninterrupted one. It is the shuffle of Batches and of nclab/train.
func EpochOrder(seed int64, epoch, n int) []int {
	return rand.New(rand.NewPCG(uint64(seed), uint64(epoch)+1)).Perm(n)
}

// BatchIndices splits an epoch's order into the batches Iter yields.
func (b *Batches) BatchIndices(e int) [][]int {
	order := b.EpochOrder(e)
	var out [][]int
	for start := 0; start < len(order); start += b.opt.BatchSize {
		end := min(start+b.opt.BatchSize, len(order))
		if end-start < b.opt.BatchSize && b.opt.DropLast {
			break
		}
		out = append(out, order[start:end])
	}
	return out
}

// Iter implements train.Dataset: one epoch of batches; the next call starts the next epoch.
func (b *Batches) Iter() iter.Seq2[train.Batch, error] {
	e := b.epoch
	b.epoch++
	batches := b.BatchIndices(e)
	s := b.set
	return func(yield func(train.Batch, error) bool) {
		for _, idx := range batches {
			if !yield(train.Batch{Inputs: []*tensors.Tensor{s.ImagesTensor(idx)}, Labels: []*tensors.Tensor{s.MultiHotTensor(idx)}}, nil) {
				return
			}
		}
	}
}

// ImagesTensor returns the images at indices as a float32 tensor [len(indices), H, W, C]
// (scaled and normalised as Batch does).
func (s *Set) ImagesTensor(indices []int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, len(indices), s.Height, s.Width, s.Channels))
	tensors.MustMutableFlatData(t, func(flat []float32) { s.Batch(indices, flat) })
	return t
}

// MultiHotTensor returns the multi-hot labels at indices as a float32 tensor [len(indices), K].
func (s *Set) MultiHotTensor(indices []int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, len(indices), s.K))
	tensors.MustMutableFlatData(t, func(flat []float32) { s.MultiHot(indices, flat) })
	return t
}
