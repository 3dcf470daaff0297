package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestCLIConventions: errors go to stderr with exit status 2 for a usage
// mistake and 1 for a failure; usage is printed only on request (-h, --help,
// help [CMD]), to stdout, with status 0.
func TestCLIConventions(t *testing.T) {
	for _, tc := range []struct {
		name       string
		args       []string
		code       int
		stdout     string // a substring of stdout ("" : stdout must be empty)
		stderr     string // a substring of stderr ("" : stderr must be empty)
		noUsageOut bool
	}{
		{"no arguments", nil, 2, "", "Usage: nclab", false},
		{"help", []string{"help"}, 0, "Commands:", "", false},
		{"-h", []string{"-h"}, 0, "Commands:", "", false},
		{"--help", []string{"--help"}, 0, "Commands:", "", false},
		{"unknown command", []string{"no-such-command"}, 2, "", `unknown command "no-such-command"`, false},
		{"help unknown command", []string{"help", "nope"}, 2, "", `unknown command "nope"`, false},
		{"help train", []string{"help", "train"}, 0, "-feature-penalty", "", false},
		{"train -h", []string{"train", "-h"}, 0, "-resume", "", false},
		{"train --help", []string{"train", "--help"}, 0, "-resume", "", false},
		{"help decode", []string{"help", "decode"}, 0, "-table2", "", false},
		{"help evaluate", []string{"help", "evaluate"}, 0, "-truth", "", false},
		{"help ufm", []string{"help", "ufm"}, 0, "nclab ufm solve", "", false},
		{"help ufm solve", []string{"help", "ufm", "solve"}, 0, "-counts", "", false},
		{"help ufm train", []string{"help", "ufm", "train"}, 0, "-init-scale", "", false},
		{"help data", []string{"help", "data"}, 0, "nclab data build", "", false},
		{"help data build", []string{"help", "data", "build"}, 0, "-dataset", "", false},
		{"unknown flag", []string{"train", "--no-such-flag"}, 2, "", "flag provided but not defined: -no-such-flag", true},
		{"bad flag value", []string{"train", "--epochs", "x"}, 2, "", `invalid value "x" for flag -epochs`, true},
		{"extra argument", []string{"evaluate", "extra"}, 2, "", `unexpected argument "extra"`, true},
		{"missing required flag", []string{"evaluate"}, 2, "", "--truth and --pred are required", true},
		{"ufm without subcommand", []string{"ufm"}, 2, "", "missing subcommand", true},
		{"data unknown subcommand", []string{"data", "nope"}, 2, "", `unknown subcommand "nope"`, true},
		{"failure is 1", []string{"evaluate", "--truth", "/nonexistent/y.npy", "--pred", "/nonexistent/p.npy"}, 1, "", "/nonexistent/y.npy", true},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, &out, &errb)
		bad := code != tc.code
		if tc.stdout == "" {
			bad = bad || out.Len() != 0
		} else {
			bad = bad || !strings.Contains(out.String(), tc.stdout)
		}
		if tc.stderr == "" {
			bad = bad || errb.Len() != 0
		} else {
			bad = bad || !strings.Contains(errb.String(), tc.stderr)
		}
		if tc.noUsageOut && (strings.Contains(errb.String(), "Usage") || strings.Contains(errb.String(), "\n  -")) {
			bad = true
		}
		if bad {
			t.Errorf("%s: nclab %q: exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", tc.name, tc.args, code, tc.code, out.String(), tc.stdout, errb.String(), tc.stderr)
		}
	}
}
