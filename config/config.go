package config

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is groupd's configuration: the keys of groupd.toml.
type Config struct {
	// Hostname is the HELO/EHLO name and the Message-ID domain.
	// Default "lists.example.test".
	Hostname string `toml:"hostname"`
	// DataDir holds the SQLite database (with database.driver "sqlite"),
	// the blobs and generated secrets; created (0700) when missing.
	// Default "data".
	DataDir string `toml:"data_dir"`
	// LogLevel is "debug", "info", "warn" or "error". Default "info".
	LogLevel string `toml:"log_level"`
	// ShutdownTimeout bounds how long a shutdown drains in-flight work,
	// written as a duration string ("10s"). Default 10s.
	ShutdownTimeout time.Duration `toml:"shutdown_timeout"`
	// Language is the organisation's language, "en" or "ko": the web
	// console's default (a browser asking for the other gets it) and the
	// language of notices. Default "en".
	Language string `toml:"language"`
	// PublicURL is the daemon's public HTTPS base ("https://groups.example.test"),
	// for the console links in notices. Default "": no link is made.
	PublicURL string `toml:"public_url"`

	Database   Database   `toml:"database"`
	Mail       Mail       `toml:"mail"`
	Listen     Listen     `toml:"listen"`
	TLS        TLS        `toml:"tls"`
	Submission Submission `toml:"submission"`
	IMAP       IMAP       `toml:"imap"`
	DAV        DAV        `toml:"dav"`
	Notes      Notes      `toml:"notes"`
	Limits     Limits     `toml:"limits"`
	Web        Web        `toml:"web"`
}

// Mail is the [mail] table.
type Mail struct {
	// Domains are the domains whose addresses groupd hosts; the first is
	// used for default list addresses. Default ["lists.example.test"].
	Domains []string `toml:"domains"`
	// InternalDomains are the organisation's own mail domains.
	// Default ["example.test"].
	InternalDomains []string `toml:"internal_domains"`
	// Relay is the smarthost (host:port) outbound mail is handed to.
	// Default "127.0.0.1:25".
	Relay string `toml:"relay"`
	// MaxMessageBytes is the largest message accepted. Default 25 MiB.
	MaxMessageBytes int64 `toml:"max_message_bytes"`
	// TrustedNetworks are the networks (CIDR, or a bare IP) of the
	// organisation's MTAs: inbound mail from elsewhere that claims an
	// internal sender is believed only with a passing DKIM signature of
	// that domain. Default ["127.0.0.0/8", "::1/128"].
	TrustedNetworks []string `toml:"trusted_networks"`

	// The list behaviour and the outbound queue (config/mail.go).
	Delivery
}

// Listen is the [listen] table: host:port per listener, "" disables it.
// Port 0 picks a free port (tests).
type Listen struct {
	// SMTP is inbound mail for list addresses. Default "127.0.0.1:2525".
	SMTP string `toml:"smtp"`
	// Submission is authenticated posting. Default "127.0.0.1:2587".
	Submission string `toml:"submission"`
	// IMAP is the read-only archive. Default "127.0.0.1:2143".
	IMAP string `toml:"imap"`
	// HTTP serves DAV, the API, /healthz and /metrics (HTTPS when
	// tls.http is on). Default "127.0.0.1:8080".
	HTTP string `toml:"http"`
	// Submissions is submission over implicit TLS (RFC 8314 §3.3, the
	// port 465 kind); needs tls.cert_file. Default "" (off).
	Submissions string `toml:"submissions"`
	// IMAPS is IMAP over implicit TLS (RFC 8314 §3.3, the port 993
	// kind); needs tls.cert_file. Default "" (off).
	IMAPS string `toml:"imaps"`
}

