package cifar

import (
	"bytes"
	"testing"
)

// FuzzDecode: no input panics; a batch that decodes has one label in 0..9 per
// record and encodes back to the same bytes. Seeds: testdata/fuzz/FuzzDecode
// (one and two valid records, a truncated record, a CIFAR-100 label, empty).
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		batch, err := Decode(b, "fuzz")
		if err != nil {
			return
		}
		if len(batch.Labels)*RecordSize != len(b) || len(batch.Pixels) != len(batch.Labels)*Size*Size*Channels {
			t.Fatalf("%d bytes decode to %d labels and %d pixels", len(b), len(batch.Labels), len(batch.Pixels))
		}
		for i, l := range batch.Labels {
			if l < 0 || l >= K {
				t.Fatalf("record %d: label %d", i, l)
			}
		}
		if !bytes.Equal(Encode(batch.Pixels, batch.Labels), b) {
			t.Fatalf("decode and encode do not round-trip")
		}
	})
}
