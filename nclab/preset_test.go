package nclab

import (
	"strings"
	"testing"
)

func TestPresetFromEnv(t *testing.T) {
	for env, want := range map[string]string{"": "quick", "quick": "quick", "paper": "paper"} {
		t.Setenv(EnvPreset, env)
		if got, err := PresetFromEnv(); got != want || err != nil {
			t.Errorf("PRESET=%q: PresetFromEnv() = %q, %v; want %q", env, got, err, want)
		}
	}
	t.Setenv(EnvPreset, "fast")
	if _, err := PresetFromEnv(); err == nil || !strings.Contains(err.Error(), `"fast"`) {
		t.Errorf("PRESET=fast: error %v, want one naming the value", err)
	}
}
