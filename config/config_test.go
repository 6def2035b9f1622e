package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// writeFile writes body to a groupd.toml in a temp dir and returns its path.
func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "groupd.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsValid(t *testing.T) {
	t.Parallel()
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("Defaults().Validate() = %v", err)
	}
}

func TestLoadEmptyFileIsDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, "# nothing\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, Defaults()) {
		t.Fatalf("Load(empty) = %+v, want Defaults() %+v", got, Defaults())
	}
}

func TestLoadOverridesDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, `
hostname = "Mail.Corp.Example"
data_dir = "/var/lib/groupd"
log_level = "debug"
shutdown_timeout = "3s"
[mail]
domains = ["Lists.Corp.Example", "groups.corp.example"]
internal_domains = ["corp.example"]
relay = "smtp.corp.example:587"
max_message_bytes = 1000
from_rewrite = "external"
subject_prefix = true
list_rate = 600
bounce_limit = 3
relay_concurrency = 2
retry = ["30s", "10m"]
give_up = "48h"
hold_days = 7
digest_hour = 0
timezone = "Asia/Seoul"
digest_max_bytes = 65536
[listen]
smtp = "0.0.0.0:25"
submission = ""
imap = "[::1]:143"
http = ":8081"
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Hostname: "mail.corp.example", DataDir: "/var/lib/groupd", LogLevel: "debug",
		ShutdownTimeout: 3 * time.Second,
		Mail: Mail{Domains: []string{"lists.corp.example", "groups.corp.example"},
			InternalDomains: []string{"corp.example"}, Relay: "smtp.corp.example:587", MaxMessageBytes: 1000,
			TrustedNetworks: []string{"127.0.0.0/8", "::1/128"},
			Delivery: Delivery{FromRewrite: "external", SubjectPrefix: true, ListRate: 600, BounceLimit: 3,
				RelayConcurrency: 2, Retry: []time.Duration{30 * time.Second, 10 * time.Minute}, GiveUp: 48 * time.Hour, HoldDays: 7,
				DigestHour: 0, Timezone: "Asia/Seoul", DigestMaxBytes: 65536}},
		Listen: Listen{SMTP: "0.0.0.0:25", Submission: "", IMAP: "[::1]:143", HTTP: ":8081"},
		DAV:    davDefaults(), Notes: notesDefaults(), Limits: limitsDefaults(), Web: webDefaults(), Language: "en",
		Database: databaseDefaults(),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Load = %+v\nwant %+v", got, want)
	}
}

// TestLoadBad: each impossible value is refused with an error naming its
// key and the value.
func TestLoadBad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, toml, want string }{
		{"listen not host:port", `[listen]` + "\n" + `http = "nope"`, `listen.http: "nope" is not host:port`},
		{"listen bad port", `[listen]` + "\n" + `smtp = "127.0.0.1:99999"`, `listen.smtp: in "127.0.0.1:99999" the port 99999 is out of range: ports go from 0 to 65535`},
		{"listen port name", `[listen]` + "\n" + `imap = "127.0.0.1:imap"`, `listen.imap: in "127.0.0.1:imap" the port "imap" is not a number`},
		{"listen twice", `[listen]` + "\n" + `submission = "127.0.0.1:8080"`, `listen.http: 127.0.0.1:8080 is already listen.submission`},
		{"relay without host", `[mail]` + "\n" + `relay = ":25"`, `mail.relay: ":25" has no host`},
		{"relay without port", `[mail]` + "\n" + `relay = "smarthost"`, `mail.relay: "smarthost" is not host:port`},
		{"relay empty", `[mail]` + "\n" + `relay = ""`, `mail.relay: "" is not host:port`},
		{"domains empty", `[mail]` + "\n" + `domains = []`, `mail.domains: must list at least one domain`},
		{"internal domains empty", `[mail]` + "\n" + `internal_domains = []`, `mail.internal_domains: must list at least one domain`},
		{"domain invalid", `[mail]` + "\n" + `domains = ["ok.example", "bad_domain.example"]`, `mail.domains[1]: "bad_domain.example" is not a domain name`},
		{"domain empty label", `[mail]` + "\n" + `internal_domains = ["a..b"]`, `mail.internal_domains[0]: "a..b" is not a domain name`},
		{"domain hyphen", `[mail]` + "\n" + `domains = ["-x.example"]`, `mail.domains[0]: "-x.example" is not a domain name`},
		{"domain twice", `[mail]` + "\n" + `domains = ["a.example", "A.example"]`, `mail.domains[1]: "a.example" is listed twice`},
		{"max bytes zero", `[mail]` + "\n" + `max_message_bytes = 0`, `mail.max_message_bytes: 0 is not a positive number`},
		{"max bytes negative", `[mail]` + "\n" + `max_message_bytes = -5`, `mail.max_message_bytes: -5 is not a positive number`},
		{"from_rewrite", `[mail]` + "\n" + `from_rewrite = "sometimes"`, `mail.from_rewrite: "sometimes" is not one of never, external, always`},
		{"list_rate negative", `[mail]` + "\n" + `list_rate = -1`, `mail.list_rate: -1 is not a number of posts per hour`},
		{"bounce_limit zero", `[mail]` + "\n" + `bounce_limit = 0`, `mail.bounce_limit: 0 is not a positive number`},
		{"relay_concurrency zero", `[mail]` + "\n" + `relay_concurrency = 0`, `mail.relay_concurrency: 0 is not a positive number`},
		{"retry empty", `[mail]` + "\n" + `retry = []`, `mail.retry: must list at least one duration`},
		{"retry integer", `[mail]` + "\n" + `retry = ["1m", 60]`, `mail.retry[1]: 60ns is not a duration of at least 1s`},
		{"retry unparsable", `[mail]` + "\n" + `retry = ["soon"]`, `mail.retry`},
		{"give_up short", `[mail]` + "\n" + `give_up = "30s"`, `mail.give_up: 30s is not a duration of at least 1m`},
		{"subject_prefix type", `[mail]` + "\n" + `subject_prefix = "yes"`, `mail.subject_prefix: line 2: incompatible types`},
		{"hostname empty", `hostname = ""`, `hostname: must not be empty`},
		{"hostname invalid", `hostname = "lists example"`, `hostname: "lists example" is not a domain name`},
		{"data_dir empty", `data_dir = ""`, `data_dir: must not be empty`},
		{"public_url http", `public_url = "http://groups.example.test"`, `public_url: "http://groups.example.test" must be https`},
		{"public_url relative", `public_url = "/groups"`, `public_url: "/groups" is not an absolute URL`},
		{"public_url query", `public_url = "https://g.example.test/?a=1"`, `public_url: "https://g.example.test/?a=1" is not an absolute URL`},
		{"attachment bytes zero", `[notes]` + "\n" + `max_attachment_bytes = 0`, `notes.max_attachment_bytes: 0 is not a positive number of bytes`},
		{"attachment bytes text", `[notes]` + "\n" + `max_attachment_bytes = "big"`, `notes.max_attachment_bytes`},
		{"hold_days zero", `[mail]` + "\n" + `hold_days = 0`, `mail.hold_days: 0 is not a positive number of days`},
		{"digest_hour 24", `[mail]` + "\n" + `digest_hour = 24`, `mail.digest_hour: 24 is not an hour of the day (0 to 23)`},
		{"digest_hour negative", `[mail]` + "\n" + `digest_hour = -1`, `mail.digest_hour: -1 is not an hour of the day`},
		{"timezone unknown", `[mail]` + "\n" + `timezone = "Mars/Olympus"`, `mail.timezone: "Mars/Olympus" is not an IANA time zone name`},
		{"timezone empty", `[mail]` + "\n" + `timezone = ""`, `mail.timezone: "" is not an IANA time zone name`},
		{"digest_max_bytes small", `[mail]` + "\n" + `digest_max_bytes = 10`, `mail.digest_max_bytes: 10 is not a number of bytes of at least 1024`},
		{"log level", `log_level = "loud"`, `log_level: "loud" is not one of debug, info, warn, error`},
		{"shutdown negative", `shutdown_timeout = "-1s"`, `shutdown_timeout: -1s is not a positive duration`},
		{"shutdown unparsable", `shutdown_timeout = "soon"`, `shutdown_timeout`},
		{"shutdown integer", `shutdown_timeout = 5`, `shutdown_timeout: must be a duration string such as "10s"`},
		{"unknown key", `[listen]` + "\n" + `htp = "127.0.0.1:1"`, `listen.htp: unknown key`},
		{"unknown table", `[mial]` + "\n" + `relay = "x:1"`, `mial.relay: unknown key`},
		{"unknown top key", `hostnme = "x"`, `hostnme: unknown key`},
		{"wrong type string", `[listen]` + "\n" + `http = 8080`, `listen.http: line 2: incompatible types`},
		{"wrong type int", `[mail]` + "\n" + `max_message_bytes = "big"`, `mail.max_message_bytes: line 2: incompatible types`},
		{"wrong type list", `[mail]` + "\n" + `domains = "lists.example.test"`, `mail.domains: line 2: incompatible types`},
		{"not toml", `hostname = `, `line 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := writeFile(t, tc.toml)
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load(%q) succeeded, want error containing %q", tc.toml, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load(%q) = %q, want it to contain %q", tc.toml, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), p+": ") {
				t.Fatalf("error %q does not start with the file name %q", err, p)
			}
		})
	}
}

