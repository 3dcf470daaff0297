package data_test

import (
	"fmt"
	"log"
	"os"

	"github.com/nclab/nclab/data"
)

// Build the quick M-lab MNIST (METHOD.md §6 recipe, quick counts) and look at it.
func ExampleLoad() {
	cache, _ := os.MkdirTemp("", "nclab-example")
	defer os.RemoveAll(cache)
	train, test, err := data.Load(data.Recipe{Dataset: data.MNIST, Preset: data.Quick, Seed: 1, CacheDir: cache})
	if err != nil {
		log.Fatal(err)
	}
	st, err := data.Describe(train, test)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Name, train.Height, train.Width, train.Channels)
	fmt.Println("train", st.Train.Total, st.Train.ByMultiplicity, "pairs {3,7}:", st.Train.BySet["3+7"])
	fmt.Println("test", st.Test.Total, st.Test.ByMultiplicity)
	fmt.Println("first labels", train.Labels[0], train.Labels[train.Len()-1])
	// Output:
	// mnist-mlab/quick/train 56 56 1
	// train 2900 map[1:2000 2:900] pairs {3,7}: 20
	// test 725 map[1:500 2:225]
	// first labels {0} {8,9}
}

// A training loop takes shuffled batches: float32 NHWC images in [0,1] and multi-hot targets.
func ExampleSet_Batch() {
	train, _, err := data.Build(data.Recipe{Dataset: data.MNIST, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	batches, err := data.NewBatches(train, data.BatchOptions{BatchSize: 128, Shuffle: true, Seed: 7, DropLast: true})
	if err != nil {
		log.Fatal(err)
	}
	idx := batches.BatchIndices(0)[0]
	x := make([]float32, len(idx)*train.ImageSize())
	y := make([]float32, len(idx)*train.K)
	train.Batch(idx, x)
	train.MultiHot(idx, y)
	labels := 0
	for _, v := range y {
		labels += int(v)
	}
	fmt.Println(len(batches.BatchIndices(0)), "batches per epoch;", len(x), "pixels,", labels == len(idx)+countPairs(train, idx), "targets match the label sets")
	// Output:
	// 22 batches per epoch; 401408 pixels, true targets match the label sets
}

func countPairs(s *data.Set, idx []int) int {
	n := 0
	for _, i := range idx {
		n += len(s.Labels[i]) - 1
	}
	return n
}
