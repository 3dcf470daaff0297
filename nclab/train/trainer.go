package train

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads like the math
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/loss"
	"github.com/nclab/nclab/nclab/models"
)

// Config holds the training hyper-parameters (METHOD.md §7). Zero values take
// the defaults of Defaults.
type Config struct {
	Model models.Config // architecture and head; K and the input shape come from the data

	Loss           string  // "pal" (default), "pal-n" or "ova"
	Epochs         int     // number of epochs
	BatchSize      int     // default 128
	LR             float64 // initial learning rate, cosine-annealed to LR/1000 (default 0.1)
	Momentum       float64 // SGD momentum (default 0.9; negative: none)
	WeightDecay    float64 // on every trainable parameter (default 5e-4; negative: none)
	FeaturePenalty float64 // lambda_h: adds lambda_h * sum over the batch of ||h_i||^2 (METHOD.md §2; default 0)
	TrackEvery     int     // track (metrics, log, checkpoint) every this many epochs, and at the last (default 1)
	TrackFirst     int     // also track each of the first TrackFirst epochs, where the metrics fall fastest (default 0: none)
	EvalBatchSize  int     // batch size of feature extraction (default 64; the outputs do not depend on it)
	Seed           int64   // seeds the weights and the batch order

	// OutDir, when set, receives the run directory: log.jsonl, checkpoint/ and,
	// at the end, summary.json and the .npy arrays.
	OutDir string
	// Resume continues from the newest good checkpoint in OutDir/checkpoint,
	// if any. It refuses a configuration or data that differ from the run's
	// (OutDir/config.json) in the model, the loss, the seed or the data, and
	// in the schedule (epochs, batch size, learning rate, momentum, weight
	// decay, feature penalty, tracking) unless AllowScheduleChange.
	Resume              bool
	AllowScheduleChange bool
}

// Defaults fills zero fields with the reference settings of METHOD.md §7.
func (c Config) Defaults() Config {
	if c.Loss == "" {
		c.Loss = "pal"
	}
	if c.BatchSize == 0 {
		c.BatchSize = 128
	}
	if c.LR == 0 {
		c.LR = 0.1
	}
	if c.Momentum == 0 {
		c.Momentum = 0.9
	}
	if c.WeightDecay == 0 {
		c.WeightDecay = 5e-4
	}
	if c.TrackEvery == 0 {
		c.TrackEvery = 1
	}
	if c.EvalBatchSize == 0 {
		c.EvalBatchSize = 64
	}
	return c
}

// Tracks says whether epoch (1-based) is tracked: one of the first
// TrackFirst, a multiple of TrackEvery, or the last (zero fields taking
// their defaults).
func (c Config) Tracks(epoch int) bool {
	c = c.Defaults()
	return epoch <= c.TrackFirst || epoch%c.TrackEvery == 0 || epoch == c.Epochs
}

// TrackedEpochs lists the epochs (1-based) Tracks says are tracked.
func (c Config) TrackedEpochs() []int {
	var epochs []int
	for e := 1; e <= c.Epochs; e++ {
		if c.Tracks(e) {
			epochs = append(epochs, e)
		}
	}
	return epochs
}

// Trainer trains one model on one training set, tracking collapse and
// multi-label metrics on it and on a test set.
type Trainer struct {
	Config
	Model      *models.Model
	TrainSet   *data.Set
	TestSet    *data.Set
	History    []Record
	backend    compute.Backend
	kind       loss.Kind
	momentum   map[string]*model.Variable // by the parameter's path
	step       *model.Exec
	eval       *model.Exec // feature extraction, compiled once
	steps      int         // training steps taken by this process
	tracked    *trackedOutputs
	startEpoch int // first epoch still to run (0-based)
	clock      time.Time
	// Notes are what the trainer did on its own that a user should hear of,
	// such as falling back from a damaged checkpoint; the CLI prints them.
	Notes []string
}

// Record is what tracking measures at one epoch (1-based, after its last step).
type Record struct {
	Epoch   int     `json:"epoch"`
	Loss    float64 `json:"loss"` // mean training objective over the epoch's batches (loss + feature penalty)
	LR      float64 `json:"lr"`
	Seconds float64 `json:"seconds"` // wall time since the start of training (this process)
	Tracked
}

