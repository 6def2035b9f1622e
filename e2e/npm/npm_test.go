package npm

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"groupd/e2e/internal/e2etest"
)

// prefix is the npm project the clients are pinned in (e2e/package.json).
const prefix = ".."

// TestMain installs the pinned clients with "npm ci" when node and npm
// are there and node_modules does not hold the pinned versions. A
// failure is reported by the tests (client), which then fail or skip.
func TestMain(m *testing.M) {
	if _, err := exec.LookPath("npm"); err == nil && installed() != nil {
		cmd := exec.Command("npm", "ci", "--prefix", prefix, "--no-audit", "--no-fund")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e/npm: npm ci --prefix e2e: %v\n", err)
		}
	}
	os.Exit(m.Run())
}

// installed reports a pinned package of e2e/package.json that is not
// installed at its version.
func installed() error {
	var pkg struct{ Dependencies map[string]string }
	if err := readJSON(filepath.Join(prefix, "package.json"), &pkg); err != nil {
		return err
	}
	for name, want := range pkg.Dependencies {
		var got struct{ Version string }
		if err := readJSON(filepath.Join(prefix, "node_modules", name, "package.json"), &got); err != nil {
			return fmt.Errorf("%s is not installed", name)
		}
		if got.Version != want {
			return fmt.Errorf("%s %s is installed, %s is pinned", name, got.Version, want)
		}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// client checks that node runs and the pinned clients are installed:
// without them the test skips, or fails when CI is set.
func client(t *testing.T) {
	t.Helper()
	_, nodeErr := exec.LookPath("node")
	_, npmErr := exec.LookPath("npm")
	why := ""
	switch {
	case nodeErr != nil || npmErr != nil:
		why = "node and npm are not installed"
	case installed() != nil:
		why = "the npm clients are not installed (npm ci --prefix e2e): " + installed().Error()
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; they are required in CI", why)
	}
	t.Skip(why)
}

// run runs testdata/script with node, env added to the environment, and
// decodes the JSON it prints last into out.
func run(t *testing.T, script string, env map[string]string, out any) {
	t.Helper()
	cmd := exec.Command("node", filepath.Join("testdata", script))
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s\n%s", script, err, b, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), out); err != nil {
		t.Fatalf("node %s printed %q: %v\n%s", script, b, err, stderr.String())
	}
}

// start runs the daemon with alice (master) and bob (member) of "team";
// carol is in no group.
func start(t *testing.T) *e2etest.Daemon {
	t.Helper()
	d := e2etest.Start(t, nil)
	d.Team(t)
	return d
}

// creds is the environment a script logs in with, as bob.
func creds(d *e2etest.Daemon) map[string]string {
	return map[string]string{"GROUPD_USER": "bob@example.test", "GROUPD_PASSWORD": e2etest.Password,
		"GROUPD_URL": d.URL("/")}
}
