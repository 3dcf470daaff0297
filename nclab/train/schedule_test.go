package train

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestTrackSchedule: the first TrackFirst epochs, every TrackEvery-th and the
// last are tracked, and the run logs exactly those; tracking fewer epochs
// leaves the training numbers as they are; a negative TrackFirst is an error.
func TestTrackSchedule(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want []int
	}{
		{Config{Epochs: 12, TrackEvery: 4, TrackFirst: 3}, []int{1, 2, 3, 4, 8, 12}},
		{Config{Epochs: 7, TrackEvery: 3, TrackFirst: 2}, []int{1, 2, 3, 6, 7}},
		{Config{Epochs: 4}, []int{1, 2, 3, 4}},                                // defaults: every epoch
		{Config{Epochs: 4, TrackEvery: 10, TrackFirst: 9}, []int{1, 2, 3, 4}}, // TrackFirst beyond the run
		{Config{Epochs: 20, TrackEvery: 5, TrackFirst: 5}, []int{1, 2, 3, 4, 5, 10, 15, 20}},
	} {
		if got := tc.cfg.TrackedEpochs(); !slices.Equal(got, tc.want) {
			t.Errorf("%+v tracks %v, want %v", tc.cfg, got, tc.want)
		}
	}
	quick, err := Preset("quick")
	if err != nil {
		t.Fatal(err)
	}
	if got := quick.TrackedEpochs(); !slices.Equal(got, []int{1, 2, 3, 4, 5, 10, 15, 20}) {
		t.Errorf("quick preset tracks %v", got)
	}
	if t2, _ := Table2Config("quick", "resnet18", "etf", 56); !slices.Equal(t2.TrackedEpochs(), []int{Table2Epochs}) {
		t.Errorf("a quick Table 2 run tracks %v, want only its last epoch", t2.TrackedEpochs())
	}

	b := testBackend(t)
	trainSet, testSet := tinySet("train", 6, 3, 1), tinySet("test", 3, 1, 2)
	cfg := tinyConfig("mlp", "learned")
	cfg.Epochs, cfg.TrackEvery, cfg.TrackFirst = 7, 3, 2
	cfg.OutDir = t.TempDir()
	tr, err := New(b, cfg, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	s, err := tr.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, records, err := ReadRun(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	var logged []int
	for _, r := range records {
		logged = append(logged, r.Epoch)
	}
	if !slices.Equal(logged, []int{1, 2, 3, 6, 7}) {
		t.Errorf("log.jsonl holds epochs %v, want 1 2 3 6 7", logged)
	}
	settings, err := readSettings(filepath.Join(cfg.OutDir, ConfigFile))
	if err != nil || settings.Schedule.TrackFirst != 2 {
		t.Errorf("config.json schedule %+v (%v), want track_first 2", settings, err)
	}

	// Tracked only at the end: the same last epoch.
	sparse := cfg
	sparse.OutDir, sparse.TrackEvery, sparse.TrackFirst = "", 7, 0
	tr2, err := New(b, sparse, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := tr2.Run(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s2.History) != 1 || !reflect.DeepEqual(s2.History[0], s.History[len(s.History)-1]) || !reflect.DeepEqual(s2.Metrics, s.Metrics) {
		t.Errorf("tracked once: %+v, tracked five times, last: %+v", s2.History, s.History[len(s.History)-1])
	}

	bad := tinyConfig("mlp", "learned")
	bad.TrackFirst = -1
	if _, err := New(b, bad, trainSet, nil); err == nil || !strings.Contains(err.Error(), "track the first -1 epochs, want >= 0") {
		t.Errorf("TrackFirst -1: error %v", err)
	}
}

// TestTrackFirstResume: a run without TrackFirst writes config.json as runs
// did before it existed (no track_first key), so those runs resume; a changed
// TrackFirst is a schedule change, refused unless allowed.
func TestTrackFirstResume(t *testing.T) {
	b := testBackend(t)
	trainSet := tinySet("train", 4, 2, 1)
	cfg := tinyConfig("mlp", "learned")
	cfg.Epochs, cfg.TrackEvery = 3, 1
	cfg.OutDir = t.TempDir()
	tr, err := New(b, cfg, trainSet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.RunUntil(1, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(cfg.OutDir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "track_first") {
		t.Errorf("config.json of a run without TrackFirst names it:\n%s", raw)
	}
	if _, err := New(b, resumeOf(cfg), trainSet, nil); err != nil {
		t.Errorf("resuming a run without track_first: %v", err)
	}
	changed := resumeOf(cfg)
	changed.TrackFirst = 2
	if _, err := New(b, changed, trainSet, nil); err == nil || !strings.Contains(err.Error(), "schedule.track_first: the run has 0, now 2") {
		t.Errorf("resume with another TrackFirst: error %v", err)
	}
	changed.AllowScheduleChange = true
	if _, err := New(b, changed, trainSet, nil); err != nil {
		t.Errorf("allowed TrackFirst change: %v", err)
	}
}

// TestEvaluateIndependentOfBatchSize: feature extraction gives the same
// outputs whatever its batch size (batch norm in evaluation mode is per
// sample), up to float32 rounding: the matrix kernels sum very small batches
// in another order (the notebooks' networks on the quick data give the same
// bits at batch 32 to 256). EvalBatchSize is a speed setting.
func TestEvaluateIndependentOfBatchSize(t *testing.T) {
	b := testBackend(t)
	trainSet := tinySet("train", 6, 3, 1)
	var want *Outputs
	for _, bs := range []int{0, 1, 5, 256} {
		cfg := tinyConfig("smallcnn", "learned")
		cfg.EvalBatchSize = bs
		tr, err := New(b, cfg, trainSet, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.RunUntil(1, nil); err != nil {
			t.Fatal(err)
		}
		out, err := tr.Evaluate(trainSet)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = out
			continue
		}
		for name, v := range map[string][2][]float32{"features": {out.Features, want.Features}, "logits": {out.Logits, want.Logits}} {
			for i := range v[1] {
				if d := math.Abs(float64(v[0][i] - v[1][i])); d > 1e-5*math.Max(1, math.Abs(float64(v[1][i]))) {
					t.Fatalf("eval batch %d: %s[%d] = %g, at the default batch %g", bs, name, i, v[0][i], v[1][i])
				}
			}
		}
	}
}
