package train

import (
	"strings"
	"testing"
)

// TestFigure3Preset: a learned head on every architecture of Figure3Archs
// (the reference networks at 1/8 width), the quick data, and a clear error
// for an architecture the preset does not size.
func TestFigure3Preset(t *testing.T) {
	for _, arch := range Figure3Archs {
		cfg, err := PresetArch("figure3", arch)
		if err != nil {
			t.Fatal(err)
		}
		wantDiv := map[string]int{"resnet18": 8, "vgg16": 8}[arch]
		if cfg.Model.Arch != arch || cfg.Model.Head != "learned" || cfg.Model.WidthDivisor != wantDiv || cfg.Epochs < 30 || cfg.Epochs%cfg.TrackEvery != 0 {
			t.Errorf("figure3 %s: %+v", arch, cfg)
		}
	}
	def, err := Preset("figure3")
	if err != nil || def.Model.Arch != "mlp" || def.Epochs != 200 {
		t.Errorf("Preset(figure3) = %+v, %v; want the 200-epoch MLP", def, err)
	}
	if DataPreset("figure3") != "quick" || DataPreset("paper") != "paper" {
		t.Error("figure3 trains on the quick data, paper on the paper data")
	}
	if _, err := PresetArch("figure3", "resnet50"); err == nil || !strings.Contains(err.Error(), `no architecture "resnet50"`) {
		t.Errorf("figure3 resnet50: error %v", err)
	}
	q, err := PresetArch("quick", "mlp")
	if err != nil || q.Model.Arch != "mlp" || q.Model.Head != "" || q.Model.InputPool != 2 {
		t.Errorf("quick mlp: %+v, %v", q.Model, err)
	}
}
