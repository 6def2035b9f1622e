package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLine (issue 15): help and version are commands, not the
// daemon; -h and help list every subcommand; an unknown one is an error
// with a suggestion; version names the build's revision.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "groupd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = t.TempDir() // no groupd.toml: a daemon would start on the defaults
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	for _, args := range [][]string{{"help"}, {"-h"}} {
		out, code := run(args...)
		if (args[0] == "help" && code != 0) || (args[0] == "-h" && code != 0 && code != 2) {
			t.Errorf("groupd %s exited %d", args[0], code)
		}
		for _, want := range []string{"groupd backup", "groupd restore", "groupd selfsigned", "groupd devsink", "groupd version", "groupd help", "-config", "-log-level"} {
			if !strings.Contains(out, want) {
				t.Errorf("groupd %s does not list %q:\n%s", args[0], want, out)
			}
		}
	}
	out, code := run("version")
	if code != 0 || !strings.HasPrefix(out, "groupd ") || !strings.Contains(out, "revision ") || !strings.Contains(out, "go1.") {
		t.Errorf("groupd version: %d %q", code, out)
	}
	out, code = run("bakup", "x.tar")
	if code != 2 || !strings.Contains(out, `unknown command "bakup"; did you mean "backup"?`) {
		t.Errorf("groupd bakup: %d %q", code, out)
	}
	out, code = run("frobnicate")
	if code != 2 || strings.Contains(out, "did you mean") || !strings.Contains(out, "groupd help") {
		t.Errorf("groupd frobnicate: %d %q", code, out)
	}
	out, code = run("-log-level", "debug", "stray")
	if code != 2 || !strings.Contains(out, `unexpected argument "stray"`) {
		t.Errorf("a stray argument: %d %q", code, out)
	}
}
