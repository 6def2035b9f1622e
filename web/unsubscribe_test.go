package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// unsubTokens makes group "team" (master alice) with external addresses
// x and y, posts to it, and returns the unsubscribe token of each
// external address's copy, as the queue claims them.
func unsubTokens(t *testing.T, e *testEnv) map[string]string {
	t.Helper()
	ctx := context.Background()
	_, err := e.store.CreateGroup(ctx, groups.AdminActor(), groups.GroupSpec{ID: str("team"), Name: str("Team"),
		External: ptrTrue(), Masters: []string{"alice@example.test"},
		MailingList: &groups.ListSpec{ExternalMembers: &[]string{"x@other.example", "y@other.example"}}})
	if err != nil {
		t.Fatal(err)
	}
	p := &groups.Post{List: "team@lists.example.test", Sender: "alice@example.test", Verified: true,
		Data: []byte("Subject: hi\r\n\r\nbody\r\n"), Subject: "hi", MessageID: "m@x"}
	if err := e.store.AcceptPosts(ctx, []*groups.Post{p}); err != nil || p.Err != nil {
		t.Fatal(err, p.Err)
	}
	if _, err := e.store.Unbundle(ctx, 100); err != nil { // as the queue does before it takes rows
		t.Fatal(err)
	}
	items, err := e.store.DueOutbound(ctx, time.Now().Add(time.Minute), 100, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, it := range items {
		if it.Unsubscribe != "" {
			out[it.Rcpt] = it.Unsubscribe
		}
	}
	if len(out) != 2 {
		t.Fatalf("tokens %v", out)
	}
	return out
}

func externals(t *testing.T, e *testEnv) []string {
	t.Helper()
	g, err := e.store.GetGroup(context.Background(), groups.AdminActor(), "team")
	if err != nil {
		t.Fatal(err)
	}
	return g.MailingList.ExternalMembers
}

// oneClick posts body to path as a mailbox provider does (RFC 8058
// §3.2): no cookie, no CSRF token, no Origin.
func oneClick(t *testing.T, e *testEnv, path, contentType string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	st, page, _ := e.browser(t).do(t, req)
	return st, page
}

// TestUnsubscribeGetChangesNothing: GET shows the confirmation page (the
// address, the list, a button that posts the one-click body; strict CSP)
// and changes nothing, however often it is fetched.
func TestUnsubscribeGetChangesNothing(t *testing.T) {
	e := newTestEnv(t)
	tok := unsubTokens(t, e)
	path := "/u/" + tok["x@other.example"]
	for range 2 {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if csp := resp.Header.Get("Content-Security-Policy"); resp.StatusCode != http.StatusOK || !strings.Contains(csp, "script-src 'self'") {
			t.Fatalf("GET: %d, CSP %q", resp.StatusCode, csp)
		}
	}
	st, body := e.browser(t).get(t, path)
	if st != http.StatusOK || !strings.Contains(body, "x@other.example") || !strings.Contains(body, "team@lists.example.test") ||
		!strings.Contains(body, `action="`+path+`"`) || !strings.Contains(body, `name="List-Unsubscribe" value="One-Click"`) ||
		strings.Contains(body, "<script>") {
		t.Fatalf("GET: %d\n%s", st, body)
	}
	if got := externals(t, e); len(got) != 2 {
		t.Fatalf("a GET changed the list: %v", got)
	}
}

// TestUnsubscribePost: the one-click POST, urlencoded or multipart,
// without session or CSRF token, removes its address at once and only
// it; a POST without the one-click body changes nothing; the used link
// is then a 404.
func TestUnsubscribePost(t *testing.T) {
	e := newTestEnv(t)
	tok := unsubTokens(t, e)
	const form = "application/x-www-form-urlencoded"
	x := "/u/" + tok["x@other.example"]
	if st, _ := oneClick(t, e, x, form, []byte("List-Unsubscribe=Later")); st != http.StatusUnprocessableEntity {
		t.Fatalf("wrong body: %d", st)
	}
	if got := externals(t, e); len(got) != 2 {
		t.Fatalf("a POST without the one-click body changed the list: %v", got)
	}
	st, body := oneClick(t, e, x, form, []byte("List-Unsubscribe=One-Click"))
	if st != http.StatusOK || !strings.Contains(text(body), "x@other.example no longer gets the posts of Team") {
		t.Fatalf("POST: %d\n%s", st, text(body))
	}
	if got := externals(t, e); !slices.Equal(got, []string{"y@other.example"}) {
		t.Fatalf("after the POST: %v", got)
	}
	if st, _ := oneClick(t, e, x, form, []byte("List-Unsubscribe=One-Click")); st != http.StatusNotFound {
		t.Fatalf("second POST: %d", st)
	}
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("List-Unsubscribe", "One-Click")
	w.Close()
	if st, _ := oneClick(t, e, "/u/"+tok["y@other.example"], w.FormDataContentType(), mp.Bytes()); st != http.StatusOK {
		t.Fatalf("multipart POST: %d", st)
	}
	if got := externals(t, e); len(got) != 0 {
		t.Fatalf("after the multipart POST: %v", got)
	}
}

// TestUnsubscribeForged: a forged, altered or malformed token is the
// console's 404 page for GET and POST, and changes nothing.
func TestUnsubscribeForged(t *testing.T) {
	e := newTestEnv(t)
	tok := unsubTokens(t, e)
	x, y := tok["x@other.example"], tok["y@other.example"]
	alt := "a"
	if strings.HasSuffix(x, "a") {
		alt = "b"
	}
	_, missing := e.browser(t).get(t, "/no/such/page")
	for _, f := range []string{x[:len(x)-1] + alt, y[:len(y)-24] + x[len(x)-24:], "zz", url.PathEscape("../../groups")} {
		st, body := e.browser(t).get(t, "/u/"+f)
		if st != http.StatusNotFound || text(body) != text(missing) {
			t.Errorf("GET %q: %d\n%s", f, st, text(body))
		}
		if st, _ := oneClick(t, e, "/u/"+f, "application/x-www-form-urlencoded", []byte("List-Unsubscribe=One-Click")); st != http.StatusNotFound {
			t.Errorf("POST %q: %d", f, st)
		}
	}
	if got := externals(t, e); len(got) != 2 {
		t.Fatalf("a forged token changed the list: %v", got)
	}
}

func ptrTrue() *bool { b := true; return &b }
