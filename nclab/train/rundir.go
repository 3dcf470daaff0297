package train

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/decode"
	"github.com/nclab/nclab/nclab/models"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

// Summary is the final result of a run: the object `nclab train --json`
// prints last and the run directory's summary.json.
type Summary struct {
	Epochs  int                    `json:"epochs"`
	Arch    string                 `json:"arch"`
	Head    string                 `json:"head"`
	Loss    string                 `json:"loss"`
	Dataset string                 `json:"dataset"`
	Train   *multilabel.ReportJSON `json:"train,omitempty"`   // multi-label metrics on the training set (keys of nclab evaluate)
	Test    *multilabel.ReportJSON `json:"test,omitempty"`    // the same on the test set
	Metrics *collapse.JSON         `json:"metrics,omitempty"` // collapse metrics on the training features (keys of nclab collapse)
	History []HistoryEntry         `json:"history"`

	TrainableParameters int     `json:"trainable_parameters"`
	Seconds             float64 `json:"seconds"`
}

// HistoryEntry is one tracked epoch in Summary.History: with the subspace
// split of METHOD.md §5 (keys of nclab collapse --json) when it was measured.
type HistoryEntry struct {
	Epoch      int                 `json:"epoch"`
	Loss       float64             `json:"loss"`
	NC1        float64             `json:"nc1"`
	Angle      float64             `json:"angle"`
	AngleRow   map[string]*float64 `json:"angle_row,omitempty"`
	NullEnergy *float64            `json:"null_energy,omitempty"`
}

func (r Record) finite() bool {
	for _, v := range []float64{r.Loss, r.NC1} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// File names inside a run directory.
const (
	SummaryFile = "summary.json" // Summary, written at the end
	LogFile     = "log.jsonl"    // one Record per tracked epoch, each epoch once
	ConfigFile  = "config.json"  // Settings, written at the start; checked by Resume
)

// saveProgress rewrites log.jsonl with the history and saves a checkpoint
// (both to a temporary name, then renamed).
func (t *Trainer) saveProgress(rec Record) error {
	if t.OutDir == "" {
		return nil
	}
	if err := writeLog(t.logPath(), t.History); err != nil {
		return err
	}
	if err := saveCheckpoint(t.Model.Store, t.checkpointDir(), rec.Epoch); err != nil {
		return fmt.Errorf("train: saving the checkpoint of epoch %d: %w", rec.Epoch, err)
	}
	return nil
}

// writeLog writes records as log.jsonl, one JSON line each.
func writeLog(path string, records []Record) error {
	var b []byte
	for _, r := range records {
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("train: encoding the log line of epoch %d: %w", r.Epoch, err)
		}
		b = append(append(b, line...), '\n')
	}
	return writeFileAtomic(path, b)
}

// readLog reads the records of epochs <= upTo from a run's log.jsonl (none when
// the file is missing): a run killed after its last checkpoint logged later
// epochs, which it will run again. An epoch logged twice is an error.
func readLog(path string, upTo int) ([]Record, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	var records []Record
	err = scanLog(f, path, func(r Record) {
		if r.Epoch <= upTo {
			records = append(records, r)
		}
	})
	return records, err
}

// finish builds the summary and, with OutDir, writes summary.json and the arrays.
func (t *Trainer) finish() (*Summary, error) {
	s := &Summary{Epochs: t.Epochs, Arch: t.Model.Arch, Head: t.Model.Head, Loss: t.Loss, Dataset: t.TrainSet.Name,
		TrainableParameters: t.Model.TrainableParameters(), History: []HistoryEntry{}}
	for _, r := range t.History {
		e := HistoryEntry{Epoch: r.Epoch, Loss: r.Loss, NC1: r.NC1, Angle: r.Angle}
		if r.Metrics != nil && r.Metrics.Subspace != nil {
			e.AngleRow, e.NullEnergy = r.Metrics.AngleRow, r.Metrics.NullEnergy
		}
		s.History = append(s.History, e)
	}
	if n := len(t.History); n > 0 {
		last := t.History[n-1]
		s.Train, s.Test, s.Metrics, s.Seconds = last.Train, last.Test, last.Metrics, last.Seconds
	}
	if t.OutDir == "" {
		return s, nil
	}
	if err := t.writeArrays(); err != nil {
		return nil, err
	}
	if err := writeJSONAtomic(filepath.Join(t.OutDir, SummaryFile), s); err != nil {
		return nil, err
	}
	return s, nil
}

