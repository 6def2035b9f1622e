package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// messageWorld is a console with the group "team" (alice master, bob
// member, list team@lists.example.test) and a Post stand-in that archives
// what it is given, as the list would, and keeps it in posted.
type messageWorld struct {
	*testEnv
	posted [][]byte
	refuse error // Post's answer when set
	held   bool  // Post says the list held the post
}

func newMessageWorld(t *testing.T, public bool, mods ...func(*Options)) *messageWorld {
	t.Helper()
	w := &messageWorld{}
	w.testEnv = newTestEnv(t, append([]func(*Options){func(o *Options) {
		o.Post = func(r *http.Request, from *groups.User, list string, raw []byte) (bool, error) {
			if w.refuse != nil {
				return false, w.refuse
			}
			if w.held {
				return true, nil
			}
			if list != "team@lists.example.test" || from.Email != "bob@example.test" {
				t.Errorf("Post(%s, %s)", from.Email, list)
			}
			w.posted = append(w.posted, raw)
			_, err := w.store.ArchiveMessage(r.Context(), "team", time.Now(), "", raw)
			return false, err
		}
	}}, mods...)...)
	w.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Public: &public,
		Members: []string{"bob@example.test"}, MailingList: &groups.ListSpec{Enabled: yes(), Address: str("team@lists.example.test")}})
	return w
}

// archive stores a message in team's archive, as a list post would be.
func (w *messageWorld) archive(t *testing.T, raw string) int64 {
	t.Helper()
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
	uid, err := w.store.ArchiveMessage(context.Background(), "team", time.Now(), "", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return uid
}

func rawMail(from, subject, msgid, extra, body string) string {
	return "From: " + from + "\nSubject: " + subject + "\nMessage-ID: <" + msgid + ">\n" + extra +
		"Content-Type: text/plain; charset=utf-8\n\n" + body + "\n"
}

// threadsOf cuts a Messages page into its threads' visible texts, in
// page order.
func threadsOf(body string) []string {
	parts := strings.Split(body, `<section class="thread`)
	var out []string
	for _, p := range parts[1:] {
		p, _, _ = strings.Cut(p, "</section>")
		out = append(out, text("<x "+p))
	}
	return out
}

// TestMessagesThreads: posts are grouped by References and In-Reply-To
// (and a bare "Re:" by subject), threads come by their newest post and
// posts oldest first, so the newest post is at the bottom.
func TestMessagesThreads(t *testing.T) {
	w := newMessageWorld(t, true)
	w.archive(t, rawMail(`"Alice Kim" <alice@example.test>`, "Lunch plans", "a1@x", "", "Where shall we eat?"))
	w.archive(t, rawMail("bob@example.test", "Budget", "b1@x", "", "The budget is due."))
	w.archive(t, rawMail("Bob <bob@example.test>", "Re: Lunch plans", "a2@x", "In-Reply-To: <a1@x>\nReferences: <a1@x>\n", "Noodles!"))
	w.archive(t, rawMail("Alice <alice@example.test>", "[Team] RE: Budget", "b2@x", "", "Sent on Friday."))
	bob := w.signin(t, "bob@example.test", "password1")
	st, body := bob.get(t, "/g/team/messages")
	if st != 200 {
		t.Fatalf("messages tab: %d %s", st, text(body))
	}
	th := threadsOf(body)
	if len(th) != 2 {
		t.Fatalf("want 2 threads, got %d: %q", len(th), th)
	}
	lunch, budget := th[0], th[1]
	if !strings.Contains(lunch, "Lunch plans") || !strings.Contains(budget, "Budget") {
		t.Fatalf("thread order (newest post last): %q", th)
	}
	if i, j := strings.Index(lunch, "Where shall we eat?"), strings.Index(lunch, "Noodles!"); i < 0 || j < i {
		t.Errorf("reply not after its post in the thread: %q", lunch)
	}
	if !strings.Contains(lunch, "Alice Kim") || !strings.Contains(budget, "Sent on Friday.") {
		t.Errorf("authors or bare Re: threading: %q", th)
	}
	if !strings.HasSuffix(strings.TrimSpace(strings.Split(budget, "Reply")[0]), "Sent on Friday.") {
		t.Errorf("the newest post is not at the bottom: %q", budget)
	}
	if st, b := bob.get(t, "/g/team"); st != 200 || !strings.Contains(b, `href="/g/team/messages"`) {
		t.Errorf("no Messages tab on the group page")
	}
}

// TestMessagesHTMLShownAsText: an HTML-only post is shown as its text;
// none of its markup reaches the page.
func TestMessagesHTMLShownAsText(t *testing.T) {
	w := newMessageWorld(t, true)
	w.archive(t, "From: eve@elsewhere.example\nSubject: Offer\nMessage-ID: <h1@x>\nContent-Type: text/html; charset=utf-8\n\n"+
		`<html><head><style>p{}</style><script>alert("x")</script></head><body><p>Big <b>news</b> &amp; more</p>`+
		`<img src="https://tracker.example/p.gif" onerror="alert(1)"><iframe src="https://evil.example/"></iframe><p>Second line</p></body></html>`)
	bob := w.signin(t, "bob@example.test", "password1")
	_, body := bob.get(t, "/g/team/messages")
	post := threadsOf(body)
	if len(post) != 1 || !strings.Contains(post[0], "Big news & more") || !strings.Contains(post[0], "Second line") {
		t.Fatalf("HTML post's text: %q", post)
	}
	for _, bad := range []string{"<script>alert", "<b>news", "onerror", "tracker.example", "<iframe", `alert("x")`, "alert(&#34;x&#34;)"} {
		if strings.Contains(body, bad) {
			t.Errorf("page carries the sender's markup %q", bad)
		}
	}
}

const multipartPost = `From: Alice <alice@example.test>
Subject: Report
Message-ID: <r1@x>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=utf-8

The report is attached.
--XX
Content-Type: text/html; name="report.html"
Content-Disposition: attachment; filename="report.html"

<script>alert(document.cookie)</script>
--XX
Content-Type: image/png
Content-Disposition: inline; filename="dot.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--XX--
`

// TestMessagesAttachments: attachments are listed and downloaded by
// members only, never as active content: a sandboxing CSP, nosniff, and
// a download for all but passive images.
func TestMessagesAttachments(t *testing.T) {
	w := newMessageWorld(t, true)
	uid := w.archive(t, multipartPost)
	bob := w.signin(t, "bob@example.test", "password1")
	_, body := bob.get(t, "/g/team/messages")
	links := regexp.MustCompile(`href="(/g/team/messages/\d+/part/\d+)"[^>]*>([^<]+)<`).FindAllStringSubmatch(body, -1)
	if len(links) != 2 || links[0][2] != "report.html" || links[1][2] != "dot.png" || !strings.Contains(text(body), "The report is attached.") {
		t.Fatalf("attachments listed: %q\n%s", links, text(body))
	}
	for _, l := range links {
		req, _ := http.NewRequest("GET", w.srv.URL+l[1], nil)
		resp, err := bob.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != 200 || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("%s: %d %v", l[2], resp.StatusCode, h)
		}
		disp := h.Get("Content-Disposition")
		if l[2] == "report.html" && !strings.HasPrefix(disp, `attachment; filename="report.html"`) {
			t.Errorf("HTML attachment not a download: %q", disp)
		}
		if l[2] == "dot.png" && (h.Get("Content-Type") != "image/png" || !strings.HasPrefix(disp, "inline")) {
			t.Errorf("PNG: %q %q", h.Get("Content-Type"), disp)
		}
	}
	st, b := bob.get(t, links[0][1])
	if st != 200 || b != "<script>alert(document.cookie)</script>" {
		t.Errorf("attachment bytes: %d %q", st, b)
	}
	if st, _ := bob.get(t, "/g/team/messages/"+uidStr(uid)+"/part/0"); st != 404 {
		t.Errorf("the text part is not an attachment: %d", st)
	}
	eve := w.signin(t, "eve@example.test", "password1")
	if st, b := eve.get(t, links[0][1]); st != 403 || strings.Contains(b, "document.cookie") {
		t.Errorf("an outsider downloads an attachment: %d", st)
	}
}

