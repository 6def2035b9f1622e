package webdav

import (
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// litmusSummary matches "<- summary for `basic': of 16 tests run: 16
// passed, 0 failed. 100.0%".
var litmusSummary = regexp.MustCompile("summary for `(\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed")

// litmusSuites are litmus 0.13's five suites and how many tests each runs
// when none is skipped.
var litmusSuites = map[string]int{"basic": 16, "copymove": 13, "props": 30, "locks": 41, "http": 4}

// TestLitmus runs litmus's five suites against the daemon's group folder
// with a member's credentials. litmus exits 0 even when tests fail, so
// the verdict comes from its "summary for" lines: every suite ran all its
// tests, all passed, and nothing warned or was skipped.
func TestLitmus(t *testing.T) {
	bin := needBinary(t, "litmus")
	e := start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, e.url("/dav/files/team/"), "bob@example.test", pw)
	cmd.Env = append(cmd.Environ(), "TESTS=basic copymove props locks http")
	cmd.Dir = t.TempDir() // litmus writes debug.log and child.log here
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("litmus: %v\n%s", err, out)
	}
	text := string(out)
	seen := map[string]bool{}
	for _, m := range litmusSummary.FindAllStringSubmatch(text, -1) {
		suite, run, passed, failed := m[1], m[2], m[3], m[4]
		seen[suite] = true
		t.Logf("litmus %s: %s of %s tests run passed, %s failed", suite, passed, run, failed)
		if run != passed || failed != "0" {
			t.Errorf("litmus %s: %s of %s passed, %s failed", suite, passed, run, failed)
		}
		if n, ok := litmusSuites[suite]; ok && run != strconv.Itoa(n) {
			t.Errorf("litmus %s: %s tests run, want all %d (some were skipped)", suite, run, n)
		}
	}
	for s := range litmusSuites {
		if !seen[s] {
			t.Errorf("litmus suite %s did not run", s)
		}
	}
	for _, bad := range []string{"WARNING", "warning:", "SKIPPED"} {
		if strings.Contains(text, bad) {
			t.Errorf("litmus output contains %q", bad)
		}
	}
	if t.Failed() {
		t.Logf("litmus output:\n%s", text)
	}
}
