package train

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// TrainInDir trains cfg on the data of recipe into the run directory dir (as
// `nclab train --out dir`; the input pooling lowered to fit the
// architecture's max-pools, models.FitInputPool) and returns the run as
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
	cfg.Model.InputPool = models.FitInputPool(cfg.Model.Arch, cfg.Model.InputPool, min(trainSet.Height, trainSet.Width))
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
