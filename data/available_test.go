package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAvailable(t *testing.T) {
	empty := t.TempDir()
	t.Setenv(EnvFashionMNIST, empty)
	err := Available(Fashion)
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") || !strings.Contains(err.Error(), "dataset-fashion-mnist") || strings.Contains(err.Error(), "\n") {
		t.Errorf("Fashion-MNIST in an empty folder: %v; want one line naming the missing file and the apt package", err)
	}
	// Three of the four files: the fourth is named.
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte.gz"} {
		if err := os.WriteFile(filepath.Join(empty, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := Available(Fashion); err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") {
		t.Errorf("Fashion-MNIST without its test labels: %v", err)
	}
	if err := os.WriteFile(filepath.Join(empty, "t10k-labels-idx1-ubyte.gz"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Available(Fashion); err != nil {
		t.Errorf("Fashion-MNIST with its four files: %v", err)
	}
	t.Setenv(EnvFashionMNIST, filepath.Join(empty, "nope"))
	if err := Available(Fashion); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Fashion-MNIST in a missing folder: %v", err)
	}
	t.Setenv(EnvCIFAR10, "")
	if err := Available(CIFAR10); err == nil || !strings.Contains(err.Error(), EnvCIFAR10) {
		t.Errorf("CIFAR-10 unset: %v", err)
	}
	if err := Available("imagenet"); err == nil || !strings.Contains(err.Error(), "unknown dataset") {
		t.Errorf("unknown dataset: %v", err)
	}
}
