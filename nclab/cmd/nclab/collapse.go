package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/nclab/nclab/nclab"
	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
	"gonum.org/v1/gonum/mat"
)

func init() {
	register(command{name: "collapse", summary: "every neural-collapse metric of your own features (.npy), optionally with the classifier", run: runCollapse})
}

// collapseGCPercent is nclab collapse's garbage-collection target (GOGC) unless the
// GOGC environment variable sets one.
const collapseGCPercent = 25

func runCollapse(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("collapse", flag.ContinueOnError)
	fs.SetOutput(stdout)
	featuresPath := fs.String("features", "", "N x d features (.npy, float16/32/64), streamed in chunks")
	labelsPath := fs.String("labels", "", "N x K multi-hot labels (.npy, 0/1 of any dtype) or an N-vector of integer class indices (single-label)")
	weightsPath := fs.String("weights", "", "K x d classifier W (.npy), optional")
	biasPath := fs.String("bias", "", "K classifier bias b (.npy), optional, needs --weights")
	asJSON := fs.Bool("json", false, "print the metrics as one JSON object")
	reference := fs.Bool("reference-code", false, "reproduce the reference code's quirks (its global mean, uncentred NC2 on means, unclipped arccos)")
	rtol := fs.Float64("pinv-rtol", collapse.DefaultPinvRTol, "relative eigenvalue tolerance of pinv(Sigma_B)")
	exact := fs.Bool("float64", false, "every product in float64 with gonum (slower on large inputs; by default large products run in float32 on GoMLX's SIMD backend)")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if *featuresPath == "" || *labelsPath == "" {
		return usagef("--features and --labels are required")
	}
	if *biasPath != "" && *weightsPath == "" {
		return usagef("--bias needs --weights")
	}
	if !(*rtol > 0 && *rtol < 1) { // NaN too
		return usagef("--pinv-rtol %g, want 0 < rtol < 1", *rtol)
	}
	if os.Getenv("GOGC") == "" {
		// The metrics after the scan run beside the agreement scan, and at Go's default
		// GOGC the heap then peaks at twice their 0.5 GB live set (K = 1,000,
		// d = 2,048). A quarter keeps the peak RSS near 0.75 GB, whatever N, for a few
		// per cent of CPU (bench/collapse_scale.sh).
		debug.SetGCPercent(collapseGCPercent)
	}
	rows, err := featureRows(*featuresPath)
	if err != nil {
		return err
	}
	sets, k, err := labelset.ReadNPY(*labelsPath)
	if err != nil {
		return err
	}
	if len(sets) != rows {
		return fmt.Errorf("features %s has %d rows but labels %s has %d", *featuresPath, rows, *labelsPath, len(sets))
	}
	src, err := collapse.OpenNPY(*featuresPath, sets)
	if err != nil {
		return err
	}
	var w *mat.Dense
	var b []float64
	if *weightsPath != "" {
		if w, err = readFiniteMatrix(*weightsPath, "weights"); err != nil {
			return err
		}
		if r, c := w.Dims(); r != k || c != src.D {
			return fmt.Errorf("weights %s is %d x %d, want K x d = %d x %d (K from the labels, d from the features' columns)", *weightsPath, r, c, k, src.D)
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
	opts := &collapse.Options{PinvRTol: *rtol, ReferenceCode: *reference}
	if !*exact {
		mm, err := newMatMul()
		if err != nil {
			return err
		}
		defer mm.close()
		opts.MatMul, opts.MatMul64 = mm.mul, mm.mul64
	}
	met, err := collapse.ComputeSource(k, src.D, src, w, b, opts)
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

// matMul is collapse.Options.MatMul and MatMul64 on the GoMLX backend of nclab.NewBackend (the
// pure-Go one, with its AVX2/AVX-512 kernels, unless GOMLX_BACKEND names another).
type matMul struct {
	backend compute.Backend
	exec    *graph.Exec
}

func newMatMul() (*matMul, error) {
	backend, err := nclab.NewBackend()
	if err != nil {
		return nil, err
	}
	exec, err := graph.NewExec(backend, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.Einsum("nd,dq->nq", in[0], in[1])}
	})
	if err != nil {
		return nil, fmt.Errorf("collapse: building the matmul graph: %w", err)
	}
	return &matMul{backend: backend, exec: exec}, nil
}

func (m *matMul) mul(x []float32, rows, d int, v []float32, q int, out []float32) error {
	return product(m, x, rows, d, v, q, out)
}

func (m *matMul) mul64(x []float64, rows, d int, v []float64, q int, out []float64) error {
	return product(m, x, rows, d, v, q, out)
}

// product runs m.exec (compiled once per dtype and shape) on x (rows x d) and v (d x q).
func product[T float32 | float64](m *matMul, x []T, rows, d int, v []T, q int, out []T) error {
	xt, err := deviceTensor(m.backend, x, rows, d)
	if err != nil {
		return err
	}
	defer xt.MustFinalizeAll()
	vt, err := deviceTensor(m.backend, v, d, q)
	if err != nil {
		return err
	}
	defer vt.MustFinalizeAll()
	outs, err := m.exec.Exec(xt, vt)
	if err != nil {
		return err
	}
	defer outs[0].MustFinalizeAll()
	tensors.MustConstFlatData(outs[0], func(p []T) { copy(out, p) })
	return nil
}

// deviceTensor returns a tensor of flat's values (rows x cols) for the backend: written
// straight into a buffer the backend shares with the host when it has them (the pure-Go
// backend does), which saves the two copies of tensors.FromFlatDataAndDimensions and its
// transfer to the device (about 8 % of nclab collapse's CPU time at K = 1,000,
// d = 2,048).
func deviceTensor[T float32 | float64](backend compute.Backend, flat []T, rows, cols int) (*tensors.Tensor, error) {
	if !backend.HasSharedBuffers() {
		return tensors.FromFlatDataAndDimensions(flat[:rows*cols], rows, cols), nil
	}
	buffer, shared, err := backend.NewSharedBuffer(0, shapes.Make(dtypes.FromGenericsType[T](), rows, cols))
	if err != nil {
		return nil, err
	}
	copy(shared.([]T), flat[:rows*cols])
	return tensors.FromBuffer(buffer)
}

func (m *matMul) close() { m.exec.Finalize() }

// featureRows checks the features file and returns its number of rows.
func featureRows(path string) (int, error) {
	r, err := npyfile.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	if len(r.Shape) != 2 {
		return 0, fmt.Errorf("features %s: shape %v, want a 2-D array", path, r.Shape)
	}
	if r.Rows == 0 || r.Cols == 0 {
		return 0, fmt.Errorf("features %s: empty array of shape %v", path, r.Shape)
	}
	return r.Rows, nil
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
	fmt.Fprintf(tw, "CDNV\t%s\n", number(j.CDNV))
	fmt.Fprintf(tw, "NC2 uniformity (log kernel)\tmean %s, std %s\n", number(j.NC2Uniformity.Mean), number(j.NC2Uniformity.Std))
	fmt.Fprintf(tw, "NC3 uniform duality CV\t%s\n", number(j.NC3UniformityCV))
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
