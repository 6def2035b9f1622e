package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAdminToken(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data") // created by Start
	d, logs := startDaemon(t, testConfig(t, dir))
	path := filepath.Join(dir, "admin-token")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin-token mode %v, want 0600", fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("data_dir mode = %v (%v), want 0700", di.Mode().Perm(), err)
	}
	b, _ := os.ReadFile(path)
	tok := strings.TrimSpace(string(b))
	if len(tok) != 64 || tok != d.token {
		t.Fatalf("token file holds %q, daemon uses %q; want the same 64 hex digits", tok, d.token)
	}
	if !strings.Contains(logs.String(), path) {
		t.Errorf("log does not name %s:\n%s", path, logs)
	}
	if strings.Contains(logs.String(), tok) {
		t.Errorf("log contains the token:\n%s", logs)
	}
	if code, _ := get(t, d, "/api/v1/users", tok); code != 200 {
		t.Errorf("API with the file's token = %d, want 200", code)
	}
	if code, _ := get(t, d, "/api/v1/users", strings.Repeat("0", 64)); code != 401 {
		t.Errorf("API with another token = %d, want 401", code)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "admin-token.*"))
	if len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

func TestAdminTokenReused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	first, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	tok := first.token
	if err := first.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	second, logs := startDaemon(t, cfg)
	if second.token != tok {
		t.Fatal("second start generated a new token")
	}
	if code, _ := get(t, second, "/api/v1/users", tok); code != 200 {
		t.Errorf("API with the first start's token = %d, want 200", code)
	}
	if strings.Contains(logs.String(), tok) {
		t.Error("log contains the token")
	}
}

func TestAdminTokenWrittenByHand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "admin-token"), []byte("  my-own-secret\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, _ := startDaemon(t, testConfig(t, dir))
	if d.token != "my-own-secret" {
		t.Fatalf("token %q, want the file's, trimmed", d.token)
	}
}

func TestAdminTokenEmptyFileRefused(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "admin-token")
	if err := os.WriteFile(path, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := New(testConfig(t, dir), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = d.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Start with an empty token file = %v, want an error naming it", err)
	}
	if d.Addr("http") != nil {
		t.Error("http listening after a failed start")
	}
}
