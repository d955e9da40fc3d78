// Package config declares service settings once, as command-line flags with
// environment-variable fallbacks, and renders them as --help text and as a
// Markdown table for the README. Precedence: an explicit flag, then the
// environment variable, then the built-in default.
//
// It also holds the setting groups every service shares: Kafka connection,
// Elasticsearch connection, and admin server / logging.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Setting describes one registered setting.
type Setting struct {
	// Flag is the flag name without dashes, Env the environment variable.
	Flag, Env string
	// Default is the default rendered as text.
	Default string
	// Usage is the one-line help.
	Usage string
	// Section groups settings in help and Markdown output.
	Section string
	// Secret hides the default in help output.
	Secret bool
}

// Set is a registry of settings over a flag.FlagSet.
type Set struct {
	name     string
	fs       *flag.FlagSet
	settings []Setting
	section  string
	// Lookup reads environment variables (os.LookupEnv by default; tests
	// replace it).
	Lookup func(string) (string, bool)
}

// NewSet returns an empty set for the program name.
func NewSet(name string) *Set {
	s := &Set{name: name, fs: flag.NewFlagSet(name, flag.ContinueOnError), Lookup: os.LookupEnv, section: "General"}
	s.fs.Usage = func() { s.WriteUsage(s.fs.Output()) }
	return s
}

// FlagSet returns the underlying flag set (for Args after Parse).
func (s *Set) FlagSet() *flag.FlagSet { return s.fs }

// Section makes the settings registered next belong to section name.
func (s *Set) Section(name string) *Set {
	s.section = name
	return s
}

// Settings returns the registered settings in registration order.
func (s *Set) Settings() []Setting { return append([]Setting(nil), s.settings...) }

// add registers v under flag and env.
func (s *Set) add(v flag.Value, name, env, usage string, secret bool) {
	s.fs.Var(v, name, usage)
	s.settings = append(s.settings, Setting{Flag: name, Env: env, Default: v.String(), Usage: usage, Section: s.section, Secret: secret})
}

// String registers a string setting stored in p.
func (s *Set) String(p *string, name, env, def, usage string) {
	*p = def
	s.add((*stringValue)(p), name, env, usage, false)
}

// Secret registers a string setting whose value is never printed.
func (s *Set) Secret(p *string, name, env, usage string) {
	*p = ""
	s.add((*stringValue)(p), name, env, usage, true)
}

// Int registers an int setting.
func (s *Set) Int(p *int, name, env string, def int, usage string) {
	*p = def
	s.add((*intValue)(p), name, env, usage, false)
}

// Bool registers a boolean setting (true, false, 1, 0).
func (s *Set) Bool(p *bool, name, env string, def bool, usage string) {
	*p = def
	s.add((*boolValue)(p), name, env, usage, false)
}

// Duration registers a duration setting (Go syntax: 500ms, 2s, 1m).
func (s *Set) Duration(p *time.Duration, name, env string, def time.Duration, usage string) {
	*p = def
	s.add((*durationValue)(p), name, env, usage, false)
}

// List registers a comma-separated list setting.
func (s *Set) List(p *[]string, name, env string, def []string, usage string) {
	*p = append([]string(nil), def...)
	s.add((*listValue)(p), name, env, usage, false)
}

// Parse parses args (without the program name), then fills every setting
// not given as a flag from its environment variable. It returns
// flag.ErrHelp after printing help for -h/--help.
func (s *Set) Parse(args []string) error {
	out := s.fs.Output()
	s.fs.SetOutput(io.Discard) // errors are returned, help printed below
	err := s.fs.Parse(args)
	s.fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		s.WriteUsage(out)
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", s.name, err)
	}
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	for _, st := range s.settings {
		if given[st.Flag] || st.Env == "" {
			continue
		}
		v, ok := s.Lookup(st.Env)
		if !ok {
			continue
		}
		if err := s.fs.Set(st.Flag, v); err != nil {
			shown := v
			if st.Secret {
				shown = "***"
			}
			errs = append(errs, fmt.Errorf("%s (from %s=%q): %w", st.Flag, st.Env, shown, err))
		}
	}
	return errors.Join(errs...)
}

