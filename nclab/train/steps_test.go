package train

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nclab/nclab/nclab/models"
)

// TimeSteps is deterministic (the same seed gives the same losses step by step,
// which is what bench/gpu.sh compares across backends) and trains: a small MLP
// fits four random batches, so the objective falls.
func TestTimeStepsDeterministicAndTraining(t *testing.T) {
	cfg := StepsConfig{Model: models.Config{Arch: "mlp", Hidden: 32, Depth: 1, FeatureDim: 16},
		Side: 8, Channels: 1, Batch: 16, Batches: 2, Steps: 30, LR: 0.1, Seed: 3}
	a, err := TimeSteps(testBackend(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := TimeSteps(testBackend(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Losses, b.Losses) {
		t.Errorf("same seed, different losses:\n%v\n%v", a.Losses, b.Losses)
	}
	if len(a.Losses) != 30 || a.StepSeconds <= 0 || a.FirstSeconds <= 0 {
		t.Fatalf("got %d losses, step %g s, first %g s", len(a.Losses), a.StepSeconds, a.FirstSeconds)
	}
	if first, last := a.Losses[0], a.Losses[len(a.Losses)-1]; !(last < 0.5*first) {
		t.Errorf("objective %g -> %g: want it at least halved on two memorisable batches", first, last)
	}
	cfg.Seed = 4
	c, err := TimeSteps(testBackend(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c.Losses[0] == a.Losses[0] {
		t.Errorf("seeds 3 and 4 gave the same first loss %g", c.Losses[0])
	}
}

func TestTimeStepsRejectsBadConfig(t *testing.T) {
	for _, cfg := range []StepsConfig{
		{Model: models.Config{Arch: "mlp"}, Steps: 1},
		{Model: models.Config{Arch: "mlp"}, Batch: 1},
		{Model: models.Config{Arch: "mlp"}, LR: -1},
		{Model: models.Config{Arch: "mlp"}, K: 1},
	} {
		if _, err := TimeSteps(testBackend(t), cfg); err == nil || !strings.Contains(err.Error(), "train: steps") {
			t.Errorf("%+v: got %v, want a train: steps error", cfg, err)
		}
	}
}