// TestAllProblemsTogether: one Load reports every problem, one per line.
func TestAllProblemsTogether(t *testing.T) {
	t.Parallel()
	p := writeFile(t, `
log_level = "chatty"
bogus = 1
[mail]
domains = []
relay = ":25"
max_message_bytes = 0
digest_hour = 25
timezone = "Nowhere/Else"
[listen]
http = "nope"
`)
	_, err := Load(p)
	if err == nil {
		t.Fatal("Load succeeded")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"bogus: unknown key", "log_level:", "mail.domains:", "mail.relay:", "mail.max_message_bytes:",
		"mail.digest_hour:", "mail.timezone:", "listen.http:"} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, p+": ") && strings.Contains(l, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("error lacks a line with %q:\n%s", want, err)
		}
	}
	if len(lines) != 8 {
		t.Errorf("got %d lines, want 8:\n%s", len(lines), err)
	}
}

// TestTypeErrorsWithTheRest (issue 15): a value of the wrong type no
// longer hides the other problems: every type error, unknown key and
// impossible value is listed, type errors with their lines.
func TestTypeErrorsWithTheRest(t *testing.T) {
	t.Parallel()
	p := writeFile(t, `log_level = "chatty"
[mail]
max_message_bytes = "big"
relay = ":25"
subject_prefix = "yes"
[listen]
http = 8080
smtp = "127.0.0.1:99999"
[web]
colour = 1
`)
	_, err := Load(p)
	if err == nil {
		t.Fatal("Load succeeded")
	}
	want := []string{"mail.max_message_bytes: line 3: incompatible types", "mail.subject_prefix: line 5: incompatible types",
		"listen.http: line 7: incompatible types", "web.colour: unknown key", "log_level:", "mail.relay:",
		`listen.smtp: in "127.0.0.1:99999" the port 99999 is out of range`}
	for _, w := range want {
		if !strings.Contains(err.Error(), p+": "+w) {
			t.Errorf("error lacks %q:\n%s", w, err)
		}
	}
	if n := len(strings.Split(err.Error(), "\n")); n != len(want) {
		t.Errorf("got %d lines, want %d:\n%s", n, len(want), err)
	}
}

