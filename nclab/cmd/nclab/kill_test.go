package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the nclab command (as a subprocess
// that can be killed): with NCLAB_TEST_AS_MAIN=1 it runs main instead of the tests.
func TestMain(m *testing.M) {
	if os.Getenv("NCLAB_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestKillAndResume: `nclab train` killed (SIGKILL) while it trains and
// checkpoints, then resumed, ends with the same classifier and features, bit
// for bit, as an uninterrupted run, and a log holding each epoch once. Resumes
// with another model or schedule, and a fresh start into the folder, are
// refused naming why.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three small runs")
	}
	args := []string{"train", "--arch", "mlp", "--hidden", "16", "--epochs", "4", "--track-every", "1", "--seed", "2", "--quiet"}
	full, killed := filepath.Join(t.TempDir(), "full"), filepath.Join(t.TempDir(), "killed")
	var out, errb bytes.Buffer
	if code := run(append(args, "--out", full), &out, &errb); code != 0 {
		t.Fatalf("uninterrupted run: exit %d: %s", code, errb.String())
	}

	cmd := exec.Command(os.Args[0], append(args, "--out", killed)...)
	cmd.Env = append(os.Environ(), "NCLAB_TEST_AS_MAIN=1")
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Kill it as soon as the log holds epoch 2: it is then training epoch 3 or
	// writing its files.
	deadline := time.Now().Add(5 * time.Minute)
	for logLines(filepath.Join(killed, "log.jsonl")) < 2 && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("the run ended before it could be killed: %v: %s", err, errb.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	if _, err := os.Stat(filepath.Join(killed, "summary.json")); err == nil {
		t.Fatalf("the run finished before the kill")
	}
	t.Logf("killed after %d logged epochs", logLines(filepath.Join(killed, "log.jsonl")))

	for _, c := range []struct {
		name  string
		extra []string
		want  string
	}{
		{"other model", []string{"--resume", "--hidden", "8"}, "model.Hidden: the run has 16, now 8"},
		{"other schedule", []string{"--resume", "--epochs", "5"}, "--allow-schedule-change"},
		{"fresh start", nil, "already holds checkpoints"},
	} {
		errb.Reset()
		a := append(append(append([]string{}, args...), c.extra...), "--out", killed)
		if code := run(a, &out, &errb); code != 1 || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%s: exit %d, stderr %q, want exit 1 and %q", c.name, code, errb.String(), c.want)
		}
	}
	errb.Reset()
	if code := run(append(args, "--out", killed, "--resume"), &out, &errb); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, errb.String())
	}
	for _, f := range []string{"classifier_w.npy", "classifier_b.npy", "train_features.npy", "test_logits.npy"} {
		a, errA := os.ReadFile(filepath.Join(full, f))
		b, errB := os.ReadFile(filepath.Join(killed, f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s after kill and resume differs from the uninterrupted run's (%v, %v)", f, errA, errB)
		}
	}
	if n := logLines(filepath.Join(killed, "log.jsonl")); n != 4 {
		t.Errorf("log holds %d lines after the resume, want 4 (epochs 1-4 once)", n)
	}
}

func logLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		n++
	}
	return n
}
