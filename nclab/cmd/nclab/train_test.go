package main

import (
	"io"
	"strings"
	"testing"
)

// TestTrainRejectsBadInput: user mistakes come back as errors that name them,
// before any data is loaded or model built.
func TestTrainRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--preset", "huge"}, `unknown preset "huge"`},
		{[]string{"--widths", "8,x"}, `--widths "8,x"`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		err := runTrain(tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("nclab train %v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
