package mail

import (
	"bytes"
	"io"
	"strings"
	"testing"

	gomessage "github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"groupd/config"
)

// readNotice reads a message the relay got as a mail client would: the
// decoded Subject (RFC 2047), the header, and the decoded body.
func readNotice(t *testing.T, raw []byte) (string, gomail.Header, string) {
	t.Helper()
	e, err := gomessage.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("a notice does not parse: %v\n%s", err, raw)
	}
	body, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	h := gomail.Header{Header: e.Header}
	subject, _ := h.Subject()
	return subject, h, strings.ReplaceAll(string(body), "\r\n", "\n")
}

// TestNoticesFromDaemon (issue 15): through the real daemon with
// language = "ko", a new group's members get its creation notice in
// Korean, naming people by display name and address; a member who tries
// to leave is told that members cannot leave; the member a master
// removes is told with the others; and a join request mailed to -join@
// reaches the master quoting the requester's subject and words, with the
// requester as Reply-To.
func TestNoticesFromDaemon(t *testing.T) {
	e := start(t, func(c *config.Config) { c.Language = "ko" })
	for email, name := range map[string]string{alice: "김앨리스", bob: "Bob Lee"} {
		if c, b := e.d.API(t, "PATCH", "/api/v1/users/"+email, "", map[string]any{"name": name}); c != 200 {
			t.Fatalf("PATCH %s: %d %s", email, c, b)
		}
	}
	e.d.Group(t, "dev", "개발팀", alice, []string{bob}, nil)
	c, b := e.d.API(t, "DELETE", "/api/v1/groups/dev/members/"+bob, bob, nil)
	if c != 403 || !strings.Contains(string(b), "members cannot leave a group") {
		t.Fatalf("bob leaving: %d %s, want 403 saying members cannot leave", c, b)
	}
	if c, b := e.d.API(t, "DELETE", "/api/v1/groups/dev/members/"+bob, alice, nil); c != 204 {
		t.Fatalf("alice removing bob: %d %s", c, b)
	}
	join := "From: Eve Example <" + stranger + ">\r\nTo: dev-join@" + domain + "\r\nSubject: 가입 요청\r\n" +
		"Message-ID: <join1@elsewhere.example>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		"안녕하세요,\r\n개발팀에 들어가고 싶습니다.\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML words</p>\r\n--b--\r\n"
	if err := e.sendMail(stranger, "dev-join@"+domain, join); err != nil {
		t.Fatalf("join request: %v", err)
	}
	got := e.settle()

	bobs := map[string]string{}
	for _, m := range got[bob] {
		s, _, body := readNotice(t, m)
		bobs[s] = body
	}
	created := `"개발팀" 그룹이 만들어졌습니다 (만든 사람: 김앨리스 <alice@example.test>)`
	edited := `"개발팀" 그룹이 변경되었습니다 (변경한 사람: 김앨리스 <alice@example.test>)`
	if body, ok := bobs[created]; !ok || !strings.Contains(body, "멤버: Bob Lee <bob@example.test>\n") ||
		!strings.Contains(body, "설명: (없음)\n") {
		t.Errorf("bob's creation notice is missing or wrong: %q", bobs)
	}
	if body, ok := bobs[edited]; !ok || !strings.Contains(body, "그룹에서 내보냄: Bob Lee <bob@example.test>") {
		t.Errorf("bob, removed, was not told: %q", bobs)
	}

	var request string
	for _, m := range got[alice] {
		s, h, body := readNotice(t, m)
		if !strings.Contains(s, "가입 요청") {
			continue
		}
		request = body
		if rt, err := h.AddressList("Reply-To"); err != nil || len(rt) != 1 || rt[0].Address != stranger || rt[0].Name != "Eve Example" {
			t.Errorf("join request Reply-To %v (%v), want Eve Example <%s>", rt, err, stranger)
		}
	}
	for _, want := range []string{"Eve Example <" + stranger + ">", "제목: 가입 요청\n", "> 안녕하세요,\n> 개발팀에 들어가고 싶습니다.\n"} {
		if !strings.Contains(request, want) {
			t.Errorf("alice's join request lacks %q:\n%s", want, request)
		}
	}
	if strings.Contains(request, "HTML words") {
		t.Errorf("the join request quotes HTML:\n%s", request)
	}
}
