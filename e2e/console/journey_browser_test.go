package console

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// consoleJourney is what the steps of TestConsoleJourney share: the
// daemon, the browser, one tab (own cookies) per person, and the group
// that Alice creates.
type consoleJourney struct {
	d                      *consoleDaemon
	b                      *consoleBrowser
	alice, bob, dave, erin *browserTab

	id      string   // the group's id, read from its page's address
	name    string   // 100 Korean characters
	address string   // the custom list address
	public  string   // the name of a public group Erin may find
	typed   []string // more words users typed, which pages show
}

// TestConsoleJourney clicks through the console in Chromium as Alice (who
// creates a group), Bob (picked as a member), Dave (added later) and Erin
// (an outsider), issue 11's acceptance list in order. The last check,
// that no page reached another host, always runs.
func TestConsoleJourney(t *testing.T) {
	needChromium(t)
	d := startConsole(t)
	d.addUsers(t, userAlice, userBob, userDave, userErin)
	b := newBrowser(t)
	j := &consoleJourney{d: d, b: b,
		alice: b.newTab(t, d.base), bob: b.newTab(t, d.base), dave: b.newTab(t, d.base), erin: b.newTab(t, d.base),
		name: strings.Repeat("가나다라마", 20), address: "hangul-team@lists.example.test", public: "가나다 공개방"}
	// A step that later steps build on ends the journey when it fails.
	steps := []struct {
		name   string
		run    func(*testing.T)
		needed bool
	}{
		{"SignIn", j.signIn, true},
		{"CreateGroup", j.createGroup, true},
		{"ViewTabs", j.viewTabs, true}, // Bob signs in
		{"OutsiderFindsNothing", j.outsider, false},
		{"AddMember", j.addMember, true}, // Dave signs in
		{"PostFromMessages", j.postMessage, false},
		{"UploadToFolder", j.uploadFile, false},
		{"CreateEvent", j.createEvent, false},
		{"PurgeNotes", j.purgeNotes, false},
		{"NoCSRFToken", j.noCSRF, false},
		{"DisabledFeature", j.disabledFeature, false},
		{"KoreanPages", j.korean, false},
		{"DeleteGroup", j.deleteGroup, false},
	}
	for _, s := range steps {
		if !t.Run(s.name, s.run) && s.needed {
			break
		}
	}
	t.Run("OnlyTheDaemon", func(t *testing.T) {
		foreign, seen := b.foreignRequests(d.host)
		if !slices.Contains(seen, d.base+"/static/app.js") || !slices.Contains(seen, d.base+"/static/app.css") {
			t.Fatalf("Chromium's network events do not show the pages' own script and style sheet: %v", seen)
		}
		if len(foreign) > 0 {
			t.Fatalf("pages requested %d URLs of other hosts than %s: %v", len(foreign), d.host, foreign)
		}
	})
}

// signIn: a signed-out visit goes to the sign-in form; a wrong password
// is refused with a sentence and the address kept; the right one lands on
// the groups page with Alice's name in the header.
func (j *consoleJourney) signIn(t *testing.T) {
	p, d := j.alice, j.d
	p.open(t, "/groups")
	if got := p.path(t); !strings.HasPrefix(got, "/signin?next=") {
		t.Fatalf("a signed-out visit to /groups is at %s, want the sign-in form", got)
	}
	p.typeIn(t, `input[name=email]`, userAlice.Email)
	p.typeIn(t, `input[name=password]`, "not-the-password")
	if code := p.submit(t, `main form button[type=submit]`); code != 401 {
		t.Fatalf("a wrong password answered %d, want 401", code)
	}
	p.see(t, d.say(t, "signin.wrong"))
	if v := evalIn[string](t, p, `document.querySelector("input[name=email]").value`); v != userAlice.Email {
		t.Fatalf("the refused form kept the address %q, want %q", v, userAlice.Email)
	}
	p.typeIn(t, `input[name=password]`, consolePassword)
	if code := p.submit(t, `main form button[type=submit]`); code != 200 {
		t.Fatalf("signing in answered %d", code)
	}
	if got := p.path(t); got != "/groups" {
		t.Fatalf("after signing in the browser is at %s, want /groups", got)
	}
	if who := evalIn[string](t, p, `document.querySelector("header .who").innerText`); who != userAlice.Name {
		t.Fatalf("the header names %q, want %q", who, userAlice.Name)
	}
}

