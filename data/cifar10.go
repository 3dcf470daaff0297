package data

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nclab/nclab/data/cifar"
	"github.com/nclab/nclab/data/mlab"
)

// EnvCIFAR10 names the folder holding CIFAR-10's binary batches.
const EnvCIFAR10 = "NCLAB_CIFAR10_DIR"

// CIFAR10URL is the official download of the binary version.
const CIFAR10URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"

// CIFAR10Dir returns $NCLAB_CIFAR10_DIR, or an error saying where to get the data.
func CIFAR10Dir() (string, error) {
	if d := os.Getenv(EnvCIFAR10); d != "" {
		return d, nil
	}
	return "", errors.New("data: CIFAR-10 not found: download " + CIFAR10URL +
		", unpack it (tar xzf) and pass the folder cifar-10-batches-bin (with data_batch_1.bin .. data_batch_5.bin and test_batch.bin) " +
		"as --source DIR or set " + EnvCIFAR10)
}

func readCIFAR10(dir string) (train, test *mlab.Images, err error) {
	if sub := filepath.Join(dir, "cifar-10-batches-bin"); isDir(sub) {
		dir = sub
	}
	tr, te, err := cifar.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("data: CIFAR-10 in %s: %w (get %s, unpack it, and point --source at cifar-10-batches-bin)", dir, err, CIFAR10URL)
	}
	wrap := func(b *cifar.Batch) *mlab.Images {
		return &mlab.Images{Height: cifar.Size, Width: cifar.Size, Channels: cifar.Channels, Pixels: b.Pixels, Labels: b.Labels}
	}
	return wrap(tr), wrap(te), nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
