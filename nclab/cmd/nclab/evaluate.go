package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"text/tabwriter"

	"github.com/nclab/nclab/nclab/multilabel"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(command{name: "evaluate", summary: "multi-label scores (F1, subset accuracy, Hamming, Jaccard, softmax mass) of predictions (.npy)", run: runEvaluate})
}

func runEvaluate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	truthPath := fs.String("truth", "", "N x K true multi-hot labels (.npy, 0/1 of any dtype; no empty row)")
	predPath := fs.String("pred", "", "N x K predicted multi-hot labels (.npy, 0/1 of any dtype; empty rows allowed)")
	logitsPath := fs.String("logits", "", "N x K logits (.npy), optional: adds the softmax mass on the true set")
	asJSON := fs.Bool("json", false, "print the scores as one JSON object")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if *truthPath == "" || *predPath == "" {
		return usagef("--truth and --pred are required")
	}
	truth, k, err := readLabelSets(*truthPath, "truth", false)
	if err != nil {
		return err
	}
	pred, kp, err := readLabelSets(*predPath, "pred", true)
	if err != nil {
		return err
	}
	if len(pred) != len(truth) || kp != k {
		return fmt.Errorf("truth %s is %d x %d but pred %s is %d x %d", *truthPath, len(truth), k, *predPath, len(pred), kp)
	}
	var logits *mat.Dense
	if *logitsPath != "" {
		if logits, err = readFiniteMatrix(*logitsPath, "logits"); err != nil {
			return err
		}
		if r, c := logits.Dims(); r != len(truth) || c != k {
			return fmt.Errorf("logits %s is %d x %d, want N x K = %d x %d", *logitsPath, r, c, len(truth), k)
		}
	}
	report, err := multilabel.Evaluate(truth, pred, k, logits)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(report.JSON())
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "multiplicity\tn\tF1 samples\tF1 micro\tF1 macro\tsubset acc.\tHamming\tJaccard\tsoftmax mass\t")
	row := func(name string, s *multilabel.Scores) {
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t\n", name, s.N, s.F1Samples, s.F1Micro, s.F1Macro,
			s.SubsetAccuracy, s.HammingLoss, s.JaccardSamples, number(finitePtr(s.SoftmaxMassIoU)))
	}
	for _, m := range sortedKeys(report.ByMultiplicity) {
		row(fmt.Sprint(m), report.ByMultiplicity[m])
	}
	row("all", &report.Scores)
	return tw.Flush()
}

// finitePtr is nil for NaN and ±Inf, for printing "-".
func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// sortedKeys lists a map's integer keys in increasing order.
func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	return keys
}