// createGroup: the create form with a PNG profile image, a 100-character
// Korean name (the counter says 100 / 100), Bob picked from the people
// picker's suggestions, the folder off, the list on at a custom address,
// private. The group's page shows it all, and the API agrees.
func (j *consoleJourney) createGroup(t *testing.T) {
	p, d := j.alice, j.d
	p.navigate(t, "follow Create group", clickAction(`a[href="/groups/new"]`))
	p.run(t, "choose the profile image", setUpload(`input[name=profile]`, writePNG(t)))
	p.typeIn(t, `input[name=name]`, j.name)
	if got := evalIn[string](t, p, `document.getElementById("name-count").innerText`); got != "100 / 100" {
		t.Fatalf("the name counter says %q after 100 Korean characters, want 100 / 100", got)
	}
	p.typeIn(t, `textarea[name=description]`, "영업팀 공지와 자료")
	j.pick(t, p, "members", "bo", userBob)
	p.click(t, `input[name=f_folder]`)
	p.typeIn(t, `input[name=list_address]`, j.address)
	p.click(t, `input[name=public]`)
	boxes := evalIn[map[string]bool](t, p, `({folder: document.querySelector("input[name=f_folder]").checked,
		list: document.querySelector("input[name=list_enabled]").checked,
		public: document.querySelector("input[name=public]").checked,
		message: document.querySelector("input[name=f_message]").checked})`)
	if boxes["folder"] || !boxes["list"] || boxes["public"] || !boxes["message"] {
		t.Fatalf("the form's boxes before sending: %v", boxes)
	}
	if code := p.submit(t, `form.groupform button[type=submit]`); code != 200 {
		t.Fatalf("creating the group answered %d: %s", code, p.text(t))
	}
	m := regexp.MustCompile(`^/g/([a-z0-9._-]+)\?done=created$`).FindStringSubmatch(p.path(t))
	if m == nil {
		t.Fatalf("after creating, the browser is at %s: %s", p.path(t), p.text(t))
	}
	j.id = m[1]
	p.see(t, d.say(t, "notice.created"), j.name, userBob.Name, userAlice.Name, j.address, d.say(t, "group.private"),
		d.say(t, "feature.folder")+": "+d.say(t, "off"))
	w := evalIn[int](t, p, `new Promise(ok => { const i = document.querySelector("img.avatar");
		if (!i) ok(0); else if (i.complete) ok(i.naturalWidth); else { i.onload = () => ok(i.naturalWidth); i.onerror = () => ok(-1); } })`)
	if w != 48 {
		t.Fatalf("the profile image on the group page is %d pixels wide, want the 48 uploaded", w)
	}
	g := d.group(t, j.id)
	if g.Name != j.name || utf8.RuneCountInString(g.Name) != 100 || g.Public || g.Features["folder"] ||
		!g.Features["message"] || !g.List.Enabled || g.List.Address != j.address || !g.HasProfile {
		t.Fatalf("the API reads the new group as %+v", g)
	}
	if strings.Join(g.Masters, " ") != userAlice.Email || !strings.Contains(strings.Join(g.Members, " "), userBob.Email) {
		t.Fatalf("masters %v, members %v; want Alice master and Bob member", g.Masters, g.Members)
	}
}

// pick types prefix into a people picker (textarea[name=field]), waits
// for who among the suggestions and clicks it; the textarea then holds
// their address.
func (j *consoleJourney) pick(t *testing.T, p *browserTab, field, prefix string, who person) {
	t.Helper()
	p.typeIn(t, `textarea[name=`+field+`]`, prefix)
	sel := `.picker:has(textarea[name=` + field + `]) ul.suggest li button`
	p.waitFor(t, "the suggestion of "+who.Name, `[...document.querySelectorAll("`+sel+`")].some(b => b.offsetParent && b.innerText.includes("`+who.Name+`"))`)
	p.run(t, "click "+who.Name, clickText(sel, who.Name))
	got := evalIn[string](t, p, `document.querySelector("textarea[name=`+field+`]").value`)
	if strings.TrimSpace(got) != who.Email {
		t.Fatalf("after picking %s the %s field holds %q", who.Name, field, got)
	}
}

// viewTabs: the creator finds the group under "Groups I manage" and
// "Groups I belong"; Bob under "Groups I belong" but not "Groups I
// manage", which tells him he manages none.
func (j *consoleJourney) viewTabs(t *testing.T) {
	d := j.d
	p := j.alice
	p.open(t, "/groups")
	p.navigate(t, "Groups I manage", clickAction(`nav.tabs a[href*="view=manage"]`))
	p.see(t, j.name)
	p.navigate(t, "Groups I belong", clickAction(`nav.tabs a[href*="view=belong"]`))
	p.see(t, j.name, d.say(t, "role.master"))

	p = j.bob
	p.signIn(t, userBob.Email)
	p.see(t, j.name, d.say(t, "role.member"))
	p.navigate(t, "Groups I manage", clickAction(`nav.tabs a[href*="view=manage"]`))
	p.notSee(t, j.name)
	p.see(t, d.say(t, "groups.empty.manage"))
}