// New builds the model and the training step for trainSet. testSet may be nil.
func New(backend compute.Backend, cfg Config, trainSet, testSet *data.Set) (*Trainer, error) {
	cfg = cfg.Defaults()
	if trainSet == nil || trainSet.Len() == 0 {
		return nil, errors.New("train: empty training set")
	}
	if testSet != nil && (testSet.K != trainSet.K || testSet.ImageSize() != trainSet.ImageSize()) {
		return nil, fmt.Errorf("train: test set %s (K=%d, %dx%dx%d) does not match training set %s (K=%d, %dx%dx%d)",
			testSet.Name, testSet.K, testSet.Height, testSet.Width, testSet.Channels,
			trainSet.Name, trainSet.K, trainSet.Height, trainSet.Width, trainSet.Channels)
	}
	if cfg.Epochs < 1 {
		return nil, fmt.Errorf("train: %d epochs, want >= 1", cfg.Epochs)
	}
	if cfg.BatchSize < 2 || cfg.EvalBatchSize < 1 || cfg.TrackEvery < 1 {
		return nil, fmt.Errorf("train: batch size %d (want >= 2, batch norm needs two samples), eval batch %d, track every %d epochs", cfg.BatchSize, cfg.EvalBatchSize, cfg.TrackEvery)
	}
	if cfg.TrackFirst < 0 {
		return nil, fmt.Errorf("train: track the first %d epochs, want >= 0", cfg.TrackFirst)
	}
	if !(cfg.LR > 0) || cfg.FeaturePenalty < 0 || math.IsInf(cfg.LR, 0) {
		return nil, fmt.Errorf("train: learning rate %g must be > 0 and feature penalty %g >= 0", cfg.LR, cfg.FeaturePenalty)
	}
	kind, err := loss.ParseKind(cfg.Loss)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	if cfg.Resume && cfg.OutDir == "" {
		return nil, errors.New("train: resuming needs the run directory (OutDir)")
	}
	mc := cfg.Model
	mc.K, mc.Height, mc.Width, mc.Channels = trainSet.K, trainSet.Height, trainSet.Width, trainSet.Channels
	mc.Seed = cfg.Seed
	m, err := models.New(backend, mc)
	if err != nil {
		return nil, err
	}
	cfg.Model = m.Config
	t := &Trainer{Config: cfg, Model: m, TrainSet: trainSet, TestSet: testSet, backend: backend, kind: kind,
		momentum: map[string]*model.Variable{}}
	t.createMomentum()
	if cfg.OutDir != "" {
		if err := t.openCheckpoints(); err != nil {
			return nil, err
		}
	}
	t.step, err = model.NewExec(backend, m.Store, t.trainStepGraph)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return t, nil
}

// trainableVariables lists the model's trainable variables in creation order.
func (t *Trainer) trainableVariables() []*model.Variable {
	var vs []*model.Variable
	for v := range t.Model.Store.IterVariables() {
		if v.Trainable {
			vs = append(vs, v)
		}
	}
	return vs
}

// createMomentum adds a zero momentum buffer (not trainable) per trainable variable.
func (t *Trainer) createMomentum() {
	for _, v := range t.trainableVariables() {
		zeros := tensors.FromShape(v.Shape())
		mv, err := t.Model.Store.CreateVariable("/optimizer/momentum"+v.Path(), zeros)
		if err != nil {
			panic(err) // programmer error: paths are unique
		}
		mv.SetTrainable(false)
		t.momentum[v.Path()] = mv
	}
}

// Objective is the training objective of one batch (METHOD.md §2): the mean
// per-sample loss plus lambda_h times the sum over the batch of ||h_i||^2.
func Objective(kind loss.Kind, features, logits, targets *Node, featurePenalty float64) *Node {
	obj := ReduceAllMean(kind.PerSample(logits, targets))
	if featurePenalty > 0 {
		obj = Add(obj, MulScalar(ReduceAllSum(Square(features)), featurePenalty))
	}
	return obj
}

// trainStepGraph: one SGD step on the batch (x, y) with learning rate lr; returns the objective.
func (t *Trainer) trainStepGraph(scope *model.Scope, x, y, lr *Node) *Node {
	// Marked as training before any variable is read: otherwise the pure-Go
	// backend embeds the variables' current values as constants (GoMLX v0.28's
	// PreferConstantsForVariables) and every step would restart from them.
	scope.SetTraining(x.Graph(), true)
	features, logits := t.Model.Forward(scope, x, true)
	obj := Objective(t.kind, features, logits, y, t.FeaturePenalty)
	vars := t.trainableVariables()
	params := make([]*Node, len(vars))
	for i, v := range vars {
		params[i] = v.NodeValue(x.Graph())
	}
	grads := Gradient(obj, params...)
	mu, wd := max(t.Momentum, 0), max(t.WeightDecay, 0)
	for i, v := range vars {
		mv := t.momentum[v.Path()]
		newP, newV := SGDMomentumStep(params[i], mv.NodeValue(x.Graph()), grads[i], lr, mu, wd)
		v.SetNodeValue(newP)
		mv.SetNodeValue(newV)
	}
	return obj
}

