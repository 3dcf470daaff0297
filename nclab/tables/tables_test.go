package tables

import (
	"math"
	"strings"
	"testing"
)

// A missing multiplicity shows as a dash, not as 0.0, and HTML escapes its text.
func TestTable1MissingMultiplicityAndEscaping(t *testing.T) {
	tab := Table1{Title: "a <b> & c", Rows: []Table1Row{
		{Dataset: "x|y", Method: "ONN", ByMultiplicity: map[int]Scores{1: {F1: 1, SubsetAccuracy: 1}}},
		{Dataset: "x|y", Method: "OvA", ByMultiplicity: map[int]Scores{2: {F1: 0.5, SubsetAccuracy: 0.25}}},
	}}
	md := tab.Markdown()
	if !strings.Contains(md, `| x\|y | ONN | 0.0 | 0.0 | 100.0 | 100.0 | – | – | 0 |`) {
		t.Errorf("markdown:\n%s", md)
	}
	h := tab.HTML()
	for _, want := range []string{"<caption>a &lt;b&gt; &amp; c</caption>", "<th>F1 % (m=2)</th>", `<td style="text-align:right">25.0</td>`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
}

// (100 - 80) / 100 = 20 % saved; an empty learned count saves nothing instead of NaN.
func TestTable2Rendering(t *testing.T) {
	tab := Table2{Rows: []Table2Row{{Dataset: "MNIST", Architecture: "VGG16",
		Learned: HeadResult{SoftmaxIoU: 0.995, Jaccard: 0.99, TrainableParams: 100},
		ETF:     HeadResult{SoftmaxIoU: 0.994, Jaccard: 0.985, TrainableParams: 80}, Note: "quick"}}}
	md := tab.Markdown()
	if !strings.Contains(md, "| MNIST | VGG16 | 99.5 | 99.4 | 99.0 | 98.5 | 100 | 80 | 20.0 | quick |") {
		t.Errorf("markdown:\n%s", md)
	}
	if !strings.Contains(md, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|") {
		t.Errorf("alignment row:\n%s", md)
	}
	nan := math.NaN()
	counted := Table2{Rows: []Table2Row{{Dataset: "MNIST", Architecture: "ResNet18",
		Learned: HeadResult{SoftmaxIoU: nan, Jaccard: nan, TrainableParams: 1000}, ETF: HeadResult{SoftmaxIoU: nan, Jaccard: nan, TrainableParams: 793}}}}
	if md := counted.Markdown(); !strings.Contains(md, "| MNIST | ResNet18 | – | – | – | – | 1000 | 793 | 20.7 |  |") {
		t.Errorf("parameters-only row:\n%s", md)
	}
	if got := (Table2Row{}).ParametersSaved(); got != 0 {
		t.Errorf("empty row saves %v", got)
	}
	if len(PaperTable2IoU["CIFAR-10"]) != 4 || PaperTable2IoU["CIFAR-10"]["VGG19"].ETF != 87.0 {
		t.Errorf("paper table: %+v", PaperTable2IoU)
	}
}
