package tables

import (
	"fmt"
	"math"

	"github.com/nclab/nclab/nclab/models"
)

// HeadResult is one trained network (a learned or a frozen-ETF classifier head),
// evaluated on the test set.
type HeadResult struct {
	// SoftmaxIoU is the paper's "IoU": the mean over test samples of
	// sum_{k in S} softmax(z)_k (METHOD.md §8), in [0, 1]; NaN when not measured
	// (shown as a dash), as for an architecture counted but not trained.
	SoftmaxIoU float64 `json:"softmax_iou"`
	// Jaccard is the mean of |S ∩ Ŝ| / |S ∪ Ŝ| over test samples, in [0, 1], with Ŝ
	// the ONN prediction (see HeadResultFromRun); NaN when not measured.
	Jaccard float64 `json:"jaccard"`
	// TrainableParams counts the trainable parameters of the whole network.
	TrainableParams int `json:"trainable_params"`
}

// Table2Row is one architecture on one dataset: learned head vs ETF head with the
// feature dimension reduced to K.
type Table2Row struct {
	Dataset      string     `json:"dataset"`
	Architecture string     `json:"architecture"`
	Learned      HeadResult `json:"learned"`
	ETF          HeadResult `json:"etf"`
	// Note flags a non-standard setting, e.g. reduced width or epochs on CPU.
	Note string `json:"note,omitempty"`
}

// ParametersSaved is (learned - ETF) / learned trainable parameters (METHOD.md §7),
// in [0, 1]; 0 when the learned count is 0.
func (r Table2Row) ParametersSaved() float64 {
	return models.SavedFraction(r.Learned.TrainableParams, r.ETF.TrainableParams)
}

// ParametersRow is a Table 2 row that holds only the trainable-parameter counts
// of an untrained network (models.ParameterCounts); its IoU and Jaccard are NaN.
func ParametersRow(dataset, arch string, learned, etf int) Table2Row {
	nan := math.NaN()
	return Table2Row{Dataset: dataset, Architecture: arch,
		Learned: HeadResult{SoftmaxIoU: nan, Jaccard: nan, TrainableParams: learned},
		ETF:     HeadResult{SoftmaxIoU: nan, Jaccard: nan, TrainableParams: etf}}
}

// Table2 is the parameter-efficiency table of the paper's Table 2.
type Table2 struct {
	Title string      `json:"title"`
	Rows  []Table2Row `json:"rows"`
}

// PaperIoU is a published test IoU pair of Table 2, in percent.
type PaperIoU struct{ Learned, ETF float64 }

// PaperTable2IoU holds the paper's Table 2 test IoU (%), by dataset ("MNIST",
// "CIFAR-10") and architecture, as restated in METHOD.md §8; PaperParametersSaved the
// parameters saved it reports (METHOD.md §7), for comparison with measured rows.
var (
	PaperTable2IoU = map[string]map[string]PaperIoU{
		"MNIST": {
			"ResNet18": {99.5, 99.4}, "ResNet50": {99.4, 99.4}, "VGG16": {99.5, 99.5}, "VGG19": {99.5, 99.5},
		},
		"CIFAR-10": {
			"ResNet18": {87.7, 87.7}, "ResNet50": {88.9, 88.6}, "VGG16": {86.9, 87.4}, "VGG19": {88.7, 87.0},
		},
	}
	PaperParametersSaved = map[string]float64{"ResNet18": 0.207, "ResNet50": 0.045, "VGG16": 0.158, "VGG19": 0.116}
)

func (t *Table2) grid() (header []string, body [][]string) {
	header = []string{"Dataset", "Architecture", "IoU % learned", "IoU % ETF", "Jaccard % learned (ONN)", "Jaccard % ETF (ONN)",
		"Params learned", "Params ETF", "Params saved %", "Note"}
	for _, r := range t.Rows {
		body = append(body, []string{r.Dataset, r.Architecture,
			percent(r.Learned.SoftmaxIoU), percent(r.ETF.SoftmaxIoU), percent(r.Learned.Jaccard), percent(r.ETF.Jaccard),
			fmt.Sprint(r.Learned.TrainableParams), fmt.Sprint(r.ETF.TrainableParams), percent(r.ParametersSaved()), r.Note})
	}
	return header, body
}

// Markdown renders the table as a GitHub-flavoured Markdown table.
func (t *Table2) Markdown() string {
	header, body := t.grid()
	return markdown(t.Title, header, body, 0, 1, 9)
}

// HTML renders the table as an HTML <table>, for notebooks.
func (t *Table2) HTML() string {
	header, body := t.grid()
	return htmlTable(t.Title, header, body, 0, 1, 9)
}