// Run trains from the current epoch to Epochs, calling onTrack (if not nil)
// after each tracked epoch, and returns the summary; with OutDir set it writes
// the run directory. A non-finite objective or metric stops training with an
// error; the last checkpoint (of the last tracked epoch with finite values)
// stays in OutDir/checkpoint.
func (t *Trainer) Run(onTrack func(Record)) (*Summary, error) {
	if err := t.RunUntil(t.Epochs, onTrack); err != nil {
		return nil, err
	}
	return t.finish()
}

// RunUntil trains up to epoch `until` (1-based, at most Epochs), as Run does,
// without writing the final summary: an interrupted run, or a notebook
// training in chunks. The learning-rate schedule always spans Epochs.
func (t *Trainer) RunUntil(until int, onTrack func(Record)) error {
	if t.clock.IsZero() {
		t.clock = time.Now()
	}
	n := t.TrainSet.Len()
	for epoch := t.startEpoch; epoch < min(until, t.Epochs); epoch++ {
		lr := CosineLR(t.LR, epoch, t.Epochs)
		order := data.EpochOrder(t.Seed, epoch, n)
		var sum float64
		var batches int
		for b := 0; b < n; b += t.BatchSize {
			idx := order[b:min(b+t.BatchSize, n)]
			if len(idx) < 2 {
				continue // batch norm needs two samples: a lone last sample is dropped
			}
			obj, err := t.trainStep(idx, lr)
			if err != nil {
				return err
			}
			if math.IsNaN(obj) || math.IsInf(obj, 0) {
				return t.divergence(epoch+1, batches+1, obj)
			}
			sum += obj
			batches++
		}
		t.startEpoch = epoch + 1
		if t.Tracks(epoch + 1) {
			rec := Record{Epoch: epoch + 1, Loss: sum / float64(batches), LR: lr, Seconds: time.Since(t.clock).Seconds()}
			tracked, err := t.Track()
			if err != nil {
				return err
			}
			rec.Tracked = *tracked
			if !rec.finite() {
				if !math.IsNaN(rec.Loss) && !math.IsInf(rec.Loss, 0) {
					return fmt.Errorf("train: epoch %d: NC1 is %v with a finite objective %.4g: the training features have no between-class spread (all equal, e.g. all zero); %s",
						epoch+1, rec.NC1, rec.Loss, t.lastCheckpoint())
				}
				return t.divergence(epoch+1, batches, rec.Loss)
			}
			t.History = append(t.History, rec)
			if err := t.saveProgress(rec); err != nil {
				return err
			}
			if onTrack != nil {
				onTrack(rec)
			}
		}
	}
	return nil
}

func (t *Trainer) divergence(epoch, batch int, value float64) error {
	return fmt.Errorf("train: diverged at epoch %d, batch %d: objective %v (try a smaller learning rate); %s", epoch, batch, value, t.lastCheckpoint())
}

// lastCheckpoint says where the last good checkpoint is, for errors.
func (t *Trainer) lastCheckpoint() string {
	if t.OutDir != "" && len(t.History) > 0 {
		return fmt.Sprintf("the last good checkpoint (epoch %d) is in %s", t.History[len(t.History)-1].Epoch, filepath.Join(t.OutDir, "checkpoint"))
	}
	return "no checkpoint was saved"
}

func (t *Trainer) trainStep(idx []int, lr float64) (float64, error) {
	s := t.TrainSet
	x := make([]float32, len(idx)*s.ImageSize())
	s.Batch(idx, x)
	y := make([]float32, len(idx)*s.K)
	s.MultiHot(idx, y)
	out, err := t.step.Call(
		tensors.FromFlatDataAndDimensions(x, len(idx), s.Height, s.Width, s.Channels),
		tensors.FromFlatDataAndDimensions(y, len(idx), s.K),
		tensors.FromScalar(float32(lr)))
	if err != nil {
		return 0, fmt.Errorf("train: step: %w", err)
	}
	t.steps++
	return float64(tensors.ToScalar[float32](out[0])), nil
}

// Outputs holds the features and logits of a whole set, row-major.
type Outputs struct {
	N, D, K  int
	Features []float32 // N x D
	Logits   []float32 // N x K
}

