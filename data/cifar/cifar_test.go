package cifar

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A record is the label then the red, green and blue planes: pixel (0,1) of the
// image sits at bytes 1+1 (red), 1+1024+1 (green), 1+2048+1 (blue).
func TestDecodeHandWritten(t *testing.T) {
	rec := make([]byte, RecordSize)
	rec[0] = 7
	rec[1+1], rec[1+1024+1], rec[1+2048+1] = 10, 20, 30
	b, err := Decode(rec, "one.bin")
	if err != nil {
		t.Fatal(err)
	}
	if b.Labels[0] != 7 || !bytes.Equal(b.Pixels[3:6], []byte{10, 20, 30}) || b.Pixels[0] != 0 {
		t.Errorf("label %d, pixel (0,1) %v, want 7 and [10 20 30] (HWC)", b.Labels[0], b.Pixels[3:6])
	}
	if !bytes.Equal(Encode(b.Pixels, b.Labels), rec) {
		t.Error("Encode(Decode(rec)) != rec")
	}
}

func TestReadDirAndErrors(t *testing.T) {
	dir := t.TempDir()
	pix := make([]uint8, 2*Size*Size*Channels)
	for i := range pix {
		pix[i] = uint8(i % 251)
	}
	for i, name := range append(slices.Clone(TrainFiles), TestFile) {
		os.WriteFile(filepath.Join(dir, name), Encode(pix, []int{i % 10, 9}), 0o644)
	}
	train, test, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(train.Labels) != 10 || len(test.Labels) != 2 || !bytes.Equal(train.Pixels[:len(pix)], pix) {
		t.Errorf("train %d / test %d images, want 10 / 2", len(train.Labels), len(test.Labels))
	}
	good, _ := os.ReadFile(filepath.Join(dir, TestFile))
	bad := slices.Clone(good)
	bad[RecordSize] = 42
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"truncated", good[:len(good)-1], "not a whole number of 3073-byte records"},
		{"bad label", bad, "record 1 has label 42"},
	} {
		os.WriteFile(filepath.Join(dir, TestFile), c.content, 0o644)
		_, _, err := ReadDir(dir)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), TestFile) {
			t.Errorf("%s: error %v, want one naming %s and saying %q", c.name, err, TestFile, c.want)
		}
	}
	os.Remove(filepath.Join(dir, "data_batch_3.bin"))
	if _, _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin") {
		t.Errorf("missing batch: error %v, want one naming data_batch_3.bin", err)
	}
}
