package console

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleScreenshots renders the console's main pages into the
// directory GROUPD_SCREENSHOTS names (scripts/screenshots.sh sets it to
// docs/), as PNGs of 1280-pixel-wide pages, from a daemon seeded with a
// few users, groups, notes, events, files and posts. Without the
// variable it skips.
func TestConsoleScreenshots(t *testing.T) {
	dir := os.Getenv("GROUPD_SCREENSHOTS")
	if dir == "" {
		t.Skip("set GROUPD_SCREENSHOTS=dir to render the console's pages into dir")
	}
	needChromium(t)
	d := startConsole(t)
	seedShowcase(t, d)
	b := newBrowser(t)

	bob := b.newTab(t, d.base)
	bob.signIn(t, userBob.Email)
	showcasePost(t, bob, "Q3 pipeline review", "Numbers are in the shared folder. Please add your accounts by Thursday.")
	alice := b.newTab(t, d.base)
	alice.signIn(t, userAlice.Email)
	showcasePost(t, alice, "Customer visit on the 14th", "I will bring the new pricing sheet. Who joins for lunch?")

	pages := []struct{ name, path string }{
		{"groups", "/groups"},
		{"group", "/g/sales"},
		{"create", "/groups/new"},
		{"folder", "/g/sales/folder"},
		{"messages", "/g/sales/messages"},
		{"admin", "/admin"},
	}
	for _, pg := range pages {
		if code := alice.open(t, pg.path); code != 200 {
			t.Fatalf("%s answered %d: %s", pg.path, code, alice.text(t))
		}
		shoot(t, alice, filepath.Join(dir, "console-"+pg.name+".png"))
	}
	alice.open(t, "/groups")
	alice.navigate(t, "switch to Korean", clickAction(`header a.lang`))
	shoot(t, alice, filepath.Join(dir, "console-groups-ko.png"))
	if review := os.Getenv("GROUPD_SCREENSHOTS_REVIEW"); review != "" {
		shootForReview(t, alice, review)
	}
}

// shootForReview renders every page of the console in English and
// Korean, at a desktop width and at a phone's (390 × 844), into dir as
// review-<page>-<lang>-<width>.png: for a person to look at after a
// change, not for the README.
func shootForReview(t *testing.T, p *browserTab, dir string) {
	pages := []struct{ name, path string }{
		{"groups", "/groups"}, {"group", "/g/sales"}, {"create", "/groups/new"}, {"edit", "/g/sales/edit"},
		{"members", "/g/sales/members"}, {"purge", "/g/sales/purge"}, {"messages", "/g/sales/messages"},
		{"notes", "/g/sales/notes"}, {"events", "/g/sales/events/month"}, {"tasks", "/g/sales/tasks"},
		{"folder", "/g/sales/folder"}, {"connect", "/g/sales/connect"}, {"admin", "/admin"},
		{"account", "/account"}, {"convert", "/groups/convert"}, {"missing", "/g/no-such-group"},
		{"held", "/g/sales/held"}, {"note", "/g/sales/notes/1"}, {"requests", "/g/sales/requests"},
	}
	for _, lang := range []string{"en", "ko"} {
		p.open(t, "/lang?l="+lang+"&back=/groups")
		for _, size := range [][2]int64{{1280, 900}, {390, 844}} {
			if _, err := chromedp.Run(p.ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
				t.Fatal(err)
			}
			for _, pg := range pages {
				p.open(t, pg.path)
				shoot(t, p, filepath.Join(dir, fmt.Sprintf("review-%s-%s-%d.png", pg.name, lang, size[0])))
			}
		}
	}
}

// shoot saves the whole page of the tab as a PNG at out.
func shoot(t *testing.T, p *browserTab, out string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, browserStepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", p.path(t), err)
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %s (%d bytes)", p.path(t), out, len(png))
}

