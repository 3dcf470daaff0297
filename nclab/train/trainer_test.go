package train

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/npyfile"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := nclab.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tinySet is a synthetic multi-label set: K = 3 classes, 8x8x1 images where
// class k lights one 4x4 quadrant (plus noise) and a pair lights both (pixel
// max, as M-lab), perClass singles and perPair pairs per label set.
func tinySet(name string, perClass, perPair int, seed uint64) *data.Set {
	const k, side = 3, 8
	rng := rand.New(rand.NewPCG(seed, 9))
	s := &data.Set{Name: name, K: k, Height: side, Width: side, Channels: 1}
	add := func(classes ...int) {
		img := make([]uint8, side*side)
		for i := range img {
			img[i] = uint8(rng.IntN(40))
		}
		for _, c := range classes {
			r0, c0 := (c/2)*4, (c%2)*4
			for r := r0; r < r0+4; r++ {
				for cc := c0; cc < c0+4; cc++ {
					img[r*side+cc] = uint8(180 + rng.IntN(70))
				}
			}
		}
		s.Pixels = append(s.Pixels, img...)
		s.Labels = append(s.Labels, labelset.MustNew(k, classes...))
	}
	for c := range k {
		for range perClass {
			add(c)
		}
	}
	for a := range k {
		for b := a + 1; b < k; b++ {
			for range perPair {
				add(a, b)
			}
		}
	}
	return s
}

func tinyConfig(arch, head string) Config {
	return Config{Model: models.Config{Arch: arch, Head: head, Hidden: 16, Depth: 2, FeatureDim: 8},
		Epochs: 6, BatchSize: 16, LR: 0.05, TrackEvery: 2, Seed: 3}
}