// Defaults returns the built-in configuration: SPEC §2's example, which
// runs on a laptop with everything on loopback.
func Defaults() Config {
	return Config{
		Hostname:        "lists.example.test",
		DataDir:         "data",
		LogLevel:        "info",
		ShutdownTimeout: 10 * time.Second,
		Mail: Mail{
			Domains:         []string{"lists.example.test"},
			InternalDomains: []string{"example.test"},
			Relay:           "127.0.0.1:25",
			MaxMessageBytes: 26214400,
			TrustedNetworks: []string{"127.0.0.0/8", "::1/128"},
			Delivery:        deliveryDefaults(),
		},
		Listen: Listen{
			SMTP:       "127.0.0.1:2525",
			Submission: "127.0.0.1:2587",
			IMAP:       "127.0.0.1:2143",
			HTTP:       "127.0.0.1:8080",
		},
		DAV: davDefaults(), Notes: notesDefaults(), Limits: limitsDefaults(), Web: webDefaults(), Language: "en",
		Database: databaseDefaults(),
	}
}

// Load reads the TOML file at path over Defaults, lower-cases the domain
// names and validates the result. Every problem found is in the error, one
// per line, each prefixed with path and naming its key.
func Load(path string) (Config, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return Config{}, err
	}
	cfg, md, errs := decodeAll(string(body))
	if md == nil { // a syntax error: nothing after it can be read
		return Config{}, prefixed(path, errs)
	}
	for _, k := range md.Undecoded() {
		errs = append(errs, fmt.Errorf("%s: unknown key", k))
	}
	if md.IsDefined("shutdown_timeout") && md.Type("shutdown_timeout") != "String" {
		errs = append(errs, errors.New(`shutdown_timeout: must be a duration string such as "10s"`))
	}
	cfg.normalise()
	errs = append(errs, cfg.problems()...)
	if len(errs) > 0 {
		return Config{}, prefixed(path, errs)
	}
	return cfg, nil
}

// decodeAll decodes body over Defaults. A value of the wrong type stops
// the TOML decoder at the first one; so each such line is reported and
// blanked (keeping the line numbers) and decoding starts again, so that
// every problem is listed at once (issue 15). A syntax error ends it: md
// is then nil.
func decodeAll(body string) (Config, *toml.MetaData, []error) {
	var errs []error
	lines := strings.Split(body, "\n")
	for range len(lines) + 1 {
		cfg := Defaults()
		md, err := toml.Decode(strings.Join(lines, "\n"), &cfg)
		if err == nil {
			return cfg, &md, errs
		}
		errs = append(errs, decodeError(err))
		m := lastKeyRE.FindStringSubmatch(err.Error())
		if m == nil {
			return cfg, nil, errs
		}
		n, _ := strconv.Atoi(m[1])
		if n < 1 || n > len(lines) {
			return cfg, nil, errs
		}
		lines[n-1] = ""
	}
	return Defaults(), nil, errs
}

// decodeError turns the TOML library's error into one sentence that names
// the key where there is one ("listen.http: incompatible types: ...").
func decodeError(err error) error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.LastKey != "" && !strings.Contains(msg, pe.LastKey) {
			return fmt.Errorf("%s: line %d: %s", pe.LastKey, pe.Position.Line, msg)
		}
		return fmt.Errorf("line %d: %s", pe.Position.Line, msg)
	}
	// Type mismatches come as `toml: line 2 (last key "listen.http"):
	// incompatible types: ...`.
	if m := lastKeyRE.FindStringSubmatch(err.Error()); m != nil {
		key, line, msg := m[2], m[1], m[3]
		if line == "" {
			return fmt.Errorf("%s: %s", key, msg)
		}
		return fmt.Errorf("%s: line %s: %s", key, line, msg)
	}
	return err
}

var lastKeyRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// prefixed joins errs, each prefixed with path.
func prefixed(path string, errs []error) error {
	out := make([]error, len(errs))
	for i, e := range errs {
		// One problem a line: the TOML parser quotes the text it met,
		// line breaks included ("not a binary number: '0b\n'").
		out[i] = fmt.Errorf("%s: %s", path, strings.ReplaceAll(e.Error(), "\n", `\n`))
	}
	return errors.Join(out...)
}

// normalise lower-cases the host and domain names.
func (c *Config) normalise() {
	c.Hostname = strings.ToLower(c.Hostname)
	for i, d := range c.Mail.Domains {
		c.Mail.Domains[i] = strings.ToLower(d)
	}
	for i, d := range c.Mail.InternalDomains {
		c.Mail.InternalDomains[i] = strings.ToLower(d)
	}
}
