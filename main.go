// Command groupd runs the groupd daemon (SPEC §2): groupd [-config FILE]
// [-log-level LEVEL]; `groupd backup ARCHIVE` and `groupd restore ARCHIVE`
// copy its data (cmd_backup.go, cmd_restore.go); `groupd copy-db -to DSN`
// moves a stopped SQLite deployment to PostgreSQL (cmd_copydb.go); `groupd selfsigned`
// makes a certificate for a laptop (cmd_selfsigned.go); `groupd version`
// and `groupd help` (cmd_help.go, which lists every subcommand). Without -config it reads ./groupd.toml when that
// exists, else runs on the built-in defaults. SIGINT or SIGTERM shuts it
// down cleanly (exit 0); a second signal kills it at once.
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"

	"groupd/config"
	"groupd/daemon"
)

func main() {
	// Subcommands (cmd_help.go); anything else is the daemon's flags.
	if status, ok := dispatch(os.Args[1:]); ok {
		os.Exit(status)
	}
	fs := daemonFlags()
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "groupd: unexpected argument %q after the flags; run 'groupd help'\n", fs.Arg(0))
		os.Exit(2)
	}
	path, level := fs.Lookup("config").Value.String(), fs.Lookup("log-level").Value.String()
	cfg, err := loadConfig(path, level)
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd: config:\n%s\n", indent(err))
		os.Exit(1)
	}
	var lv slog.Level
	lv.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	go func() { <-ctx.Done(); stop() }() // a second signal kills at once
	stopProfile := cpuProfile(fs.Lookup("cpuprofile").Value.String())
	err = daemon.Run(ctx, cfg, log)
	stopProfile()
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd:\n%s\n", indent(err))
		os.Exit(1)
	}
}

// cpuProfile starts a CPU profile into path ("" for none) and returns
// what stops it: the benchmarks' way to see where the daemon's time goes
// (bench/lib.sh, GROUPD_CPUPROFILE).
func cpuProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd: cpuprofile: %v\n", err)
		os.Exit(1)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// loadConfig reads path, or ./groupd.toml when path is "" and it exists,
// or takes the defaults; level, when set, overrides log_level.
func loadConfig(path, level string) (config.Config, error) {
	cfg := config.Defaults()
	var err error
	switch {
	case path != "":
		cfg, err = config.Load(path)
	case fileExists("groupd.toml"):
		cfg, err = config.Load("groupd.toml")
	}
	if err != nil {
		return cfg, err
	}
	if level != "" {
		cfg.LogLevel = level
	}
	return cfg, cfg.Validate()
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, fs.ErrNotExist)
}

// indent puts each line of err's message on its own indented line.
func indent(err error) string {
	return "  " + strings.ReplaceAll(err.Error(), "\n", "\n  ")
}
