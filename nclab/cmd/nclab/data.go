package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/nclab/nclab/data"
	"github.com/nclab/nclab/nclab/plots"
)

func init() {
	register(command{name: "data", summary: "build multi-label image sets (M-lab MNIST, Fashion-MNIST, CIFAR-10, SVHN, COCO), show statistics and samples, fetch sources", run: runData})
}

const dataUsage = `usage:
  nclab data build --dataset NAME [--preset quick|paper] [--imbalance NAME] [--seed S] [--out DIR] [--json]
  nclab data stats DIR [--json]
  nclab data sheet DIR --png FILE [--split train|test] [--per N] [--seed S]
  nclab data fetch --dataset cifar10-mlab|svhn|coco --to DIR`

func runData(args []string, stdout io.Writer) error {
	switch a0(args) {
	case "build":
		return runDataBuild(args[1:], stdout)
	case "stats":
		return runDataStats(args[1:], stdout)
	case "sheet":
		return runDataSheet(args[1:], stdout)
	case "fetch":
		return runDataFetch(args[1:], stdout)
	}
	return subcommandHelp(args, dataUsage, stdout)
}

func runDataBuild(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("data build", flag.ContinueOnError)
	var r data.Recipe
	var out, trainCounts, testCounts string
	var asJSON bool
	fs.StringVar(&r.Dataset, "dataset", "", "dataset: "+strings.Join(data.Datasets, ", "))
	fs.StringVar(&r.Preset, "preset", data.Quick, "size preset: quick or paper")
	fs.StringVar(&r.Imbalance, "imbalance", "", "imbalance: groups, c10-L, c10-M, c10-S, missing-pair, missing=A+B, m1-imbalanced (empty: balanced)")
	fs.Int64Var(&r.Seed, "seed", 0, "seed of every random choice")
	fs.StringVar(&r.SourceDir, "source", "", "folder of the source data (default: the dataset's; CIFAR-10, SVHN, COCO need it or $"+data.EnvCIFAR10+", $"+data.EnvSVHN+", $"+data.EnvCOCO+")")
	fs.StringVar(&r.CacheDir, "cache", "", "cache folder when --out is not given (default $"+data.EnvCache+" or ~/.cache/nclab)")
	fs.StringVar(&out, "out", "", "write the built set to this folder (default: the cache)")
	fs.StringVar(&trainCounts, "train-counts", "", "per-set training counts by multiplicity, e.g. 1:3100,2:200,3:20 (default: the preset's)")
	fs.StringVar(&testCounts, "test-counts", "", "per-set test counts by multiplicity, e.g. 1:800,2:50 (default: the preset's)")
	fs.BoolVar(&asJSON, "json", false, "print the statistics as JSON")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if r.Dataset == "" {
		return usagef("--dataset is required (one of %s)", strings.Join(data.Datasets, ", "))
	}
	if !slices.Contains(data.Datasets, r.Dataset) {
		return usagef("--dataset %q: want one of %s", r.Dataset, strings.Join(data.Datasets, ", "))
	}
	if trainCounts != "" || testCounts != "" {
		c, err := data.PresetCounts(r.Dataset, r.Preset)
		if err != nil {
			return err
		}
		if trainCounts != "" {
			if c.Train, err = data.ParseCounts(trainCounts); err != nil {
				return usagef("--train-counts: %w", err)
			}
		}
		if testCounts != "" {
			if c.Test, err = data.ParseCounts(testCounts); err != nil {
				return usagef("--test-counts: %w", err)
			}
		}
		r.Counts = &c
	}
	var train, test *data.Set
	var err error
	if out != "" {
		if train, test, err = data.Build(r); err != nil {
			return err
		}
		if err := data.WriteDir(out, r, train, test); err != nil {
			return err
		}
	} else {
		if train, test, err = data.Load(r); err != nil {
			return err
		}
		key, _ := data.CacheKey(r)
		cache := r.CacheDir
		if cache == "" {
			cache = data.DefaultCacheDir()
		}
		out = filepath.Join(cache, key)
	}
	st, err := data.Describe(train, test)
	if err != nil {
		return err
	}
	if asJSON {
		return dataPrintJSON(stdout, st)
	}
	fmt.Fprintf(stdout, "%swritten to %s\n", st, out)
	return nil
}

func runDataStats(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("data stats", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON (keys classes, image_shape, train, test; each split with total, by_multiplicity, by_set, sha256)")
	dir, err := dataParseWithDir(fs, args, stdout)
	if err != nil {
		return err
	}
	train, test, _, err := data.ReadDir(dir)
	if err != nil {
		return err
	}
	st, err := data.Describe(train, test)
	if err != nil {
		return err
	}
	if *asJSON {
		return dataPrintJSON(stdout, st)
	}
	fmt.Fprint(stdout, st)
	return nil
}

func runDataSheet(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("data sheet", flag.ContinueOnError)
	pngPath := fs.String("png", "", "write the contact sheet to this PNG file (required)")
	split := fs.String("split", "train", "train or test")
	per := fs.Int("per", 8, "images per multiplicity")
	seed := fs.Int64("seed", 0, "seed of the sample")
	dir, err := dataParseWithDir(fs, args, stdout)
	if err != nil {
		return err
	}
	if *pngPath == "" {
		return usagef("--png FILE is required")
	}
	if *per < 1 || *per > maxSheetPer {
		return usagef("--per %d: want 1 to %d images per multiplicity", *per, maxSheetPer)
	}
	train, test, _, err := data.ReadDir(dir)
	if err != nil {
		return err
	}
	s := train
	switch *split {
	case "train":
	case "test":
		s = test
	default:
		return usagef("--split %q: want train or test", *split)
	}
	rows, err := plots.SetSheet(s, data.SampleIndices(s, *per, *seed), *per)
	if err != nil {
		return err
	}
	png, err := plots.GridPNG(rows, 1.4*float64(len(rows[0])), 1.6*float64(len(rows)))
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*pngPath, png); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "contact sheet of %s written to %s\n", s.Name, *pngPath)
	return nil
}

// maxSheetPer bounds --per, which sets both the columns and the images per
// multiplicity of a contact sheet.
const maxSheetPer = 64

func runDataFetch(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("data fetch", flag.ContinueOnError)
	dataset := fs.String("dataset", "", "dataset whose official archives to download: cifar10-mlab, svhn, coco")
	to := fs.String("to", "", "folder to download and unpack into (then pass it as --source)")
	if err := parseFlags(fs, args, stdout, false); err != nil {
		return err
	}
	if *dataset == "" || *to == "" {
		return usagef("--dataset and --to are required")
	}
	dir, err := data.Fetch(context.Background(), *dataset, *to, stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done: build with --dataset %s --source %s\n", *dataset, dir)
	return nil
}

// dataParseWithDir parses flags that may come before or after one positional folder.
func dataParseWithDir(fs *flag.FlagSet, args []string, stdout io.Writer) (string, error) {
	if err := parseFlags(fs, args, stdout, true); err != nil {
		return "", err
	}
	if fs.NArg() == 0 {
		return "", usagef("missing folder argument (a folder written by nclab data build --out DIR)")
	}
	dir := fs.Arg(0)
	if err := parseFlags(fs, fs.Args()[1:], stdout, false); err != nil {
		return "", err
	}
	return dir, nil
}

func dataPrintJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeFileAtomic writes b to a temporary file beside path and renames it to path.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
