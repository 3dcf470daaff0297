package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/gomlx/compute"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/models"
)

// RandomSet returns n random h x w x c images (uniform bytes) with random label
// sets of size 1 or 2 over k labels, all drawn from seed: data for timing
// training steps and for comparing backends, not for learning anything.
func RandomSet(n, k, h, w, c int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 2))
	s := &data.Set{Name: fmt.Sprintf("random-%dx%dx%d", h, w, c), K: k, Height: h, Width: w, Channels: c, Pixels: make([]uint8, n*h*w*c)}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(rng.IntN(256))
	}
	for i := range n {
		if i%2 == 0 {
			s.Labels = append(s.Labels, labelset.MustNew(k, rng.IntN(k)))
			continue
		}
		a, b := rng.IntN(k), rng.IntN(k-1)
		if b >= a {
			b++ // a pair of distinct labels
		}
		s.Labels = append(s.Labels, labelset.MustNew(k, a, b))
	}
	return s
}

// StepsConfig describes a TimeSteps run.
type StepsConfig struct {
	Model    models.Config // architecture; K and the input shape come from the fields below
	K        int           // labels (default 10)
	Side     int           // square image side (default 32)
	Channels int           // image channels (default 3)
	Batch    int           // batch size (default 64)
	Batches  int           // distinct batches, visited in turn (default 4)
	Steps    int           // SGD steps (default 50)
	LR       float64       // constant learning rate (default 0.01)
	Seed     int64         // seeds the data and the weights
}

// StepTiming is what TimeSteps measured.
type StepTiming struct {
	Steps        int       `json:"steps"`
	Parameters   int       `json:"trainable_parameters"`
	Batch        int       `json:"batch"`
	FirstSeconds float64   `json:"first_step_seconds"` // the first step: compilation and one step
	StepSeconds  float64   `json:"step_seconds"`       // mean wall time of the later steps
	Losses       []float64 `json:"losses"`             // the objective of every step, in order
}

// TimeSteps trains a freshly initialised model for cfg.Steps SGD steps (momentum
// 0.9, weight decay 5e-4, PAL loss, constant learning rate) on random data and
// times them. The same seed gives the same data, weights and batch order on every
// backend, so the losses of two backends can be compared step by step (they
// differ only by floating-point rounding and the backends' kernels).
func TimeSteps(backend compute.Backend, cfg StepsConfig) (*StepTiming, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&cfg.K, 10)
	def(&cfg.Side, 32)
	def(&cfg.Channels, 3)
	def(&cfg.Batch, 64)
	def(&cfg.Batches, 4)
	def(&cfg.Steps, 50)
	if cfg.LR == 0 {
		cfg.LR = 0.01
	}
	if cfg.K < 2 || cfg.Side < 1 || cfg.Channels < 1 || cfg.Batch < 2 || cfg.Batches < 1 || cfg.Steps < 2 || !(cfg.LR > 0) || math.IsInf(cfg.LR, 0) {
		return nil, fmt.Errorf("train: steps: want K >= 2, side, channels, batches >= 1, batch and steps >= 2 and a finite lr > 0 (have K=%d side=%d channels=%d batch=%d batches=%d steps=%d lr=%g)",
			cfg.K, cfg.Side, cfg.Channels, cfg.Batch, cfg.Batches, cfg.Steps, cfg.LR)
	}
	if cfg.Batch > math.MaxInt/cfg.Batches {
		return nil, fmt.Errorf("train: steps: batch %d x %d batches overflows", cfg.Batch, cfg.Batches)
	}
	set := RandomSet(cfg.Batch*cfg.Batches, cfg.K, cfg.Side, cfg.Side, cfg.Channels, uint64(cfg.Seed))
	t, err := New(backend, Config{Model: cfg.Model, Epochs: 1, BatchSize: cfg.Batch, LR: cfg.LR, Seed: cfg.Seed}, set, nil)
	if err != nil {
		return nil, err
	}
	order := data.EpochOrder(cfg.Seed, 0, set.Len())
	res := &StepTiming{Steps: cfg.Steps, Parameters: t.Model.TrainableParameters(), Batch: cfg.Batch}
	var later time.Duration
	for s := range cfg.Steps {
		b := s % cfg.Batches
		start := time.Now()
		v, err := t.trainStep(order[b*cfg.Batch:(b+1)*cfg.Batch], cfg.LR)
		if err != nil {
			return nil, err
		}
		if s == 0 {
			res.FirstSeconds = time.Since(start).Seconds()
		} else {
			later += time.Since(start)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("train: steps: diverged at step %d: objective %v (try a smaller --lr)", s, v)
		}
		res.Losses = append(res.Losses, v)
	}
	res.StepSeconds = later.Seconds() / float64(cfg.Steps-1)
	return res, nil
}
