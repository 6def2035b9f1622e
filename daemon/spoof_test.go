package daemon

import (
	"context"
	"io"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
)

// TestTrustedNetworksWired: with mail.trusted_networks not covering
// loopback, the daemon's inbound listener refuses a post that claims an
// internal member of a block_external list without a DKIM signature.
func TestTrustedNetworksWired(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	cfg.Listen.SMTP = "127.0.0.1:0"
	cfg.Mail.TrustedNetworks = []string{"10.0.0.0/8"}
	d, _ := startDaemon(t, cfg)
	ctx := context.Background()
	email, name, pw := "bob@example.test", "Bob", "correct horse battery"
	if _, err := d.store.CreateUser(ctx, groups.AdminActor(), groups.UserSpec{Email: &email, Name: &name, Password: &pw}); err != nil {
		t.Fatal(err)
	}
	id, gname, off, on := "team", "Team", false, true
	if _, err := d.store.CreateGroup(ctx, groups.AdminActor(), groups.GroupSpec{ID: &id, Name: &gname, Notify: &off,
		Masters: []string{email}, MailingList: &groups.ListSpec{BlockExternal: &on}}); err != nil {
		t.Fatal(err)
	}
	c, err := gosmtp.Dial(d.Addr("smtp").String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail(email, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("team@lists.example.test", nil); err != nil {
		t.Fatal(err)
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wc, "From: "+email+"\r\nSubject: forged\r\n\r\nhi\r\n")
	err = wc.Close()
	if err == nil || !strings.Contains(err.Error(), "DKIM") {
		t.Fatalf("forged internal sender: %v", err)
	}
}
