package idx

import (
	"bytes"
	"testing"
)

// FuzzRead: no input panics or allocates past its own size; what reads back
// holds exactly the values its dimensions announce and encodes to the same
// bytes (for an uncompressed input). Seeds: testdata/fuzz/FuzzRead (valid,
// gzipped, truncated, a header claiming 10^11 values for 80 bytes, dimension
// products that overflow, zero dimensions, an unsupported type, trailing bytes).
func FuzzRead(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Dims {
			n *= d
		}
		if n != len(a.Data) {
			t.Fatalf("dims %v announce %d values, read %d", a.Dims, n, len(a.Data))
		}
		if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
			return // gzip: the encoding is not unique
		}
		var out bytes.Buffer
		if err := Encode(&out, a); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), b) {
			t.Fatalf("read %d bytes, encode back to %d different ones", len(b), out.Len())
		}
	})
}
