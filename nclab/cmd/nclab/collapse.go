package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(command{name: "collapse", summary: "every neural-collapse metric of your own features (.npy), optionally with the classifier", run: runCollapse})
}

func runCollapse(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("collapse", flag.ContinueOnError)
	fs.SetOutput(stdout)
	featuresPath := fs.String("features", "", "N x d features (.npy, float32 or float64)")
	labelsPath := fs.String("labels", "", "N x K multi-hot labels (.npy, 0/1 of any dtype)")
	weightsPath := fs.String("weights", "", "K x d classifier W (.npy), optional")
	biasPath := fs.String("bias", "", "K classifier bias b (.npy), optional, needs --weights")
	asJSON := fs.Bool("json", false, "print the metrics as one JSON object")
	reference := fs.Bool("reference-code", false, "reproduce the reference code's quirks (its global mean, uncentred NC2 on means, unclipped arccos)")
	rtol := fs.Float64("pinv-rtol", collapse.DefaultPinvRTol, "relative eigenvalue tolerance of pinv(Sigma_B)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *featuresPath == "" || *labelsPath == "" {
		return errors.New("--features and --labels are required")
	}
	if *biasPath != "" && *weightsPath == "" {
		return errors.New("--bias needs --weights")
	}
	if *rtol <= 0 || *rtol >= 1 {
		return fmt.Errorf("--pinv-rtol %g, want 0 < rtol < 1", *rtol)
	}
	features, err := readFiniteMatrix(*featuresPath, "features")
	if err != nil {
		return err
	}
	sets, k, err := readLabelSets(*labelsPath, "labels", false)
	if err != nil {
		return err
	}
	n, d := features.Dims()
	if len(sets) != n {
		return fmt.Errorf("features %s has %d rows but labels %s has %d", *featuresPath, n, *labelsPath, len(sets))
	}
	var w *mat.Dense
	var b []float64
	if *weightsPath != "" {
		if w, err = readFiniteMatrix(*weightsPath, "weights"); err != nil {
			return err
		}
		if r, c := w.Dims(); r != k || c != d {
			return fmt.Errorf("weights %s is %d x %d, want K x d = %d x %d (K from the labels' columns, d from the features')", *weightsPath, r, c, k, d)
		}
	}
	if *biasPath != "" {
		if b, err = npyfile.ReadVector(*biasPath); err != nil {
			return err
		}
		if len(b) != k {
			return fmt.Errorf("bias %s has %d entries, want K = %d", *biasPath, len(b), k)
		}
	}
	met, err := collapse.Compute(k, features, sets, w, b, &collapse.Options{PinvRTol: *rtol, ReferenceCode: *reference})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(met.JSON())
	}
	printCollapse(stdout, met)
	return nil
}

func printCollapse(stdout io.Writer, met *collapse.Metrics) {
	j := met.JSON()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "samples\t%d (K = %d, d = %d, %s)\n", j.N, j.K, j.D, j.Variant)
	fmt.Fprintf(tw, "NC1\t%s\n", number(j.NC1))
	for _, m := range sortedKeys(met.NCm) {
		fmt.Fprintf(tw, "NC_%d\t%s\n", m, number(finitePtr(met.NCm[m])))
	}
	fmt.Fprintf(tw, "NC2 (W)\t%s\n", number(j.NC2W))
	fmt.Fprintf(tw, "NC2 (centred means)\t%s\n", number(j.NC2H))
	fmt.Fprintf(tw, "NC3 (Zhu, W M^T)\t%s\n", number(j.NC3))
	fmt.Fprintf(tw, "NC3 (Papyan)\t%s\n", number(j.NC3Papyan))
	fmt.Fprintf(tw, "NCC agreement\t%s\n", number(j.NCCAgreement))
	for _, m := range sortedKeys(met.Angle) {
		fmt.Fprintf(tw, "angle ratio m=%d\t%s (%.3g° / %.3g°)\n", m, number(finitePtr(met.Angle[m])), met.AngleMatched[m], met.AngleAll[m])
		for _, count := range sortedKeys(met.AngleByCount[m]) {
			fmt.Fprintf(tw, "  sets with %d samples\t%s\n", count, number(finitePtr(met.AngleByCount[m][count])))
		}
	}
	if j.Subspace != nil {
		fmt.Fprintf(tw, "rank of W\t%d of d = %d\n", j.WRank, j.D)
		fmt.Fprintf(tw, "null-space energy\t%s\n", number(j.NullEnergy))
		fmt.Fprintf(tw, "NC1 in W's row space\t%s\n", number(j.NC1Row))
		for _, m := range sortedKeys(met.AngleRow) {
			fmt.Fprintf(tw, "angle ratio m=%d row / null space\t%s / %s\n", m, number(finitePtr(met.AngleRow[m])), number(finitePtr(met.AngleNull[m])))
		}
	}
	for _, m := range sortedKeys(met.Gamma) {
		fmt.Fprintf(tw, "gamma_%d\t%s\n", m, number(finitePtr(met.Gamma[m])))
	}
	for _, note := range met.Notes {
		fmt.Fprintf(tw, "note\t%s\n", note)
	}
	tw.Flush()
}

func number(v *float64) string {
	if v == nil {
		return "-"
	}
	return strings.TrimSpace(fmt.Sprintf("%.6g", *v))
}