// Evaluate returns the features and logits of every sample of s, in order,
// with the batch norms in evaluation mode. Its graph takes the variables as
// parameters (the store is marked as training for it, which in GoMLX v0.28
// only stops the pure-Go backend from baking the variables' current values
// into the graph as constants), so the one compiled graph always sees the
// current weights; the last batch is padded to EvalBatchSize so that a single
// shape is compiled.
func (t *Trainer) Evaluate(s *data.Set) (*Outputs, error) {
	if t.eval == nil {
		exec, err := model.NewExec(t.backend, t.Model.Store, func(scope *model.Scope, x *Node) (*Node, *Node) {
			scope.SetTraining(x.Graph(), true) // variables as parameters, see above
			return t.Model.Forward(scope, x, false)
		})
		if err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		t.eval = exec
	}
	d, k, bs := t.Model.FeatureDim, t.Model.K, t.EvalBatchSize
	out := &Outputs{N: s.Len(), D: d, K: k, Features: make([]float32, s.Len()*d), Logits: make([]float32, s.Len()*k)}
	for b := 0; b < s.Len(); b += bs {
		e := min(b+bs, s.Len())
		idx := make([]int, bs)
		for i := range idx {
			idx[i] = min(b+i, e-1) // the padding repeats the last sample
		}
		x := make([]float32, len(idx)*s.ImageSize())
		s.Batch(idx, x)
		res, err := t.eval.Call(tensors.FromFlatDataAndDimensions(x, len(idx), s.Height, s.Width, s.Channels))
		if err != nil {
			return nil, fmt.Errorf("train: evaluating %s: %w", s.Name, err)
		}
		copy(out.Features[b*d:e*d], tensors.MustCopyFlatData[float32](res[0])[:(e-b)*d])
		copy(out.Logits[b*k:e*k], tensors.MustCopyFlatData[float32](res[1])[:(e-b)*k])
	}
	return out, nil
}

// openCheckpoints prepares OutDir. A fresh run refuses a folder that holds
// checkpoints and records its settings (config.json); a resumed one checks
// them and loads the newest checkpoint that reads back whole, falling back
// past damaged ones (renamed *.damaged, with a note), and keeps the log's
// records up to that checkpoint's epoch.
func (t *Trainer) openCheckpoints() error {
	dir := t.checkpointDir()
	names, err := listCheckpoints(dir)
	if err != nil {
		return err
	}
	// Temporary files are what a crash during a write leaves: never read.
	if stale, _ := filepath.Glob(filepath.Join(dir, "."+checkpointPrefix+"*"+checkpointSuffix+".tmp-*")); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
		t.Notes = append(t.Notes, fmt.Sprintf("removed %d partial checkpoint file(s) of an interrupted write", len(stale)))
	}
	settings := t.settings()
	if !t.Resume {
		if len(names) > 0 {
			return fmt.Errorf("train: %s already holds checkpoints: resume (--resume), or choose another output folder", dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("train: %w", err)
		}
		// A log without a checkpoint is from a run stopped before its first
		// one: this run starts it over.
		if err := writeLog(t.logPath(), nil); err != nil {
			return err
		}
		return writeJSONAtomic(filepath.Join(t.OutDir, ConfigFile), settings)
	}
	saved, err := readSettings(filepath.Join(t.OutDir, ConfigFile))
	if err != nil {
		return err
	}
	if err := saved.check(settings, t.AllowScheduleChange); err != nil {
		return err
	}
	if t.AllowScheduleChange && !reflect.DeepEqual(saved.Schedule, settings.Schedule) {
		if err := writeJSONAtomic(filepath.Join(t.OutDir, ConfigFile), settings); err != nil {
			return err
		}
		t.Notes = append(t.Notes, fmt.Sprintf("the schedule changed from %+v to %+v (allowed)", saved.Schedule, settings.Schedule))
	}
	epoch := 0
	for _, name := range names {
		path := filepath.Join(dir, name)
		e, err := loadCheckpoint(t.Model.Store, path)
		if err == nil && (e < 1 || e > t.Epochs) {
			return fmt.Errorf("train: checkpoint %s is at epoch %d, cannot resume a %d-epoch run", path, e, t.Epochs)
		}
		if err == nil {
			epoch = e
			break
		}
		if rerr := os.Rename(path, path+".damaged"); rerr != nil {
			return fmt.Errorf("train: checkpoint %s is damaged (%v) and cannot be set aside: %w", path, err, rerr)
		}
		t.Notes = append(t.Notes, fmt.Sprintf("checkpoint %s is damaged (%v): renamed to %s.damaged, falling back to the previous one", path, err, name))
	}
	if len(names) > 0 && epoch == 0 {
		t.Notes = append(t.Notes, "no checkpoint could be read: starting from epoch 0")
	} else if len(names) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("resuming after epoch %d", epoch))
	}
	t.startEpoch = epoch
	history, err := readLog(t.logPath(), epoch)
	if err != nil {
		return err
	}
	t.History = history
	return writeLog(t.logPath(), history)
}

func (t *Trainer) checkpointDir() string { return filepath.Join(t.OutDir, "checkpoint") }
func (t *Trainer) logPath() string       { return filepath.Join(t.OutDir, LogFile) }
