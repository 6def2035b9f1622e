package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

const twoWay = "From alice@example.test Mon Mar  2 09:00:00 2026\n" +
	"From: Alice <alice@example.test>\nTo: bob@example.test, partner@other.example\nSubject: Offsite\n\nPlan?\n\n" +
	"From bob@example.test Mon Mar  2 10:00:00 2026\nFrom: bob@example.test\nTo: alice@example.test\nSubject: Re: Offsite\n\nYes.\n"

// postMbox uploads an mbox through the convert form.
func (cl *client) postMbox(t *testing.T, mbox string, fields map[string]string) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("mbox", "conversation.mbox")
	fw.Write([]byte(mbox))
	w.Close()
	req, _ := http.NewRequest("POST", cl.e.srv.URL+"/groups/convert?_csrf="+cl.csrf, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", cl.e.srv.URL)
	return cl.do(t, req)
}

// TestConvertConversation: the participants found are shown with the
// rule of 3; with too few nothing is created; with three the group is
// created with them as members and the messages in its archive.
func TestConvertConversation(t *testing.T) {
	e := newTestEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	alice.get(t, "/groups/convert")
	st, body, _ := alice.postMbox(t, twoWay, map[string]string{"preview": "1", "public": "1"})
	page := text(body)
	if st != 200 || !strings.Contains(page, "Participants found: 3") || !strings.Contains(page, "2 of the organisation's people take part; at least 3 are needed.") ||
		!strings.Contains(page, "partner@other.example (outside the organisation: not added)") {
		t.Fatalf("preview: %d %s", st, page)
	}
	st, body, _ = alice.postMbox(t, twoWay, map[string]string{"name": "Offsite", "public": "1"})
	if st != http.StatusUnprocessableEntity || strings.Contains(body, "notice") {
		t.Fatalf("two people: %d %s", st, text(body))
	}
	if _, b := alice.get(t, "/groups?view=belong"); strings.Contains(b, "Offsite") {
		t.Fatal("a refused conversion created a group")
	}
	three := strings.Replace(twoWay, "To: bob@example.test,", "To: bob@example.test, eve@example.test,", 1)
	st, _, loc := alice.postMbox(t, three, map[string]string{"name": "Offsite", "public": "1", "notify": "1"})
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, "/g/offsite") {
		t.Fatalf("three people: %d to %q", st, loc)
	}
	_, body = alice.get(t, "/g/offsite")
	for _, who := range []string{"alice@example.test", "bob@example.test", "eve@example.test"} {
		if !strings.Contains(body, who) {
			t.Errorf("converted group lacks member %s", who)
		}
	}
	// Not an mbox: a sentence, nothing created.
	st, body, _ = alice.postMbox(t, "hello\n", map[string]string{"name": "Nope"})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "not an mbox") {
		t.Fatalf("not an mbox: %d %s", st, text(body))
	}
}