// writeJSONAtomic writes v as indented JSON to path (temporary name, renamed).
func writeJSONAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("train: encoding %s: %w", filepath.Base(path), err)
	}
	return writeFileAtomic(path, append(b, '\n'))
}

// Settings are what a run was trained with, in its config.json: the model
// (resolved: K, input shape, feature dimension, seed), the loss, the data
// (by name, size and SHA-256) and the schedule. Resume compares them.
type Settings struct {
	Model    models.Config `json:"model"`
	Loss     string        `json:"loss"`
	Seed     int64         `json:"seed"`
	Train    DataID        `json:"train"`
	Test     *DataID       `json:"test,omitempty"`
	Schedule Schedule      `json:"schedule"`
}

// DataID identifies a data set: its name, number of samples and data.Set.SHA256.
type DataID struct {
	Name    string `json:"name"`
	Samples int    `json:"samples"`
	SHA256  string `json:"sha256"`
}

// Schedule is the part of Settings that Config.AllowScheduleChange lets a
// resumed run change.
type Schedule struct {
	Epochs         int     `json:"epochs"`
	BatchSize      int     `json:"batch_size"`
	LR             float64 `json:"lr"`
	Momentum       float64 `json:"momentum"`
	WeightDecay    float64 `json:"weight_decay"`
	FeaturePenalty float64 `json:"feature_penalty"`
	TrackEvery     int     `json:"track_every"`
	TrackFirst     int     `json:"track_first,omitempty"` // absent in runs from before it existed: 0
}

func dataID(s *data.Set) *DataID {
	if s == nil {
		return nil
	}
	return &DataID{Name: s.Name, Samples: s.Len(), SHA256: s.SHA256()}
}

func (t *Trainer) settings() *Settings {
	return &Settings{Model: t.Model.Config, Loss: t.Loss, Seed: t.Seed, Train: *dataID(t.TrainSet), Test: dataID(t.TestSet),
		Schedule: Schedule{Epochs: t.Epochs, BatchSize: t.BatchSize, LR: t.LR, Momentum: t.Momentum, WeightDecay: t.WeightDecay,
			FeaturePenalty: t.FeaturePenalty, TrackEvery: t.TrackEvery, TrackFirst: t.TrackFirst}}
}

func readSettings(path string) (*Settings, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: cannot check what the run was trained with: %w", err)
	}
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("train: %s: %w", path, err)
	}
	return &s, nil
}

// check compares the settings of a run (s) with those of a run resuming it,
// naming the first that differs.
func (s *Settings) check(now *Settings, allowSchedule bool) error {
	diff := Differences(s, now)
	for _, d := range diff {
		if allowSchedule && strings.HasPrefix(d, "schedule.") {
			continue
		}
		hint := "give the run's settings, or another output folder"
		if strings.HasPrefix(d, "schedule.") {
			hint += "; or allow a changed schedule explicitly (--allow-schedule-change)"
		}
		return fmt.Errorf("train: cannot resume: %s (%s)", d, hint)
	}
	return nil
}

// Differences lists the settings in which b differs from a, each as
// "name: a's value, now b's", with dotted names of the JSON keys
// ("model.Arch", "train.sha256", "schedule.epochs").
func Differences(a, b *Settings) []string {
	var out []string
	walkDiff("", reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem(), &out)
	return out
}

func walkDiff(prefix string, a, b reflect.Value, out *[]string) {
	if a.Kind() == reflect.Pointer {
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: the run has %s, now %s", strings.TrimSuffix(prefix, "."), presence(a), presence(b)))
			}
			return
		}
		a, b = a.Elem(), b.Elem()
	}
	if a.Kind() != reflect.Struct {
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: the run has %v, now %v", strings.TrimSuffix(prefix, "."), a.Interface(), b.Interface()))
		}
		return
	}
	for i := range a.NumField() {
		f := a.Type().Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		walkDiff(prefix+name+".", a.Field(i), b.Field(i), out)
	}
}

func presence(v reflect.Value) string {
	if v.IsNil() {
		return "none"
	}
	return "one"
}