// TestTrainingLearns: on the separable synthetic set a short run lowers the
// training objective.
func TestTrainingLearns(t *testing.T) {
	b := testBackend(t)
	tr, err := New(b, tinyConfig("smallcnn", "learned"), tinySet("train", 12, 6, 1), tinySet("test", 4, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	untrained, err := tr.Track()
	if err != nil {
		t.Fatal(err)
	}
	s, err := tr.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	first, last := s.History[0].Loss, s.History[len(s.History)-1].Loss
	if !(last < 0.7*first) {
		t.Errorf("objective %.4f after epoch %d, %.4f at the end: want a clear fall", first, s.History[0].Epoch, last)
	}
	// The softmax mass on the true set starts near m/K (uniform logits) and
	// must rise; the ONN decoder separates the quadrants almost at once.
	massFirst, massLast := *untrained.Train.SoftmaxMassIoU, *s.Train.SoftmaxMassIoU
	if !(massLast > massFirst+0.2) || s.Train.SubsetAccuracy < 0.9 || s.Test.SubsetAccuracy < 0.9 {
		t.Errorf("train softmax mass %.3f -> %.3f, final subset accuracy train %.3f test %.3f: the quadrant task is easy, want a rise and >= 0.9",
			massFirst, massLast, s.Train.SubsetAccuracy, s.Test.SubsetAccuracy)
	}
	t.Logf("loss %.4f -> %.4f, nc1 %.4g -> %.4g, angle %.4g -> %.4g, train softmax mass %.3f -> %.3f, test subset accuracy %.3f",
		first, last, s.History[0].NC1, s.History[len(s.History)-1].NC1, s.History[0].Angle, s.History[len(s.History)-1].Angle,
		massFirst, massLast, s.Test.SubsetAccuracy)
}

// TestETFHeadStaysFrozen: the ETF weights are identical after training, while
// the bias (trainable) moves.
func TestETFHeadStaysFrozen(t *testing.T) {
	b := testBackend(t)
	cfg := tinyConfig("mlp", "etf")
	cfg.Model.FeatureDim = 0 // fix_dim: d = K
	cfg.Epochs = 2
	tr, err := New(b, cfg, tinySet("train", 8, 4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	w0, b0 := tr.Classifier()
	if _, err := tr.Run(nil); err != nil {
		t.Fatal(err)
	}
	w1, b1 := tr.Classifier()
	if !reflect.DeepEqual(w0, w1) {
		t.Errorf("ETF weights changed during training")
	}
	if reflect.DeepEqual(b0, b1) {
		t.Errorf("bias did not move: it must stay trainable")
	}
	if tr.Model.FeatureDim != 3 {
		t.Errorf("ETF head feature dimension %d, want K = 3", tr.Model.FeatureDim)
	}
}

// TestEvaluateSeesCurrentWeights guards against evaluation graphs keeping the
// weights of their first call (ENVIRONMENT.md): features change after a
// weight change.
func TestEvaluateSeesCurrentWeights(t *testing.T) {
	b := testBackend(t)
	tr, err := New(b, tinyConfig("mlp", "learned"), tinySet("train", 2, 1, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	before, err := tr.Evaluate(tr.TrainSet)
	if err != nil {
		t.Fatal(err)
	}
	v := tr.Model.Store.GetVariable("/head/bias")
	bias := tensors.MustCopyFlatData[float32](v.MustValue())
	for i := range bias {
		bias[i] += 1
	}
	v.MustSetValue(tensors.FromFlatDataAndDimensions(bias, len(bias)))
	after, err := tr.Evaluate(tr.TrainSet)
	if err != nil {
		t.Fatal(err)
	}
	for i := range after.Logits {
		if d := after.Logits[i] - before.Logits[i]; math.Abs(float64(d)-1) > 1e-5 {
			t.Fatalf("logit %d moved by %g after adding 1 to the bias", i, d)
		}
	}
}

// TestResumeEqualsUninterrupted: a run stopped after its checkpoint at epoch 2
// and resumed gives the same later history and weights as an uninterrupted run.
func TestResumeEqualsUninterrupted(t *testing.T) {
	b := testBackend(t)
	trainSet := tinySet("train", 8, 4, 1)
	cfg := tinyConfig("smallcnn", "learned")
	cfg.Epochs = 4
	full := cfg
	full.OutDir = t.TempDir()
	a, err := New(b, full, trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := a.Run(nil)
	if err != nil {
		t.Fatal(err)
	}

	// The "killed" run: the same 4-epoch configuration, stopped after epoch 2.
	killed, err := New(b, withOutDir(cfg, t.TempDir()), trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := killed.RunUntil(2, nil); err != nil {
		t.Fatal(err)
	}
	resumed, err := New(b, resumeOf(killed.Config), trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := resumed.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.History, want.History) {
		t.Errorf("resumed history %+v\nuninterrupted   %+v", got.History, want.History)
	}
	wa, ba := a.Classifier()
	wr, br := resumed.Classifier()
	if !reflect.DeepEqual(wa, wr) || !reflect.DeepEqual(ba, br) {
		t.Errorf("classifier after resuming differs from the uninterrupted run's")
	}
	summary, records, err := ReadRun(resumed.OutDir)
	if err != nil {
		t.Fatalf("reading the resumed run directory: %v", err)
	}
	if len(records) != 2 || records[1].Epoch != 4 || !reflect.DeepEqual(summary.History, want.History) {
		t.Errorf("run directory holds %d log records and history %+v, want epochs 2 and 4 as the uninterrupted run", len(records), summary.History)
	}
	for _, f := range []string{"train_features.npy", "train_labels.npy", "train_logits.npy", "classifier_w.npy", "classifier_b.npy"} {
		if _, err := os.Stat(filepath.Join(resumed.OutDir, f)); err != nil {
			t.Errorf("run directory lacks %s: %v", f, err)
		}
	}
}

func withOutDir(cfg Config, dir string) Config { cfg.OutDir = dir; return cfg }
func resumeOf(cfg Config) Config               { cfg.Resume = true; return cfg }

// TestDivergenceStopsAndKeepsCheckpoint: an exploding learning rate after a
// good tracked epoch stops the run with an error naming the last good
// checkpoint, which is still on disk.
func TestDivergenceStopsAndKeepsCheckpoint(t *testing.T) {
	b := testBackend(t)
	cfg := tinyConfig("mlp", "learned")
	cfg.TrackEvery = 1
	cfg.OutDir = t.TempDir()
	tr, err := New(b, cfg, tinySet("train", 8, 4, 1), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.RunUntil(1, nil); err != nil {
		t.Fatal(err)
	}
	tr.LR = 1e30
	_, err = tr.Run(nil)
	if err == nil || !strings.Contains(err.Error(), "diverged at epoch 2") || !strings.Contains(err.Error(), "last good checkpoint (epoch 1)") {
		t.Fatalf("error %v, want a divergence at epoch 2 naming the checkpoint of epoch 1", err)
	}
	entries, _ := os.ReadDir(filepath.Join(cfg.OutDir, "checkpoint"))
	if len(entries) == 0 {
		t.Errorf("no checkpoint left in %s", cfg.OutDir)
	}
}

// TestSeries reads a quantity of the log against the epochs, skipping epochs
// where it was not measured.
func TestSeries(t *testing.T) {
	three := 3.0
	records := []Record{{Epoch: 1, Loss: 2}, {Epoch: 2, Loss: 1, Tracked: Tracked{Metrics: &collapse.JSON{NC2W: &three}}}}
	x, y, err := Series(records, "loss")
	if err != nil || !reflect.DeepEqual(x, []float64{1, 2}) || !reflect.DeepEqual(y, []float64{2, 1}) {
		t.Errorf("loss series %v %v %v", x, y, err)
	}
	x, y, err = Series(records, "nc2_w")
	if err != nil || !reflect.DeepEqual(x, []float64{2}) || !reflect.DeepEqual(y, []float64{3}) {
		t.Errorf("nc2_w series %v %v %v, want only epoch 2", x, y, err)
	}
	if _, _, err := Series(records, "nc9"); err == nil {
		t.Errorf("unknown series name accepted")
	}
}

// TestCrashDuringCheckpointWrite: a run crashed while writing a checkpoint
// leaves a partial temporary file (the atomic writer's), and a writer without
// the rename would have left the newest checkpoint truncated and the log
// ahead of it. Resuming sets the damaged checkpoint aside with a note, falls
// back to the previous one, and ends with weights bit-identical to an
// uninterrupted run's and a log holding each epoch once.
func TestCrashDuringCheckpointWrite(t *testing.T) {
	b := testBackend(t)
	trainSet := tinySet("train", 8, 4, 1)
	cfg := tinyConfig("smallcnn", "learned")
	cfg.Epochs, cfg.TrackEvery = 4, 1
	a, err := New(b, withOutDir(cfg, t.TempDir()), trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Run(nil); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	killed, err := New(b, withOutDir(cfg, dir), trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := killed.RunUntil(3, nil); err != nil {
		t.Fatal(err)
	}
	ckpt := filepath.Join(dir, "checkpoint")
	newest := filepath.Join(ckpt, checkpointName(3))
	full, err := os.ReadFile(newest)
	if err != nil {
		t.Fatal(err)
	}
	// The crash: epoch 4's write cut short, epoch 3's file truncated.
	if err := os.WriteFile(filepath.Join(ckpt, "."+checkpointName(4)+".tmp-1"), full[:len(full)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newest, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	resumed, err := New(b, resumeOf(killed.Config), trainSet, nil)
	if err != nil {
		t.Fatalf("resume after the crash: %v", err)
	}
	notes := strings.Join(resumed.Notes, "; ")
	if !strings.Contains(notes, checkpointName(3)+" is damaged") || !strings.Contains(notes, "resuming after epoch 2") || !strings.Contains(notes, "removed 1 partial checkpoint") {
		t.Errorf("notes %q, want the damaged epoch-3 checkpoint named and a resume after epoch 2", notes)
	}
	if _, err := resumed.Run(nil); err != nil {
		t.Fatal(err)
	}
	wa, ba := a.Classifier()
	wr, br := resumed.Classifier()
	if !reflect.DeepEqual(wa, wr) || !reflect.DeepEqual(ba, br) {
		t.Errorf("classifier after the crash and resume differs from the uninterrupted run's")
	}
	for v := range a.Model.Store.IterVariables() {
		got := tensors.MustCopyFlatData[float32](resumed.Model.Store.GetVariable(v.Path()).MustValue())
		if want := tensors.MustCopyFlatData[float32](v.MustValue()); !reflect.DeepEqual(got, want) {
			t.Errorf("variable %s differs from the uninterrupted run's", v.Path())
		}
	}
	_, records, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	var epochs []int
	for _, r := range records {
		epochs = append(epochs, r.Epoch)
	}
	if !reflect.DeepEqual(epochs, []int{1, 2, 3, 4}) {
		t.Errorf("log epochs %v, want 1 2 3 4 once each", epochs)
	}
}

// TestResumeRefusesChangedSettings: a resume with another model, data or
// seed is refused naming the setting; a changed schedule only with
// AllowScheduleChange.
func TestResumeRefusesChangedSettings(t *testing.T) {
	b := testBackend(t)
	trainSet := tinySet("train", 4, 2, 1)
	cfg := tinyConfig("mlp", "learned")
	cfg.Epochs, cfg.TrackEvery = 2, 1
	cfg.OutDir = t.TempDir()
	tr, err := New(b, cfg, trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.RunUntil(1, nil); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config) *data.Set
		want string
	}{
		{"architecture", func(c *Config) *data.Set { c.Model.Arch = "smallcnn"; return trainSet }, "model.Arch: the run has mlp, now smallcnn"},
		{"feature dim", func(c *Config) *data.Set { c.Model.FeatureDim = 4; return trainSet }, "model.FeatureDim: the run has 8, now 4"},
		{"loss", func(c *Config) *data.Set { c.Loss = "ova"; return trainSet }, "loss: the run has pal, now ova"},
		{"data", func(c *Config) *data.Set { return tinySet("train", 4, 2, 7) }, "train.sha256"},
		{"seed", func(c *Config) *data.Set { c.Seed = 4; return trainSet }, "Seed: the run has 3, now 4"},
		{"epochs", func(c *Config) *data.Set { c.Epochs = 3; return trainSet }, "schedule.epochs: the run has 2, now 3"},
		{"lr", func(c *Config) *data.Set { c.LR = 0.01; return trainSet }, "--allow-schedule-change"},
	} {
		c := resumeOf(cfg)
		set := tc.edit(&c)
		_, err := New(b, c, set, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// Fewer epochs than the checkpoint's, even allowed, is refused, and the
	// checkpoint stays.
	c := resumeOf(cfg)
	c.Epochs, c.TrackEvery, c.AllowScheduleChange = 1, 1, true
	if err := tr.RunUntil(2, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := New(b, c, trainSet, nil); err == nil || !strings.Contains(err.Error(), "at epoch 2, cannot resume a 1-epoch run") {
		t.Errorf("resume at epoch 2 of a 1-epoch run: error %v", err)
	}
	if names, _ := listCheckpoints(filepath.Join(cfg.OutDir, "checkpoint")); len(names) != 2 {
		t.Errorf("checkpoints after a refused resume: %v, want both kept", names)
	}
	c = resumeOf(cfg)
	c.Epochs, c.AllowScheduleChange = 3, true
	r, err := New(b, c, trainSet, nil)
	if err != nil {
		t.Fatalf("allowed schedule change: %v", err)
	}
	if !strings.Contains(strings.Join(r.Notes, ";"), "schedule changed") {
		t.Errorf("notes %q, want the schedule change noted", r.Notes)
	}
}

func TestNotebookRunDir(t *testing.T) {
	t.Setenv("NCLAB_ROOT", "/repo")
	if got, err := NotebookRunDir("04", "quick"); got != "/repo/.cache/notebooks/04/quick" || err != nil {
		t.Errorf("NotebookRunDir with NCLAB_ROOT = %q, %v", got, err)
	}
	t.Setenv("NCLAB_ROOT", "")
	t.Setenv("GONB_DIR", "/repo/notebooks")
	if got, _ := NotebookRunDir("07"); got != "/repo/.cache/notebooks/07" {
		t.Errorf("NotebookRunDir with GONB_DIR = %q", got)
	}
	t.Setenv("GONB_DIR", "")
	if _, err := NotebookRunDir("07"); err == nil {
		t.Error("NotebookRunDir without NCLAB_ROOT or GONB_DIR: no error")
	}
}

// TestRunArraysAreLastTrackedOutputs: the run directory's arrays, which reuse
// the last tracked epoch's outputs, equal a fresh evaluation of the final
// model, and a training step after Track makes outputs evaluate again.
func TestRunArraysAreLastTrackedOutputs(t *testing.T) {
	b := testBackend(t)
	cfg := tinyConfig("mlp", "learned")
	cfg.Epochs, cfg.OutDir = 3, t.TempDir()
	tr, err := New(b, cfg, tinySet("train", 6, 3, 1), tinySet("test", 3, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Run(nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		set  *data.Set
		dim  func(*Outputs) int
		vals func(*Outputs) []float32
	}{
		{"train_features.npy", tr.TrainSet, func(o *Outputs) int { return o.D }, func(o *Outputs) []float32 { return o.Features }},
		{"test_logits.npy", tr.TestSet, func(o *Outputs) int { return o.K }, func(o *Outputs) []float32 { return o.Logits }},
	} {
		fresh, err := tr.Evaluate(c.set)
		if err != nil {
			t.Fatal(err)
		}
		saved, _, err := npyfile.ReadMatrix(filepath.Join(cfg.OutDir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		want := c.vals(fresh)
		for i, v := range want {
			if got := saved.At(i/c.dim(fresh), i%c.dim(fresh)); got != float64(v) {
				t.Fatalf("%s[%d] = %g, a fresh evaluation gives %g", c.file, i, got, v)
			}
		}
	}
	if _, err := tr.Track(); err != nil {
		t.Fatal(err)
	}
	cached, err := tr.outputs(tr.TrainSet)
	if err != nil {
		t.Fatal(err)
	}
	if cached != tr.tracked.train {
		t.Errorf("outputs right after Track did not reuse Track's")
	}
	if _, err := tr.trainStep([]int{0, 1, 2, 3}, 0.05); err != nil {
		t.Fatal(err)
	}
	after, err := tr.outputs(tr.TrainSet)
	if err != nil {
		t.Fatal(err)
	}
	if after == cached {
		t.Errorf("outputs after a training step reused the outputs of the Track before it")
	}
}

// TestRunAllMatchesSequentialRuns: runs side by side (RunAll) give the same
// histories as the same runs one after the other, report every tracked epoch
// with the trainer's index, and a failing run's error is returned.
func TestRunAllMatchesSequentialRuns(t *testing.T) {
	b := testBackend(t)
	trainSet, testSet := tinySet("train", 6, 3, 1), tinySet("test", 3, 1, 2)
	configs := []Config{tinyConfig("mlp", "learned"), tinyConfig("smallcnn", "etf"), tinyConfig("mlp", "etf")}
	configs[2].Seed = 4
	build := func() []*Trainer {
		var ts []*Trainer
		for _, cfg := range configs {
			tr, err := New(b, cfg, trainSet, testSet)
			if err != nil {
				t.Fatal(err)
			}
			ts = append(ts, tr)
		}
		return ts
	}
	var want [][]HistoryEntry
	for _, tr := range build() {
		s, err := tr.Run(nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, s.History)
	}
	tracked := map[int]int{}
	got, err := RunAll(build(), 2, func(i int, r Record) { tracked[i]++ })
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
		if !reflect.DeepEqual(s.History, want[i]) {
			t.Errorf("run %d: history side by side %+v, alone %+v", i, s.History, want[i])
		}
		if tracked[i] != len(want[i]) {
			t.Errorf("run %d: onTrack called %d times, want %d", i, tracked[i], len(want[i]))
		}
	}
	bad := build()
	bad[1].LR = math.Inf(1) // diverges at its first step
	if _, err := RunAll(bad, 2, nil); err == nil || !strings.Contains(err.Error(), "run 2 of 3") {
		t.Errorf("RunAll with a diverging run: error %v, want one naming run 2 of 3", err)
	}
}
