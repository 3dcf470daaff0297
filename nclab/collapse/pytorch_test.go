package collapse_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/nclab/nclab/nclab/collapse"
	"github.com/nclab/nclab/nclab/labelset"
	"github.com/nclab/nclab/nclab/npyfile"
)

// TestPyTorchFeatures reads what PyTorch saved (testdata/pytorch: int64 class indices,
// float32 and float16 features, float32 W and b) the way notebook 12 does, and checks
// every metric against NumPy's from the same files.
func TestPyTorchFeatures(t *testing.T) {
	dir := filepath.Join("testdata", "pytorch")
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string]map[string]any
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	sets, k, err := labelset.ReadNPY(filepath.Join(dir, "labels.npy"))
	if err != nil || k != 10 || len(sets) != 600 {
		t.Fatalf("labels: %d sets, K = %d, %v", len(sets), k, err)
	}
	if len(expected) != 4 {
		t.Fatalf("%d epochs in expected.json, want 4", len(expected))
	}
	for epoch, want := range expected {
		src, err := collapse.OpenNPY(filepath.Join(dir, epoch, "features.npy"), sets)
		if err != nil {
			t.Fatal(err)
		}
		w, _, err := npyfile.ReadMatrix(filepath.Join(dir, epoch, "W.npy"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := npyfile.ReadVector(filepath.Join(dir, epoch, "b.npy"))
		if err != nil {
			t.Fatal(err)
		}
		met, err := collapse.ComputeSource(k, src.D, src, w, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		uniformity := want["nc2_uniformity"].(map[string]any)
		for key, got := range map[string]float64{"nc1": met.NC1, "cdnv": met.CDNV, "nc3_uniformity_cv": met.NC3UniformityCV,
			"nc2_h": met.NC2H, "nc2_w": met.NC2W, "nc3": met.NC3, "nc3_papyan": met.NC3Papyan, "ncc_agreement": met.NCCAgreement,
			"nc2_uniformity.mean": met.NC2Uniformity.Mean, "nc2_uniformity.std": met.NC2Uniformity.Std} {
			var w float64
			if sub, ok := map[string]string{"nc2_uniformity.mean": "mean", "nc2_uniformity.std": "std"}[key]; ok {
				w = uniformity[sub].(float64)
			} else {
				w = want[key].(float64)
			}
			if math.Abs(got-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("%s %s: nclab %.12g, NumPy %.12g", epoch, key, got, w)
			}
		}
	}
}
