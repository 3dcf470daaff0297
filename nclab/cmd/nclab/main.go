// Command nclab is the command-line face of the nclab toolkit: collapse metrics and
// multi-label evaluation of your own features, the UFM solver and trainer, data
// building, deep-network training and decoding.
//
// Usage:
//
//	nclab <command> [flags]
//
// Run "nclab help" for the list of commands, "nclab <command> -h" for its flags.
// Each command lives in its own file of this package and registers itself in init.
//
// Setting NCLAB_CPUPROFILE=FILE writes a Go CPU profile of the command to FILE
// (read it with "go tool pprof").
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
)

// command is one subcommand: run parses args (without the command name) and writes
// results to stdout; a returned error is printed as one line and exits non-zero.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout io.Writer) error
}

var commands []command

// register adds a subcommand; called from the init function of each command's file.
func register(c command) { commands = append(commands, c) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stderr, "nclab: unknown command %q (run \"nclab help\")\n", args[0])
		return 2
	}
	if path := os.Getenv("NCLAB_CPUPROFILE"); path != "" {
		stop, err := startProfile(path)
		if err != nil {
			fmt.Fprintf(stderr, "nclab: NCLAB_CPUPROFILE: %s\n", err)
			return 1
		}
		defer stop()
	}
	if err := commands[i].run(args[1:], stdout); err != nil {
		fmt.Fprintf(stderr, "nclab %s: %s\n", args[0], strings.ReplaceAll(err.Error(), "\n", " "))
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "nclab: multi-label neural collapse toolkit\n\nUsage: nclab <command> [flags]\n\nCommands:")
	slices.SortFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) })
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// startProfile starts a CPU profile written to path; the returned function
// stops it and closes the file.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
