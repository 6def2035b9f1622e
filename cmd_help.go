package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// command is a subcommand of groupd: `groupd NAME ARGS…`.
type command struct {
	name, args, summary string
	run                 func(args []string) int
}

// commands lists every subcommand, for dispatch, -h and `groupd help`.
func commands() []command {
	return []command{
		{"backup", "[-config FILE] ARCHIVE", "copy the data (database, blobs, admin token) into ARCHIVE (.tar or .tar.gz), while running or not", cmdBackup},
		{"restore", "[-config FILE] [-force] ARCHIVE", "restore a stopped groupd's data_dir from ARCHIVE", cmdRestore},
		{"copy-db", "[-config FILE] [-blobs postgres|fs] -to DSN", "copy a stopped SQLite deployment into an empty PostgreSQL database, and verify it", cmdCopyDB},
		{"selfsigned", "[-out DIR] [-host NAMES]", "make a self-signed certificate and key for a laptop set-up", cmdSelfsigned},
		{"devsink", "[-listen ADDR] [-dir DIR]", "a relay for a laptop: accept all outbound mail, print it, send nothing on", cmdDevsink},
		{"version", "", "print groupd's version and the revision it was built from", cmdVersion},
		{"help", "", "print this help", cmdHelp},
	}
}

// dispatch runs the subcommand named by args[0] and returns its exit
// status, or ok false when args name no subcommand (the daemon's flags,
// or nothing). An unknown word is an error with a suggestion (exit 2).
func dispatch(args []string) (status int, ok bool) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return 0, false
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:]), true
		}
	}
	fmt.Fprintf(os.Stderr, "groupd: unknown command %q", args[0])
	if s := suggest(args[0]); s != "" {
		fmt.Fprintf(os.Stderr, "; did you mean %q?", s)
	}
	fmt.Fprintln(os.Stderr, "\nRun 'groupd help' for the commands and flags.")
	return 2, true
}

// usage writes what `groupd -h` and `groupd help` print: the daemon's
// synopsis and flags, then every subcommand.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "Usage:\n  groupd [-config FILE] [-log-level LEVEL]\n      run the daemon (on ./groupd.toml when it exists)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  groupd %s\n      %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	fmt.Fprintln(w, "\nFlags of the daemon:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func cmdHelp([]string) int {
	usage(os.Stdout, daemonFlags())
	return 0
}

// daemonFlags is the daemon's flag set, with usage listing subcommands.
func daemonFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("groupd", flag.ExitOnError)
	fs.String("config", "", "config file (default ./groupd.toml when it exists, else built-in defaults)")
	fs.String("log-level", "", "debug, info, warn or error (default: the config's log_level)")
	fs.String("cpuprofile", "", "write a Go CPU profile of the whole run to this file (for bench/; see the README)")
	fs.Usage = func() { usage(fs.Output(), fs) }
	return fs
}

// cmdVersion prints the module version and the VCS revision and time
// that `go build` recorded (debug.ReadBuildInfo).
func cmdVersion([]string) int {
	fmt.Println(versionLine())
	return 0
}

func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "groupd (no build information)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, when, dirty := "unknown", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " (modified)"
			}
		}
	}
	return fmt.Sprintf("groupd %s, revision %s%s%s, %s", v, rev, dirty, when, info.GoVersion)
}

// suggest is the subcommand closest to word (at most 2 edits), or "".
func suggest(word string) string {
	best, bestD := "", 3
	for _, c := range commands() {
		if d := editDistance(word, c.name); d < bestD {
			best, bestD = c.name, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
