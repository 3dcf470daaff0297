package tables_test

import (
	"fmt"

	"github.com/nclab/nclab/nclab/tables"
)

func ExampleTable1_Markdown() {
	t := tables.Table1{Title: "Decoders on frozen features", Rows: []tables.Table1Row{
		{Dataset: "M-lab MNIST (S)", Method: "OvA", Overall: tables.Scores{F1: 0.9812, SubsetAccuracy: 0.9601},
			ByMultiplicity: map[int]tables.Scores{1: {F1: 0.99, SubsetAccuracy: 0.98}, 2: {F1: 0.90, SubsetAccuracy: 0.75}}, GFLOPs: 12.34},
		{Dataset: "M-lab MNIST (S)", Method: "ONN", Overall: tables.Scores{F1: 0.9903, SubsetAccuracy: 0.9854},
			ByMultiplicity: map[int]tables.Scores{1: {F1: 0.995, SubsetAccuracy: 0.99}, 2: {F1: 0.95, SubsetAccuracy: 0.91}}, GFLOPs: 0.6021},
	}}
	fmt.Print(t.Markdown())
	// Output:
	// **Decoders on frozen features**
	//
	// | Dataset | Method | F1 % | Subset acc. % | F1 % (m=1) | Subset acc. % (m=1) | F1 % (m=2) | Subset acc. % (m=2) | GFLOPs |
	// |---|---|---:|---:|---:|---:|---:|---:|---:|
	// | M-lab MNIST (S) | OvA | 98.1 | 96.0 | 99.0 | 98.0 | 90.0 | 75.0 | 12.3 |
	// | M-lab MNIST (S) | ONN | 99.0 | 98.5 | 99.5 | 99.0 | 95.0 | 91.0 | 0.602 |
}

// A network with 1,000 trainable parameters whose ETF version trains 793 saves
// 207 / 1,000 = 20.7 %.
func ExampleTable2Row_ParametersSaved() {
	r := tables.Table2Row{Dataset: "MNIST", Architecture: "ResNet18",
		Learned: tables.HeadResult{TrainableParams: 1000}, ETF: tables.HeadResult{TrainableParams: 793}}
	fmt.Printf("%.1f %%\n", 100*r.ParametersSaved())
	// Output: 20.7 %
}