// TestMessagesOutsiders: the tab, its stream and its attachments are a
// private group's content: an outsider gets the same "not found" as for
// a group that does not exist. An outsider of a public group, which they
// may know of, is told that only members read its messages.
func TestMessagesOutsiders(t *testing.T) {
	for _, public := range []bool{false, true} {
		w := newMessageWorld(t, public)
		w.archive(t, rawMail("alice@example.test", "Secret", "s1@x", "", "hush"))
		eve := w.signin(t, "eve@example.test", "password1")
		_, missing := eve.get(t, "/g/nothing/messages")
		for _, p := range []string{"/g/team/messages", "/g/team/messages/events", "/g/team/messages/1/part/0"} {
			st, b := eve.get(t, p)
			switch {
			case strings.Contains(b, "hush"):
				t.Errorf("public=%v %s shows the post", public, p)
			case !public && (st != 404 || text(b) != text(missing)):
				t.Errorf("private %s: %d %q, want the page of a missing group", p, st, text(b))
			case public && (st != 403 || !strings.Contains(text(b), "only members")):
				t.Errorf("public %s: %d %q", p, st, text(b))
			}
		}
	}
}

func uidStr(n int64) string { return strconv.FormatInt(n, 10) }

// TestMessagesPages: the tab shows the 20 threads with the newest posts;
// "Older conversations" leads to the rest, where a thread that has a
// post on the newer page does not appear again.
func TestMessagesPages(t *testing.T) {
	w := newMessageWorld(t, false)
	for i := 1; i <= 25; i++ {
		n := strconv.Itoa(i)
		w.archive(t, rawMail("alice@example.test", "Topic "+n, "t"+n+"@x", "", "Body of topic "+n+"."))
	}
	w.archive(t, rawMail("bob@example.test", "Re: Topic 1", "r1@x", "References: <t1@x>\n", "Topic one lives on."))
	bob := w.signin(t, "bob@example.test", "password1")
	_, page1 := bob.get(t, "/g/team/messages")
	th := threadsOf(page1)
	if len(th) != 20 || !strings.Contains(th[19], "Topic one lives on.") || !strings.Contains(th[0], "Topic 7") {
		t.Fatalf("page 1: %d threads, first %q, last %q", len(th), th[0], th[len(th)-1])
	}
	m := regexp.MustCompile(`href="(/g/team/messages\?before=\d+)">Older conversations<`).FindStringSubmatch(page1)
	if m == nil {
		t.Fatal("no link to older conversations")
	}
	_, page2 := bob.get(t, m[1])
	th = threadsOf(page2)
	if len(th) != 5 || !strings.Contains(th[0], "Topic 2") || !strings.Contains(th[4], "Topic 6") ||
		strings.Contains(page2, "Older conversations") || strings.Contains(page2, "data-events") {
		t.Fatalf("page 2: %q", th)
	}
}
