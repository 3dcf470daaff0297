package train

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// TrainInDir trains cfg on the data of recipe into the run directory dir (as
// `nclab train --out dir`; the pooled input zero-padded where the
// architecture's max-pools need more pixels, models.FitInput) and returns the run as
// ReadRun does. With reuse, a dir that already holds a finished run
// (summary.json) is read instead of trained again; otherwise dir is emptied
// first. onTrack, if not nil, is called after each tracked epoch.
func TrainInDir(backend compute.Backend, cfg Config, recipe data.Recipe, dir string, reuse bool, onTrack func(*Trainer, Record)) (*Summary, []Record, error) {
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err == nil && reuse {
		return ReadRun(dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	trainSet, testSet, err := data.Load(recipe)
	if err != nil {
		return nil, nil, err
	}
	cfg.Model.InputPad = models.FitInput(cfg.Model.Arch, cfg.Model.InputPool, min(trainSet.Height, trainSet.Width))
	cfg.OutDir, cfg.Resume = dir, false
	t, err := New(backend, cfg, trainSet, testSet)
	if err != nil {
		return nil, nil, err
	}
	var cb func(Record)
	if onTrack != nil {
		cb = func(r Record) { onTrack(t, r) }
	}
	if _, err := t.Run(cb); err != nil {
		return nil, nil, err
	}
	return ReadRun(dir)
}

// RunAll runs each trainer to the end (Trainer.Run) on up to workers
// goroutines at once (workers < 1: one per CPU), starting them in order, and
// returns their summaries in the same order. The pure-Go backend runs most of
// a training step on one core, so independent runs side by side use the
// others; every run keeps its own seed, batch order and numbers. onTrack, if
// not nil, is called after each tracked epoch with the trainer's index, one
// call at a time. After the first error no further run starts; the runs
// already going finish, and the error (the first in order) is returned.
func RunAll(trainers []*Trainer, workers int, onTrack func(i int, r Record)) ([]*Summary, error) {
	if workers < 1 {
		workers = runtime.NumCPU()
	}
	summaries := make([]*Summary, len(trainers))
	errs := make([]error, len(trainers))
	var mu sync.Mutex // serialises onTrack and guards failed
	failed := false
	slots := make(chan struct{}, workers)
	var wg sync.WaitGroup
	for i, t := range trainers {
		slots <- struct{}{}
		mu.Lock()
		stop := failed
		mu.Unlock()
		if stop {
			<-slots
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-slots; wg.Done() }()
			var cb func(Record)
			if onTrack != nil {
				cb = func(r Record) {
					mu.Lock()
					defer mu.Unlock()
					onTrack(i, r)
				}
			}
			summaries[i], errs[i] = t.Run(cb)
			if errs[i] != nil {
				mu.Lock()
				failed = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("train: run %d of %d: %w", i+1, len(trainers), err)
		}
	}
	return summaries, nil
}

// RunMetrics computes every collapse metric of METHOD.md §5, the subspace
// split included, on a run directory's saved training features with its
// saved classifier (classifier_w.npy, classifier_b.npy): the same numbers as
// the run's last tracked epoch, also for runs written before a metric
// existed.
func RunMetrics(dir string) (*collapse.Metrics, error) {
	run, err := decode.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	w, _, err := npyfile.ReadMatrix(filepath.Join(dir, "classifier_w.npy"))
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", dir, err)
	}
	b, err := npyfile.ReadVector(filepath.Join(dir, "classifier_b.npy"))
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", dir, err)
	}
	met, err := collapse.Compute(run.K, run.TrainFeatures, run.TrainSets, w, b, nil)
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", dir, err)
	}
	return met, nil
}

// RowSpaceFeatures returns P h for every row h of features (N x d): P the
// orthogonal projector onto the span of the rows of w (K x d), METHOD.md §5's
// subspace split, computed from an SVD of w with NumPy's matrix_rank
// tolerance.
func RowSpaceFeatures(features, w *mat.Dense) (*mat.Dense, error) {
	k, d := w.Dims()
	if _, fd := features.Dims(); fd != d {
		return nil, fmt.Errorf("train: features of dimension %d, classifier %d x %d", fd, k, d)
	}
	var svd mat.SVD
	if !svd.Factorize(w, mat.SVDThin) {
		return nil, fmt.Errorf("train: SVD of the %d x %d classifier failed", k, d)
	}
	values := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v) // d x min(k, d)
	tol := values[0] * float64(max(k, d)) * 2.220446049250313e-16
	rank := 0
	for _, s := range values {
		if s > tol {
			rank++
		}
	}
	basis := v.Slice(0, d, 0, rank) // orthonormal columns spanning the row space
	var coords, out mat.Dense
	coords.Mul(features, basis)
	out.Mul(&coords, basis.T())
	return &out, nil
}