// writeArrays writes the run directory's .npy files (the contract read by
// `nclab decode --run`): features, multi-hot labels and logits of both sets
// (those of the last tracked epoch, which is the last epoch), and the
// classifier W (K x d) and b (K).
func (t *Trainer) writeArrays() error {
	sets := []struct {
		name string
		set  *data.Set
	}{{"train", t.TrainSet}, {"test", t.TestSet}}
	for _, s := range sets {
		if s.set == nil {
			continue
		}
		out, err := t.outputs(s.set)
		if err != nil {
			return err
		}
		if err := writeNpy(t, s.name+"_features.npy", []int{out.N, out.D}, out.Features); err != nil {
			return err
		}
		if err := writeNpy(t, s.name+"_logits.npy", []int{out.N, out.K}, out.Logits); err != nil {
			return err
		}
		if err := writeNpy(t, s.name+"_labels.npy", []int{out.N, out.K}, s.set.MultiHotBytes()); err != nil {
			return err
		}
	}
	w, b := t.Classifier()
	if err := writeNpy(t, "classifier_w.npy", []int{t.Model.K, t.Model.FeatureDim}, w); err != nil {
		return err
	}
	return writeNpy(t, "classifier_b.npy", []int{t.Model.K}, b)
}

// writeNpy writes one array of the run directory (temporary name, renamed).
func writeNpy[T npyfile.Element](t *Trainer, name string, shape []int, data []T) error {
	return writeAtomic(filepath.Join(t.OutDir, name), func(tmp string) error { return npyfile.Write(tmp, shape, data) })
}

// RunDir is a run directory read back (OpenRun): the one reader of what
// `nclab train --out DIR` (a Trainer with OutDir) writes, used by package
// tables, `nclab decode` and the notebooks.
type RunDir struct {
	Dir      string
	Summary  *Summary  // summary.json
	Records  []Record  // log.jsonl: every tracked epoch, with all its metrics
	Settings *Settings // config.json; nil for a run written before nclab recorded it
}

// OpenRun reads a finished run directory: summary.json and log.jsonl (both
// required) and config.json (when present). Any read or decode error is
// returned, naming the file.
func OpenRun(dir string) (*RunDir, error) {
	r := &RunDir{Dir: dir, Summary: &Summary{}}
	path := filepath.Join(dir, SummaryFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", dir, err)
	}
	if err := json.Unmarshal(b, r.Summary); err != nil {
		return nil, fmt.Errorf("train: %s: %w", path, err)
	}
	path = filepath.Join(dir, LogFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", dir, err)
	}
	defer f.Close()
	if err := scanLog(f, path, func(rec Record) { r.Records = append(r.Records, rec) }); err != nil {
		return nil, err
	}
	path = filepath.Join(dir, ConfigFile)
	if _, err := os.Stat(path); err == nil {
		if r.Settings, err = readSettings(path); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// ReadRun reads a run directory's summary.json and log.jsonl (OpenRun).
func ReadRun(dir string) (*Summary, []Record, error) {
	r, err := OpenRun(dir)
	if err != nil {
		return nil, nil, err
	}
	return r.Summary, r.Records, nil
}

// Arrays reads the run's features and labels (decode.ReadRun on the directory).
func (r *RunDir) Arrays() (*decode.Run, error) { return decode.ReadRun(r.Dir) }

// TestLogits reads test_logits.npy (N x K).
func (r *RunDir) TestLogits() (*mat.Dense, error) {
	m, _, err := npyfile.ReadMatrix(filepath.Join(r.Dir, "test_logits.npy"))
	if err != nil {
		return nil, fmt.Errorf("train: run %s: %w", r.Dir, err)
	}
	return m, nil
}

// DatasetName is the training set's name without its split suffix
// ("mnist-mlab/quick/c10-S").
func (r *RunDir) DatasetName() string { return strings.TrimSuffix(r.Summary.Dataset, "/train") }

// Name names the run in a table: DatasetName, the architecture and a
// non-learned head ("mnist-mlab/quick, smallcnn (etf head)").
func (r *RunDir) Name() string {
	name := r.DatasetName()
	if r.Summary.Arch != "" {
		name += ", " + r.Summary.Arch
	}
	if h := r.Summary.Head; h != "" && h != "learned" {
		name += " (" + h + " head)"
	}
	return name
}

// scanLog decodes each line of a log.jsonl (read from rd, named path in errors)
// and passes the record to visit; an epoch logged twice, or out of order, is
// an error.
func scanLog(rd io.Reader, path string, visit func(rec Record)) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	last := 0
	for line := 1; sc.Scan(); line++ {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("train: %s:%d: %w", path, line, err)
		}
		if rec.Epoch <= last {
			return fmt.Errorf("train: %s:%d: epoch %d after epoch %d (each epoch is logged once, in order)", path, line, rec.Epoch, last)
		}
		last = rec.Epoch
		visit(rec)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("train: %s: %w", path, err)
	}
	return nil
}