// seedShowcase gives the daemon what a small sales organisation would
// have: five users (Alice an administrator), groups public and private
// with descriptions, a profile image, notes, upcoming events (CalDAV
// PUT) and files (WebDAV PUT).
func seedShowcase(t *testing.T, d *consoleDaemon) {
	carol, minjun := person{"carol@example.test", "Carol Diaz"}, person{"minjun@example.test", "김민준"}
	d.addUsers(t, userAlice, userBob, carol, userDave, minjun)
	d.admin(t, "PATCH", "/api/v1/users/"+userAlice.Email, map[string]any{"admin": true}, 200)
	groups := []struct {
		by   person
		body map[string]any
	}{
		{userAlice, map[string]any{"id": "sales", "name": "Sales Team", "notify": false,
			"description": "Quotes, forecasts and the weekly pipeline review.",
			"members":     []string{userBob.Email, carol.Email, userDave.Email, minjun.Email}}},
		{userAlice, map[string]any{"id": "design-review", "name": "Design Review", "public": false, "notify": false,
			"description": "Private: product designs before they are announced.", "members": []string{userBob.Email}}},
		{userBob, map[string]any{"id": "book-club", "name": "Book Club", "notify": false,
			"description": "One book a month, discussed on the last Friday.", "members": []string{userAlice.Email, carol.Email}}},
		{minjun, map[string]any{"id": "seoul-office", "name": "서울 사무소", "notify": false,
			"description": "서울 사무소 공지와 일정", "members": []string{userAlice.Email}}},
		{userDave, map[string]any{"id": "security", "name": "Security Champions", "notify": false,
			"description": "One champion per team; we review the quarter's findings."}},
	}
	for _, g := range groups {
		d.asJSON(t, g.by, "POST", "/api/v1/groups", g.body, nil, 201)
	}
	png, err := os.ReadFile(writePNG(t))
	if err != nil {
		t.Fatal(err)
	}
	if code, b := d.as(t, userAlice, "PUT", "/api/v1/groups/sales/profile", strings.NewReader(string(png)), "image/png"); code/100 != 2 {
		t.Fatalf("profile: %d %s", code, b)
	}
	for _, n := range [][2]string{{"Pricing 2025", "The new price list applies from the first of next month."},
		{"Onboarding checklist", "Accounts, CRM access, the shared folder, the weekly review."}} {
		d.asJSON(t, userAlice, "POST", "/api/v1/groups/sales/notes", map[string]string{"title": n[0], "body": n[1]}, nil, 201)
	}
	// The first note carries a photo and a file (its page is reviewed).
	for _, f := range []struct{ name, ctype, body string }{{"shelf.png", "image/png", string(png)},
		{"Price list.pdf", "application/pdf", "%PDF-1.4\n" + strings.Repeat("x", 40<<10)}} {
		if code, b := d.as(t, userAlice, "POST", "/api/v1/groups/sales/notes/1/attachments?name="+url.QueryEscape(f.name),
			strings.NewReader(f.body), f.ctype); code != 201 {
			t.Fatalf("attach %s: %d %s", f.name, code, b)
		}
	}
	day := time.Now().AddDate(0, 0, 3)
	for i, ev := range []string{"Pipeline review", "Customer visit: Hanil Motors", "Quarterly planning"} {
		start := day.AddDate(0, 0, 4*i).Format("20060102") + "T010000Z"
		ics := fmt.Sprintf("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//e2e//EN\r\nBEGIN:VEVENT\r\nUID:show-%d\r\n"+
			"DTSTAMP:20250101T000000Z\r\nDTSTART:%s\r\nDURATION:PT1H\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", i, start, ev)
		if code, b := d.as(t, userAlice, "PUT", fmt.Sprintf("/dav/calendars/sales/events/show-%d.ics", i),
			strings.NewReader(ics), "text/calendar; charset=utf-8"); code != 201 {
			t.Fatalf("event %s: %d %s", ev, code, b)
		}
	}
	if code, b := d.as(t, userAlice, "MKCOL", "/dav/files/sales/Contracts", nil, ""); code != 201 {
		t.Fatalf("MKCOL: %d %s", code, b)
	}
	for name, size := range map[string]int{"Q3 forecast.csv": 18 << 10, "Pitch deck.pdf": 2 << 20, "Price list 2025.txt": 4 << 10} {
		if code, b := d.as(t, userBob, "PUT", "/dav/files/sales/"+strings.ReplaceAll(name, " ", "%20"),
			strings.NewReader(strings.Repeat("x", size)), ""); code != 201 {
			t.Fatalf("PUT %s: %d %s", name, code, b)
		}
	}
}

// showcasePost writes a post on the Sales Team's Messages tab.
func showcasePost(t *testing.T, p *browserTab, subject, body string) {
	t.Helper()
	p.open(t, "/g/sales/messages")
	p.typeIn(t, `input[name=subject]`, subject)
	p.typeIn(t, `form:has(input[name=subject]) textarea[name=body]`, body)
	if code := p.submit(t, composerButton); code != 200 {
		t.Fatalf("posting %q answered %d: %s", subject, code, p.text(t))
	}
}
