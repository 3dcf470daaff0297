package data

import "fmt"

// SkipPrefix starts the one line a notebook prints when it skips the rows of a dataset
// whose source files are missing (see Available); notebooks/run.sh and the reports'
// index.html list such lines as "skipped rows".
const SkipPrefix = "nclab-skip: "

// Available reports whether the source files of a dataset are where Build looks for
// them, without reading them: nil when they are, else an error on one line saying
// what is missing and how to get it. MNIST is found (or fetched) through the Go
// module proxy, Fashion-MNIST needs its four IDX files in FashionDir, CIFAR-10, SVHN
// and COCO need their folders (CIFAR10Dir, SVHNDir, COCODir).
func Available(dataset string) error {
	var dir string
	var err error
	if ps, ok := padStacks[dataset]; ok {
		dir, err = ps.dir()
	} else if nat, ok := naturals[dataset]; ok {
		dir, err = nat.dir()
	} else {
		return fmt.Errorf("data: unknown dataset %q (want one of %v)", dataset, Datasets)
	}
	if err != nil {
		return err
	}
	if !isDir(dir) {
		return fmt.Errorf("data: %s: source folder %s does not exist%s", dataset, dir, howToGet(dataset))
	}
	if dataset == MNIST || dataset == Fashion {
		for _, base := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
			if _, err := findIDX(dir, base); err != nil {
				return fmt.Errorf("%w%s", err, howToGet(dataset))
			}
		}
	}
	return nil
}

// howToGet is the hint that ends Available's errors.
func howToGet(dataset string) string {
	switch dataset {
	case Fashion:
		return fmt.Sprintf("; get it with `apt-get install dataset-fashion-mnist` as root (make data does it), or set %s to a folder holding its four IDX files", EnvFashionMNIST)
	case MNIST:
		return fmt.Sprintf("; unset %s to use the GoMNIST module, or point it at the four MNIST IDX files", EnvMNIST)
	}
	return " (nclab data fetch --dataset " + dataset + " --to DIR downloads it where there is internet)"
}
