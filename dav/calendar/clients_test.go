package calendar

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// need returns the path of a third-party client, skipping the test when
// it is missing unless CI is set (then the test fails).
func need(t *testing.T, path string, check ...string) string {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		if len(check) == 0 || exec.Command(path, check...).Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s %v is required in CI", path, check)
	}
	t.Skipf("%s %v not available", path, check)
	return ""
}

// TestPythonCaldav drives python3-caldav (Debian, /usr/bin/python3):
// discovery through /.well-known/caldav, the group calendar, saving
// events, a date search that finds a recurring event months later, an
// edit and a delete.
func TestPythonCaldav(t *testing.T) {
	t.Parallel()
	py := need(t, "/usr/bin/python3", "-c", "import caldav")
	e := newEnv(t, Options{})
	out, err := exec.Command(py, "testdata/pycaldav.py", e.srv.URL+"/.well-known/caldav", "bob@example.test", pw).CombinedOutput()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "OK") {
		t.Fatalf("pycaldav: %v\n%s", err, out)
	}
}
