// Command nclab is the command-line face of the nclab toolkit: collapse metrics and
// multi-label evaluation of your own features, the UFM solver and trainer, data
// building, deep-network training and decoding.
//
// Usage:
//
//	nclab <command> [flags]
//
// Run "nclab help" for the list of commands, "nclab help <command>" or
// "nclab <command> -h" for its flags. Errors go to stderr; the exit status is 2
// for a usage mistake, 1 for a failure.
// Each command lives in its own file of this package and registers itself in init.
//
// Setting NCLAB_CPUPROFILE=FILE writes a Go CPU profile of the command to FILE
// (read it with "go tool pprof").
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
)

// command is one subcommand: run parses args (without the command name) and writes
// results to stdout; a returned error is printed to stderr as one line and exits
// with status 2 for a usageError, 0 for flag.ErrHelp (help was printed) and 1
// otherwise.
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
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" && len(args) == 1 {
		usage(stdout)
		return 0
	}
	name, cmdArgs := args[0], args[1:]
	if name == "help" {
		// "nclab help CMD [SUB]" is "nclab CMD [SUB] -h".
		name, cmdArgs = args[1], append(slices.Clone(args[2:]), "-h")
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		fmt.Fprintf(stderr, "nclab: unknown command %q (run \"nclab help\")\n", name)
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
	err := commands[i].run(cmdArgs, stdout)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "nclab %s: %s (run \"nclab help %s\")\n", name, oneLine(err), name)
		return 2
	}
	fmt.Fprintf(stderr, "nclab %s: %s\n", name, oneLine(err))
	return 1
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", " ") }

// usageError is a mistake in how a command was called (an unknown flag, a
// missing or malformed argument): exit status 2, where a failure is 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// parseFlags parses args into fs without printing anything on error; the
// flags' help goes to stdout only when asked (-h, --help), and then the
// returned error is flag.ErrHelp (exit status 0). Parse errors and, unless
// positional, any argument left over are usage errors.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer, positional bool) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fmt.Fprintf(stdout, "Usage of nclab %s:\n", fs.Name())
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return usageError{err}
	}
	if !positional && fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// given reports the names of the flags set on the command line (flag.Visit), so
// that a flag given with any value, zero included, is told from one not given.
func given(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// subcommandHelp answers "nclab CMD" with no or an unknown subcommand: the
// list on -h or --help (exit 0), else a usage error carrying it.
func subcommandHelp(args []string, list string, stdout io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stdout, list)
		return flag.ErrHelp
	}
	if len(args) == 0 {
		return usageError{errors.New("missing subcommand\n" + list)}
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], list)}
}

// a0 is the first argument, or "" when there is none.
func a0(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "nclab: multi-label neural collapse toolkit\n\nUsage: nclab <command> [flags]\n       nclab help <command>   (the command's flags)\n\nCommands:")
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
