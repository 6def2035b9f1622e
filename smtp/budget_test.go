package smtp

import (
	"bytes"
	"context"
	"strings"
	"testing"

	gosmtp "github.com/emersion/go-smtp"

	"groupd/groups"
	"groupd/internal/budget"
)

// TestBudgetRefusesPost: with the memory budget spent, a post is
// answered 452 4.3.1 (RFC 3463 §3.4) after its DATA, and a MAIL whose
// SIZE cannot be held at once (RFC 1870 §6.1); given back, the same post
// is accepted and archived whole, spooled past memBytes.
func TestBudgetRefusesPost(t *testing.T) {
	b := budget.New(16 << 20)
	w := newWorld(t, nil, func(o *Options) { o.Budget = b; o.SpoolDir = t.TempDir() })
	body := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n", 40000)
	msg := post(bob, "large", body)
	release, _ := b.TryTake(16 << 20)
	wantCode(t, send(t, w.addr, bob, []string{teamList}, msg), 452, "4.3.1")

	c, err := gosmtp.Dial(w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Mail(bob, &gosmtp.MailOptions{Size: 4 << 20}), 452, "4.3.1")

	release()
	if err := send(t, w.addr, bob, []string{teamList}, msg); err != nil {
		t.Fatalf("with the budget back: %v", err)
	}
	if b.Used() != 0 {
		t.Errorf("%d bytes of the budget still taken", b.Used())
	}
	list, err := w.st.ImapMessages(context.Background(), groups.Actor{Email: bob}, "team", groups.ImapQuery{Data: groups.ImapFullData})
	if err != nil || len(list) != 1 {
		t.Fatalf("archive: %d messages, %v", len(list), err)
	}
	if !bytes.HasSuffix(list[0].Data, []byte("\r\n\r\n"+body+"\r\n")) {
		t.Errorf("the archived post's body differs (%d bytes archived)", len(list[0].Data))
	}
}