func TestValidateReportsAll(t *testing.T) {
	t.Parallel()
	c := Defaults()
	c.Hostname = ""
	c.Mail.InternalDomains = nil
	c.Listen.IMAP = "x"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate succeeded")
	}
	for _, want := range []string{"hostname:", "mail.internal_domains:", "listen.imap:"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %q, lacks %q", err, want)
		}
	}
}

func TestListenDisabledAndPortZero(t *testing.T) {
	t.Parallel()
	c := Defaults()
	c.Listen = Listen{SMTP: "", Submission: "127.0.0.1:0", IMAP: "127.0.0.1:0", HTTP: "127.0.0.1:0"}
	if err := c.Validate(); err != nil {
		t.Fatalf("empty and port-0 listeners refused: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "absent.toml")
	if _, err := Load(p); err == nil || !strings.Contains(err.Error(), p) {
		t.Fatalf("Load(absent) = %v, want an error naming the file", err)
	}
}

// TestShippedConfig: the repository's groupd.toml loads as is and sets
// every key to its default (it documents them), but for the relay port
// and the data directory it names.
func TestShippedConfig(t *testing.T) {
	t.Parallel()
	got, err := Load("../groupd.toml")
	if err != nil {
		t.Fatalf("the shipped groupd.toml does not load: %v", err)
	}
	want := Defaults()
	want.Mail.Relay = got.Mail.Relay
	want.DataDir = got.DataDir
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groupd.toml differs from Defaults() beyond relay and data_dir:\n got %+v\nwant %+v", got, want)
	}
}

// TestPublicURLAccepted: https anywhere, http on loopback only.
func TestPublicURLAccepted(t *testing.T) {
	for _, u := range []string{"", "https://groups.example.test", "https://groups.example.test:8443/base/",
		"http://127.0.0.1:8080", "http://localhost", "http://[::1]:80"} {
		if err := checkPublicURL(u); err != nil {
			t.Errorf("%q: %v", u, err)
		}
	}
}
