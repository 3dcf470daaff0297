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

func TestRepoPath(t *testing.T) {
	t.Setenv("NCLAB_ROOT", "/repo")
	t.Setenv("GONB_DIR", "/elsewhere/notebooks")
	if got, err := RepoPath("nclab", "collapse"); got != "/repo/nclab/collapse" || err != nil {
		t.Errorf("with NCLAB_ROOT: %q, %v", got, err)
	}
	t.Setenv("NCLAB_ROOT", "")
	if got, err := RepoPath("data"); got != "/elsewhere/data" || err != nil {
		t.Errorf("with GONB_DIR only: %q, %v", got, err)
	}
	t.Setenv("GONB_DIR", "")
	if _, err := RepoPath("data"); err == nil || !strings.Contains(err.Error(), "neither $NCLAB_ROOT nor $GONB_DIR") {
		t.Errorf("with neither: %v", err)
	}
}
