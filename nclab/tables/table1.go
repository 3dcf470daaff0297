package tables

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
)

// Scores are the two accuracy figures of Table 1 for one group of test samples.
type Scores struct {
	F1             float64 `json:"f1"`              // sample-averaged F1, in [0, 1]
	SubsetAccuracy float64 `json:"subset_accuracy"` // exact-match accuracy, in [0, 1]
	Samples        int     `json:"samples"`         // test samples in the group
}

// Table1Row is one decoder on one dataset variant.
type Table1Row struct {
	Dataset string `json:"dataset"` // e.g. "M-lab MNIST (S)"
	Method  string `json:"method"`  // e.g. "OvA", "OvA (tuned t = 0.35)", "ONN"
	Overall Scores `json:"overall"`
	// ByMultiplicity groups the test samples by the multiplicity of their true set.
	ByMultiplicity map[int]Scores `json:"by_multiplicity"`
	// GFLOPs is the analytic cost of prediction on the whole test set, including any
	// training the method needs on top of the frozen features (decode.FLOPs.Total / 1e9).
	GFLOPs float64 `json:"gflops"`
}

// Table1 is the decoder comparison of the paper's Table 1.
type Table1 struct {
	Title string      `json:"title"`
	Rows  []Table1Row `json:"rows"`
}

// multiplicities returns every multiplicity that some row reports, increasing.
func (t *Table1) multiplicities() []int {
	set := map[int]bool{}
	for _, r := range t.Rows {
		for m := range r.ByMultiplicity {
			set[m] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// grid lays the table out as a header row and body rows of cell strings.
func (t *Table1) grid() (header []string, body [][]string) {
	ms := t.multiplicities()
	header = []string{"Dataset", "Method", "F1 %", "Subset acc. %"}
	for _, m := range ms {
		header = append(header, fmt.Sprintf("F1 %% (m=%d)", m), fmt.Sprintf("Subset acc. %% (m=%d)", m))
	}
	header = append(header, "GFLOPs")
	for _, r := range t.Rows {
		row := []string{r.Dataset, r.Method, percent(r.Overall.F1), percent(r.Overall.SubsetAccuracy)}
		for _, m := range ms {
			if s, ok := r.ByMultiplicity[m]; ok {
				row = append(row, percent(s.F1), percent(s.SubsetAccuracy))
			} else {
				row = append(row, "–", "–")
			}
		}
		body = append(body, append(row, fmt.Sprintf("%.3g", r.GFLOPs)))
	}
	return header, body
}

// Markdown renders the table as a GitHub-flavoured Markdown table, preceded by the
// title in bold when there is one.
func (t *Table1) Markdown() string {
	header, body := t.grid()
	return markdown(t.Title, header, body, 0, 1)
}

// HTML renders the table as an HTML <table> (text escaped), for notebooks.
func (t *Table1) HTML() string {
	header, body := t.grid()
	return htmlTable(t.Title, header, body, 0, 1)
}

// percent formats a fraction as a percentage with one decimal; NaN (not measured)
// shows as a dash.
func percent(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", 100*v)
}

// markdown renders a table whose columns listed in left are left-aligned text and the
// others right-aligned numbers.
func markdown(title string, header []string, body [][]string, left ...int) string {
	var b strings.Builder
	if title != "" {
		fmt.Fprintf(&b, "**%s**\n\n", escapeMarkdown(title))
	}
	writeRow := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + escapeMarkdown(c) + " |")
		}
		b.WriteString("\n")
	}
	writeRow(header)
	b.WriteString("|")
	for i := range header {
		if slices.Contains(left, i) {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, r := range body {
		writeRow(r)
	}
	return b.String()
}

func escapeMarkdown(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
