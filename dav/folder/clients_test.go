package folder

import (
	"os"
	"os/exec"
	"testing"
)

// needBinary skips the test when a client binary is absent, unless CI is
// set: then its absence fails the test.
func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed (CI is set)", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return p
}
