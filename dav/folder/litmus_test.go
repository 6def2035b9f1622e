package folder

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// litmusSummary matches "<- summary for `basic': of 16 tests run: 16
// passed, 0 failed. 100.0%".
var litmusSummary = regexp.MustCompile("summary for `(\\w+)': of (\\d+) tests run: (\\d+) passed, (\\d+) failed")

// TestLitmus runs the five litmus suites against the handler with a
// member's credentials and fails unless each reports every test passed,
// none failed, none skipped and no warning (litmus exits 0 regardless).
func TestLitmus(t *testing.T) {
	bin := needBinary(t, "litmus")
	e := newEnv(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, e.srv.URL+"/dav/files/team/", "bob@example.test", pw)
	cmd.Env = append(cmd.Environ(), "TESTS=basic copymove props locks http")
	cmd.Dir = t.TempDir() // litmus writes debug.log and child.log here
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("litmus: %v\n%s", err, out)
	}
	text := string(out)
	seen := map[string]bool{}
	for _, m := range litmusSummary.FindAllStringSubmatch(text, -1) {
		seen[m[1]] = true
		if m[2] != m[3] || m[4] != "0" {
			t.Errorf("litmus %s: %s of %s passed, %s failed", m[1], m[3], m[2], m[4])
		}
	}
	for _, s := range []string{"basic", "copymove", "props", "locks", "http"} {
		if !seen[s] {
			t.Errorf("litmus suite %s did not run", s)
		}
	}
	if strings.Contains(text, "WARNING") || strings.Contains(text, "warning") || strings.Contains(text, "SKIPPED") {
		t.Errorf("litmus warned or skipped tests")
	}
	if t.Failed() {
		t.Logf("litmus output:\n%s", text)
	}
}
