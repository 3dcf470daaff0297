package idx

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func encoded(t *testing.T, a *Array) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Encode(&b, a); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// The header of a 2x2x3 uint8 array is 00 00 08 03 then the dimensions big-endian.
func TestEncodeHeaderHandWritten(t *testing.T) {
	b := encoded(t, &Array{Dims: []int{2, 2, 3}, Data: make([]uint8, 12)})
	want := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3}
	if !bytes.Equal(b[:16], want) || len(b) != 28 {
		t.Errorf("header % x (len %d), want % x (len 28)", b[:16], len(b), want)
	}
}

func TestReadRawAndGzip(t *testing.T) {
	a := &Array{Dims: []int{3, 2}, Data: []uint8{1, 2, 3, 4, 5, 6}}
	raw := encoded(t, a)
	dir := t.TempDir()
	for name, content := range map[string][]byte{"x-idx2-ubyte": raw, "x-idx2-ubyte.gz": gzipped(raw), "gz-without-suffix": gzipped(raw)} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, content, 0o644)
		got, err := ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !slices.Equal(got.Dims, a.Dims) || !bytes.Equal(got.Data, a.Data) {
			t.Errorf("%s: got %v %v, want %v %v", name, got.Dims, got.Data, a.Dims, a.Data)
		}
	}
}

func TestReadErrors(t *testing.T) {
	raw := encoded(t, &Array{Dims: []int{4, 5}, Data: make([]uint8, 20)})
	gz := gzipped(raw)
	corruptGz := slices.Clone(gz)
	corruptGz[len(corruptGz)-5] ^= 0xff // the CRC-32 trailer
	for _, c := range []struct {
		name    string
		content []byte
		want    string
	}{
		{"empty", nil, "too short"},
		{"bad magic", []byte{1, 2, 8, 1, 0, 0, 0, 1, 0}, "not an IDX file"},
		{"float type", []byte{0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "0x0d not supported"},
		{"truncated header", raw[:10], "truncated"},
		{"truncated payload", raw[:len(raw)-3], "header says 4x5 (20 bytes), file holds 17"},
		{"trailing bytes", append(slices.Clone(raw), 9, 9), "2 more bytes"},
		{"truncated gzip", gz[:len(gz)-12], "unexpected end of file"},
		{"corrupt gzip", corruptGz, "corrupt"},
	} {
		_, err := Read(bytes.NewReader(c.content), "f.idx")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "f.idx") {
			t.Errorf("%s: error %v, want one naming f.idx and saying %q", c.name, err, c.want)
		}
	}
}
