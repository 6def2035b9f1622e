package postfix

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The names of the chain. groupd hosts listDomain (config defaults);
// the outbound Postfix hosts the members' mailboxes in memberDomain
// (groupd's internal domain) and partnerDomain (external members).
const (
	listDomain    = "lists.example.test"
	memberDomain  = "example.test"
	partnerDomain = "partner.test"
)

// inboundSettings are the main.cf lines of the inbound role: the
// organisation's MX, which relays the list domain to groupd's
// listen.smtp. The README quotes them ({conf} is /etc/postfix there).
var inboundSettings = []string{
	"relay_domains = " + listDomain,
	"transport_maps = texthash:{conf}/transport",
	"smtputf8_enable = yes",
}

// outboundSettings are the main.cf lines of the outbound role: groupd's
// mail.relay, which here delivers the members' domains to Maildirs and
// accepts an unknown user at RCPT, then bounces it with its own DSN to
// the envelope sender (groupd's VERP address), as a relay that hands
// mail on to the Internet does when the next hop refuses. The README
// quotes them ({conf} is /etc/postfix, {base} /var/mail/vhosts and
// {uid} 5000 there).
var outboundSettings = []string{
	"mynetworks = 127.0.0.0/8",
	"smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
	"virtual_mailbox_domains = " + memberDomain + ", " + partnerDomain,
	"virtual_mailbox_base = {base}",
	"virtual_mailbox_maps = texthash:{conf}/mailboxes",
	"virtual_uid_maps = static:{uid}",
	"virtual_gid_maps = static:{uid}",
	"smtpd_reject_unlisted_recipient = no",
	"smtputf8_enable = yes",
}

// instanceSettings make a private instance beside the system's own (if
// any): its own queue, data and log, loopback only, no DNS (the test
// domains do not resolve: transport_maps name every next hop), short
// retry timers. Not quoted: a real MTA has these already.
var instanceSettings = []string{
	"compatibility_level = 3.6",
	"queue_directory = {dir}/queue",
	"data_directory = {dir}/data",
	"mail_owner = postfix",
	"setgid_group = postdrop",
	"maillog_file = {dir}/postfix.log",
	"maillog_file_prefixes = {dir}",
	"myhostname = {name}." + memberDomain,
	"mydestination =",
	"alias_maps =",
	"alias_database =",
	"inet_interfaces = 127.0.0.1",
	"inet_protocols = ipv4",
	"smtp_dns_support_level = disabled",
	"smtpd_peername_lookup = no",
	"queue_run_delay = 1s",
	"minimal_backoff_time = 1s",
	"maximal_backoff_time = 2s",
	"delay_warning_time = 0",
}

// masterCF is the instance's master.cf: smtpd on its loopback port and
// the services delivery needs, none chrooted.
const masterCF = `127.0.0.1:{port} inet n - n - - smtpd
pickup    unix n - n 60 1 pickup
cleanup   unix n - n -  0 cleanup
qmgr      unix n - n 300 1 qmgr
rewrite   unix - - n -  - trivial-rewrite
bounce    unix - - n -  0 bounce
defer     unix - - n -  0 bounce
trace     unix - - n -  0 bounce
verify    unix - - n -  1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n -  - proxymap
showq     unix n - n -  - showq
error     unix - - n -  - error
retry     unix - - n -  - error
discard   unix - - n -  - discard
smtp      unix - - n -  - smtp
relay     unix - - n -  - smtp
virtual   unix - n n -  - virtual
anvil     unix - - n -  1 anvil
scache    unix - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
`

// role is what one instance is for.
type role struct {
	name      string            // "mx" (inbound) or "relay" (outbound)
	settings  []string          // inboundSettings or outboundSettings
	plumbing  []string          // more main.cf lines, for the test only
	transport map[string]string // domain → next hop
	mailboxes map[string]string // address → Maildir under the base
}

// writeConfig writes main.cf, master.cf and the maps of r into dir/conf.
func writeConfig(dir string, port, uid int, r role) error {
	conf := filepath.Join(dir, "conf")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		return err
	}
	fill := strings.NewReplacer("{dir}", dir, "{conf}", conf, "{base}", filepath.Join(dir, "mail"),
		"{uid}", fmt.Sprint(uid), "{name}", r.name, "{port}", fmt.Sprint(port))
	lines := append(append(append([]string{}, instanceSettings...), r.settings...), r.plumbing...)
	files := map[string]string{
		"main.cf":   fill.Replace(strings.Join(lines, "\n") + "\n"),
		"master.cf": fill.Replace(masterCF),
		"transport": mapFile(r.transport),
		"mailboxes": mapFile(r.mailboxes),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// mapFile is a texthash table: one "key value" line per entry.
func mapFile(m map[string]string) string {
	var b strings.Builder
	for k, v := range m {
		fmt.Fprintf(&b, "%s %s\n", k, v)
	}
	return b.String()
}

// TestREADMEQuotesSettings: the README's deployment section quotes every
// role line the test gives Postfix, with the paths a real host would use.
func TestREADMEQuotesSettings(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	must(t, err)
	lines := map[string]bool{}
	for _, l := range strings.Split(string(readme), "\n") {
		lines[l] = true
	}
	real := strings.NewReplacer("{conf}", "/etc/postfix", "{base}", "/var/mail/vhosts", "{uid}", "5000")
	for _, l := range append(append([]string{}, inboundSettings...), outboundSettings...) {
		if l = real.Replace(l); !lines[l] {
			t.Errorf("README.md does not quote the main.cf line %q", l)
		}
	}
}
