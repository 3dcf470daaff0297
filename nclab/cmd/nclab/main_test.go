package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestUnknownCommandFails(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"no-such-command"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if code := run(nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "Usage") {
		t.Fatalf("help: exit %d, stdout %q", code, out.String())
	}
}
