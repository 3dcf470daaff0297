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

func TestFitInputPool(t *testing.T) {
	for _, tc := range []struct {
		pool, side int
		arch       string
		want       int
	}{
		{2, 56, "resnet18", 2}, // no max-pool: any pooling fits
		{2, 56, "smallcnn", 2}, // 28 >= 8
		{2, 56, "vgg16", 1},    // 28 < 32: full size
		{4, 64, "vgg19", 2},    // 16 < 32, 32 fits
		{0, 56, "vgg16", 0},    // unset stays unset
	} {
		if got := fitInputPool(tc.pool, tc.side, tc.arch); got != tc.want {
			t.Errorf("fitInputPool(%d, %d, %s) = %d, want %d", tc.pool, tc.side, tc.arch, got, tc.want)
		}
	}
}
