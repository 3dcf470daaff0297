package main

import (
	"io"
	"strings"
	"testing"
)

// TestTrainSweepFlags: the sweep's flags refuse contradictions and unknown
// preset architectures before any data is loaded.
func TestTrainSweepFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--no-wd", "--wd", "1e-3"}, "--no-wd and --wd 0.001 contradict"},
		{[]string{"--preset", "figure3", "--arch", "cnn5"}, `preset figure3 has no architecture "cnn5"`},
		{[]string{"--head-bn=maybe"}, "invalid boolean value"},
	} {
		err := runTrain(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nclab train %v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
