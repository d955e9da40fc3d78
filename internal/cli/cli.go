// Package cli is the small amount of command-line plumbing the three service
// binaries share: subcommand dispatch, help, version and exit codes.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/wirestream/wirestream/pkg/buildinfo"
)

// Command is one subcommand.
type Command struct {
	// Summary is the one-line description shown in the command list.
	Summary string
	// Run executes the subcommand with its arguments.
	Run func(ctx context.Context, args []string) error
}

// Main dispatches os.Args to the named subcommands of program and exits with
// 0 on success, 2 on a usage error and 1 on any other failure. With no
// subcommand (or only flags) it runs def.
func Main(program, about, def string, cmds map[string]Command) {
	os.Exit(Run(context.Background(), program, about, def, cmds, os.Args[1:], os.Stderr))
}

// Run is Main without the exit, for tests.
func Run(ctx context.Context, program, about, def string, cmds map[string]Command, args []string, stderr io.Writer) int {
	name := def
	if len(args) > 0 && (len(args[0]) == 0 || args[0][0] != '-') {
		name, args = args[0], args[1:]
	}
	switch name {
	case "help", "-h", "--help":
		usage(program, about, cmds, stderr)
		return 0
	case "version":
		fmt.Fprintf(stderr, "%s %s\n", program, buildinfo.Version())
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(stderr, "%s: unknown command %q\n\n", program, name)
		usage(program, about, cmds, stderr)
		return 2
	}
	if err := cmd.Run(ctx, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "%s %s: %v\n", program, name, err)
		var ue *UsageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// UsageError marks an error in the command line itself (exit code 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usage(program, about string, cmds map[string]Command, w io.Writer) {
	fmt.Fprintf(w, "%s: %s\n\nUsage: %s <command> [flags]\n\nCommands:\n", program, about, program)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmds[n].Summary)
	}
	fmt.Fprintf(w, "  %-12s %s\n  %-12s %s\n\nRun '%s <command> --help' for a command's flags.\n", "version", "print the version", "help", "this text", program)
}
