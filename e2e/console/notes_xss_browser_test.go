package console

import (
	"fmt"
	"strings"
	"testing"
)

// TestNoteAttachmentRunsNoScript (issue 13): an SVG carrying a script,
// attached to a note over the API, opened in Chromium from the note's
// page in the console, is a download in a sandbox with nosniff, and no
// script runs (no trace request, the origin's localStorage as it was,
// no group made).
func TestNoteAttachmentRunsNoScript(t *testing.T) {
	t.Parallel()
	d := startConsole(t)
	b := newBrowser(t)
	d.addUsers(t, userAlice, userBob)
	d.asJSON(t, userAlice, "POST", "/api/v1/groups", map[string]any{"id": "xss", "name": "XSS",
		"members": []string{userBob.Email}, "features": map[string]bool{"note": true}}, nil, 201)
	var n struct{ ID int64 }
	d.asJSON(t, userBob, "POST", "/api/v1/groups/xss/notes", map[string]any{"title": "Diagram"}, &n, 201)
	note := fmt.Sprintf("/g/xss/notes/%d", n.ID)
	api := fmt.Sprintf("/api/v1/groups/xss/notes/%d/attachments?name=evil.svg", n.ID)
	if code, body := d.as(t, userBob, "POST", api, strings.NewReader(xssFiles["evil.svg"]), "image/svg+xml"); code != 201 {
		t.Fatalf("attach the SVG: %d %s", code, body)
	}

	p := b.newTab(t, d.base)
	seen := watchResponses(t, p)
	p.signIn(t, userAlice.Email)
	p.run(t, "mark the origin's storage", evalStep(`localStorage.setItem("e2e", "kept")`))
	p.open(t, note)
	p.waitFor(t, "the attachment link", `document.querySelector("ul.attachfiles a") !== null`)
	link := evalIn[string](t, p, `document.querySelector("ul.attachfiles a").getAttribute("href")`)
	path, _, _ := strings.Cut(link, "?")
	p.visit(t, d.base+path)
	seen.check(t, path)
	ranNoScript(t, d, b, p)
}