// WriteUsage writes the help text: every setting with its flag, environment
// variable, default and description, grouped by section.
func (s *Set) WriteUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags]\n\nEvery flag can also be set through the environment variable shown; a flag given on the command line wins.\n", s.name)
	for _, sec := range s.sections() {
		fmt.Fprintf(w, "\n%s:\n", sec)
		for _, st := range s.settings {
			if st.Section != sec {
				continue
			}
			fmt.Fprintf(w, "  --%s", st.Flag)
			if st.Env != "" {
				fmt.Fprintf(w, "  [$%s]", st.Env)
			}
			if st.Default != "" && !st.Secret {
				fmt.Fprintf(w, "  (default %s)", st.Default)
			}
			fmt.Fprintf(w, "\n        %s\n", st.Usage)
		}
	}
}

// Markdown renders the settings as one table per section, for the README.
func (s *Set) Markdown() string {
	var b strings.Builder
	for i, sec := range s.sections() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "#### %s\n\n| Flag | Environment | Default | Description |\n|---|---|---|---|\n", sec)
		for _, st := range s.settings {
			if st.Section != sec {
				continue
			}
			def := st.Default
			if st.Secret {
				def = ""
			}
			fmt.Fprintf(&b, "| `--%s` | %s | %s | %s |\n", st.Flag, code(st.Env), code(def), mdEscape(st.Usage))
		}
	}
	return b.String()
}

// sections lists section names in first-registration order.
func (s *Set) sections() []string {
	var out []string
	seen := map[string]bool{}
	for _, st := range s.settings {
		if !seen[st.Section] {
			seen[st.Section] = true
			out = append(out, st.Section)
		}
	}
	return out
}

// code wraps non-empty text in backticks.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

// mdEscape keeps table cells intact.
func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// stringValue is the flag.Value of a string setting.
type stringValue string

// String implements flag.Value.
func (v *stringValue) String() string { return string(*v) }

// Set implements flag.Value.
func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }

// intValue is the flag.Value of an int setting.
type intValue int

// String implements flag.Value.
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }

// Set implements flag.Value.
func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not an integer: %q", s)
	}
	*v = intValue(n)
	return nil
}

// boolValue is the flag.Value of a bool setting.
type boolValue bool

// String implements flag.Value.
func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }

// IsBoolFlag marks the flag as boolean (no value needed).
func (v *boolValue) IsBoolFlag() bool { return true }

// Set implements flag.Value.
func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a boolean (true/false): %q", s)
	}
	*v = boolValue(b)
	return nil
}

// durationValue is the flag.Value of a time.Duration setting.
type durationValue time.Duration

// String implements flag.Value.
func (v *durationValue) String() string { return time.Duration(*v).String() }

// Set implements flag.Value.
func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("not a duration (like 500ms, 2s, 1m): %q", s)
	}
	*v = durationValue(d)
	return nil
}

// listValue is the flag.Value of a comma-separated list setting.
type listValue []string

// String implements flag.Value.
func (v *listValue) String() string { return strings.Join(*v, ",") }

// Set implements flag.Value.
func (v *listValue) Set(s string) error { *v = ParseList(s); return nil }

// ParseList splits a comma-separated list, trimming spaces and dropping
// empty items.
func ParseList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// CheckDocumented reports whether doc (the text of docs/configuration.md)
// holds the current Markdown of s and every setting has a description.
func (s *Set) CheckDocumented(doc string) error {
	var errs []error
	if !strings.Contains(doc, s.Markdown()) {
		errs = append(errs, fmt.Errorf("%s: docs/configuration.md is out of date: run `make docs`", s.name))
	}
	for _, st := range s.settings {
		if st.Usage == "" {
			errs = append(errs, fmt.Errorf("%s: --%s has no description", s.name, st.Flag))
		}
	}
	return errors.Join(errs...)
}
