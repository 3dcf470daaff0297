package nclab

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// EnvPreset names the environment variable that selects the preset of the
// notebooks and of make reports: "quick" (the default) or "paper".
const EnvPreset = "PRESET"

// Presets lists the preset names: "quick" runs on 2 CPU cores in minutes,
// "paper" at the paper's sizes (hours; for a GPU). nclab/train maps them to
// training configurations.
var Presets = []string{"quick", "paper"}

// PresetFromEnv returns the preset named by $PRESET, "quick" when it is unset;
// any other value than one of Presets is an error. It lives here, beside
// NewBackend, so that a notebook that trains nothing deep need not link
// nclab/train.
func PresetFromEnv() (string, error) {
	p := os.Getenv(EnvPreset)
	if p == "" {
		return "quick", nil
	}
	if !slices.Contains(Presets, p) {
		return "", fmt.Errorf("nclab: $%s = %q: want one of %v", EnvPreset, p, Presets)
	}
	return p, nil
}

// RepoPath joins parts onto the root of this repository as a notebook sees it:
// $NCLAB_ROOT (notebooks/run.sh sets it), else the parent of $GONB_DIR (a GoNB
// kernel's working directory, the notebooks/ folder, when a reader opens a notebook
// in Jupyter); neither set is an error.
func RepoPath(parts ...string) (string, error) {
	root := os.Getenv("NCLAB_ROOT")
	if root == "" {
		gonb := os.Getenv("GONB_DIR")
		if gonb == "" {
			return "", fmt.Errorf("nclab: RepoPath: neither $NCLAB_ROOT nor $GONB_DIR is set")
		}
		root = filepath.Join(gonb, "..")
	}
	return filepath.Join(append([]string{root}, parts...)...), nil
}
