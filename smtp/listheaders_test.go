package smtp

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// forgedListFields are list fields a sender writes to take over the
// list's unsubscribe link and identity (issue 16 item 9).
const forgedListFields = "List-Unsubscribe: <https://evil.example/unsub>\r\n" +
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" +
	"List-Id: Evil <evil.evil.example>\r\nList-Post: <mailto:evil@evil.example>\r\n" +
	"Return-Path: <bounce@evil.example>\r\nPrecedence: bulk\r\n"

// fieldValues are the values of every field called name in a message.
func fieldValues(data []byte, name string) []string {
	m, err := readMessage(bytes.NewReader(data), 1<<20, 1000, "")
	if err != nil {
		return []string{"unreadable: " + err.Error()}
	}
	return m.h.Values(name)
}

// checkListFields: the copy holds groupd's list fields once each and
// nothing of the sender's.
func checkListFields(t *testing.T, out []byte) {
	t.Helper()
	head, _, _ := bytes.Cut(out, []byte("\r\n\r\n"))
	if bytes.Contains(head, []byte("evil.example")) {
		t.Errorf("the sender's list fields went out:\n%s", head)
	}
	for name, want := range map[string]string{"List-Id": "<team." + listDomain + ">", "List-Post": "<mailto:" + teamList + ">", "Precedence": "list"} {
		if v := fieldValues(out, name); len(v) != 1 || !strings.Contains(v[0], want) {
			t.Errorf("%s: %q, want one holding %s", name, v, want)
		}
	}
	for _, name := range []string{"Return-Path", "List-Unsubscribe", "List-Unsubscribe-Post"} {
		if v := fieldValues(out, name); len(v) != 0 {
			t.Errorf("%s from the sender kept: %q", name, v)
		}
	}
}

// TestUnverifiedDKIMKeepsNoListFields: a DKIM-Signature that does not
// verify, whose h= names the list fields, changes nothing: the sender's
// List-*, Return-Path and Precedence go, and the subject gets its prefix.
func TestUnverifiedDKIMKeepsNoListFields(t *testing.T) {
	w := newWorld(t, nil, func(o *Options) {
		o.SubjectPrefix = true
		o.LookupTXT = func(string) ([]string, error) { return nil, errors.New("no such key") }
	})
	w.startQueue(t, nil)
	raw := "DKIM-Signature: v=1; a=rsa-sha256; d=other.example; s=s1; c=relaxed/relaxed;\r\n" +
		" h=list-unsubscribe:list-id:return-path:list-post:precedence:subject; bh=AAAA; b=AAAA\r\n" +
		forgedListFields + post(partner, "take over", "x")
	if err := send(t, w.addr, partner, []string{teamList}, raw); err != nil {
		t.Fatal(err)
	}
	out := w.relay.waitRcpts(t, 3)[alice][0]
	checkListFields(t, out)
	if s := header(out, "Subject"); !strings.HasPrefix(s, "[Team]") {
		t.Errorf("an unverified signature kept the subject unprefixed: %q", s)
	}
}

// TestVerifiedDKIMCannotKeepListFields: even a signature that verifies
// and covers the list fields does not keep the sender's: they are the
// list's own. It keeps the Subject it covers unprefixed.
func TestVerifiedDKIMCannotKeepListFields(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var signed bytes.Buffer
	err = dkim.Sign(&signed, strings.NewReader(forgedListFields+post(partner, "signed", "x")), &dkim.SignOptions{
		Domain: "other.example", Selector: "s1", Signer: priv,
		HeaderKeys: []string{"From", "Subject", "List-Unsubscribe", "List-Id", "Return-Path", "List-Post", "Precedence"}})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, nil, func(o *Options) {
		o.SubjectPrefix = true
		o.LookupTXT = func(string) ([]string, error) {
			return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}
	})
	w.startQueue(t, nil)
	if err := send(t, w.addr, partner, []string{teamList}, signed.String()); err != nil {
		t.Fatal(err)
	}
	out := w.relay.waitRcpts(t, 3)[alice][0]
	checkListFields(t, out)
	if s := header(out, "Subject"); s != "signed" {
		t.Errorf("a verified signature of Subject: subject %q", s)
	}
}
