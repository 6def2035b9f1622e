package webdav

import (
	"os"
	"os/exec"
	"testing"
)

// needBinary finds a third-party client. When it is absent the test is
// skipped with a message saying so, unless $CI is set: then its absence
// fails the test (CI installs every client, scripts/test.sh).
func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed, and CI is set: install the Debian package %s", name, name)
		}
		t.Skipf("%s is not installed (Debian package %s); skipping this client test", name, name)
	}
	return p
}
