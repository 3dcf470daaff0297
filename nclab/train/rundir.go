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

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/multilabel"
	"github.com/nclab/nclab/nclab/npyfile"
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

// saveProgress appends rec to log.jsonl and saves a checkpoint.
func (t *Trainer) saveProgress(rec Record) error {
	if t.OutDir == "" {
		return nil
	}
	line, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("train: encoding the log line of epoch %d: %w", rec.Epoch, err)
	}
	f, err := os.OpenFile(filepath.Join(t.OutDir, "log.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("train: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	t.Model.Store.SetParam(epochParam, rec.Epoch)
	if err := t.checkpoints.Save(); err != nil {
		return fmt.Errorf("train: saving the checkpoint of epoch %d: %w", rec.Epoch, err)
	}
	return nil
}

// readLog reads the records of epochs <= upTo from a run's log.jsonl, and
// rewrites the file without later lines (from a run killed after its last
// checkpoint).
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
	var kept []byte
	err = scanLog(f, path, func(r Record, raw []byte) {
		if r.Epoch <= upTo {
			records = append(records, r)
			kept = append(append(kept, raw...), '\n')
		}
	})
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, kept, 0o644); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return records, nil
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
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("train: encoding the summary: %w", err)
	}
	if err := os.WriteFile(filepath.Join(t.OutDir, "summary.json"), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	return s, nil
}

// writeArrays writes the run directory's .npy files (the contract read by
// `nclab decode --run`): features, multi-hot labels and logits of both sets,
// and the classifier W (K x d) and b (K).
func (t *Trainer) writeArrays() error {
	sets := []struct {
		name string
		set  *data.Set
	}{{"train", t.TrainSet}, {"test", t.TestSet}}
	for _, s := range sets {
		if s.set == nil {
			continue
		}
		out, err := t.Evaluate(s.set)
		if err != nil {
			return err
		}
		files := []struct {
			file string
			err  error
		}{
			{s.name + "_features.npy", npyfile.Write(filepath.Join(t.OutDir, s.name+"_features.npy"), []int{out.N, out.D}, out.Features)},
			{s.name + "_logits.npy", npyfile.Write(filepath.Join(t.OutDir, s.name+"_logits.npy"), []int{out.N, out.K}, out.Logits)},
			{s.name + "_labels.npy", npyfile.Write(filepath.Join(t.OutDir, s.name+"_labels.npy"), []int{out.N, out.K}, s.set.MultiHotBytes())},
		}
		for _, f := range files {
			if f.err != nil {
				return fmt.Errorf("train: writing %s: %w", f.file, f.err)
			}
		}
	}
	w, b := t.Classifier()
	if err := npyfile.Write(filepath.Join(t.OutDir, "classifier_w.npy"), []int{t.Model.K, t.Model.FeatureDim}, w); err != nil {
		return fmt.Errorf("train: writing classifier_w.npy: %w", err)
	}
	if err := npyfile.Write(filepath.Join(t.OutDir, "classifier_b.npy"), []int{t.Model.K}, b); err != nil {
		return fmt.Errorf("train: writing classifier_b.npy: %w", err)
	}
	return nil
}

// ReadRun reads a run directory's summary.json and log.jsonl (the per-epoch
// records, with every collapse and multi-label metric).
func ReadRun(dir string) (*Summary, []Record, error) {
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, nil, fmt.Errorf("train: %s: %w", filepath.Join(dir, "summary.json"), err)
	}
	path := filepath.Join(dir, "log.jsonl")
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	defer f.Close()
	var records []Record
	if err := scanLog(f, path, func(r Record, _ []byte) { records = append(records, r) }); err != nil {
		return nil, nil, err
	}
	return &s, records, nil
}

// scanLog decodes each line of a log.jsonl (read from r, named path in errors) and
// passes the record and its raw line to visit.
func scanLog(r io.Reader, path string, visit func(rec Record, raw []byte)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for line := 1; sc.Scan(); line++ {
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("train: %s:%d: %w", path, line, err)
		}
		visit(rec, sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("train: %s: %w", path, err)
	}
	return nil
}
