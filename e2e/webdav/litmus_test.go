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

// litmusSuite is one of litmus 0.13's five suites and how many tests it
// runs when none is skipped.
type litmusSuite struct {
	name  string
	tests int
}

func litmusSuites() []litmusSuite {
	return []litmusSuite{{"basic", 16}, {"copymove", 13}, {"props", 30}, {"locks", 41}, {"http", 4}}
}

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
		seen[suite+"/"+run] = true
	}
	for _, s := range litmusSuites() {
		if !seen[s.name] {
			t.Errorf("litmus suite %s did not run", s.name)
		} else if !seen[s.name+"/"+strconv.Itoa(s.tests)] {
			t.Errorf("litmus %s: not all %d tests ran (some were skipped)", s.name, s.tests)
		}
	}
	// litmus prints "WARNING:" and "-> 1 warning issued." for warnings,
	// "SKIPPED" and "tests were skipped" for skips.
	for _, bad := range []string{"warning", "skipped"} {
		if strings.Contains(strings.ToLower(text), bad) {
			t.Errorf("litmus output says %q", bad)
		}
	}
	if t.Failed() {
		t.Logf("litmus output:\n%s", text)
	}
}
