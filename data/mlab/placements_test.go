package mlab

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// testdata/placements.json holds canvases computed by testdata/make_placements.py with
// NumPy (np.pad + np.roll down/right for Roll, an inward-moved corner for Inward,
// np.maximum to merge), for random parts on 3x4x2 images. place must agree byte for byte.
func TestPlaceMatchesNumPyFixture(t *testing.T) {
	b, err := os.ReadFile("testdata/placements.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Height, Width, Channels int
		Images                  []uint8
		Cases                   []struct {
			Layout string
			Parts  []struct{ Source, Position, DY, DX int }
			Canvas []uint8
		}
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	src := &Images{Height: fx.Height, Width: fx.Width, Channels: fx.Channels, Pixels: fx.Images}
	for i, c := range fx.Cases {
		layout := map[string]Layout{"roll": Roll, "inward": Inward}[c.Layout]
		canvas := make([]uint8, 4*fx.Height*fx.Width*fx.Channels)
		for _, p := range c.Parts {
			place(canvas, src, p.Source, layout, p.Position, p.DY, p.DX)
		}
		if !bytes.Equal(canvas, c.Canvas) {
			t.Errorf("case %d (%s, parts %+v): canvas differs from NumPy's", i, c.Layout, c.Parts)
		}
	}
	if len(fx.Cases) != 12 {
		t.Errorf("%d cases, want 12", len(fx.Cases))
	}
}
