package console

import (
	"regexp"
	"strings"
	"testing"
)

// noCSRF: the edit form (multipart: its token rides in the action's
// query) and the delete form (urlencoded: a hidden _csrf field), sent
// without their tokens, are answered 403 with the sentence that says so,
// and nothing changed.
func (j *consoleJourney) noCSRF(t *testing.T) {
	d, p := j.d, j.alice
	p.open(t, "/g/"+j.id+"/edit")
	p.run(t, "drop the token from the edit form", dropCSRF("form.groupform"))
	p.run(t, "clear the name", clearField(`input[name=name]`))
	p.typeIn(t, `input[name=name]`, "바뀐 이름")
	if code := p.submit(t, `form.groupform button[type=submit]`); code != 403 {
		t.Fatalf("the edit form without its token answered %d, want 403: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "error.csrf"))
	if g := d.group(t, j.id); g.Name != j.name {
		t.Fatalf("a form without its token renamed the group to %q", g.Name)
	}

	p.open(t, "/g/"+j.id+"/delete")
	p.run(t, "drop the token from the delete form", dropCSRF(`form[action="/g/`+j.id+`/delete"]`))
	p.typeIn(t, `input[name=confirm_name]`, j.name)
	if code := p.submit(t, `form[action="/g/`+j.id+`/delete"] button[type=submit]`); code != 403 {
		t.Fatalf("the delete form without its token answered %d, want 403: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "error.csrf"))
	d.group(t, j.id) // still there
}

// disabledFeature: with the folder disabled by the administrator's
// policy, the create form shows its box off and disabled, with the
// reason; a form forced to send f_folder=1 anyway does not give the group
// a folder (or is refused with a sentence).
func (j *consoleJourney) disabledFeature(t *testing.T) {
	d, p := j.d, j.alice
	policy := func(disabled ...string) {
		d.admin(t, "PUT", "/api/v1/policy", map[string]any{"create_groups": "everyone",
			"disabled_features": append([]string{}, disabled...), "external_authority": []string{}}, 200)
	}
	policy("folder")
	t.Cleanup(func() { policy() })

	p.open(t, "/groups/new")
	box := evalIn[map[string]any](t, p, `(() => { const b = document.querySelector("input[name=f_folder]");
		return {checked: b.checked, disabled: b.disabled, label: b.closest("label").innerText}; })()`)
	if box["checked"] != false || box["disabled"] != true || !strings.Contains(box["label"].(string), d.say(t, "feature.disabled.reason")) {
		t.Fatalf("the folder box under a policy that disables it: %v", box)
	}
	p.run(t, "force the folder box on", evalStep(`(() => { const b = document.querySelector("input[name=f_folder]");
		b.disabled = false; b.checked = true; })()`))
	p.typeIn(t, `input[name=name]`, "정책 시험방")
	code := p.submit(t, `form.groupform button[type=submit]`)
	m := regexp.MustCompile(`^/g/([a-z0-9._-]+)\?done=created$`).FindStringSubmatch(p.path(t))
	if m == nil {
		if code < 400 {
			t.Fatalf("the forced form answered %d at %s", code, p.path(t))
		}
		p.see(t, d.say(t, "feature.folder")) // refused, with its sentence
		return
	}
	p.see(t, d.say(t, "feature.folder")+": "+d.say(t, "feature.disabled.org"))
	if f := d.group(t, m[1]).Features; f["folder"] {
		t.Fatalf("a group made with f_folder=1 forced stores the folder on (%v): it would come on with the policy", f)
	}
	if n := evalIn[int](t, p, `document.querySelectorAll('nav.tabs a[href$="/folder"]').length`); n != 0 {
		t.Fatal("a group made with the folder forced on shows a Folder tab while the policy disables it")
	}
	if code, _ := d.as(t, userAlice, "PROPFIND", "/dav/files/"+m[1]+"/", nil, ""); code != 404 && code != 403 {
		t.Fatalf("WebDAV PROPFIND of its folder answered %d, want it unreachable", code)
	}
}

// allowedASCII are the ASCII words a Korean page may show: product and
// protocol names, units and formats.
var allowedASCII = map[string]bool{"groupd": true, "PNG": true, "JPEG": true, "MiB": true, "KiB": true,
	"GiB": true, "URL": true, "CalDAV": true, "WebDAV": true, "IMAP": true, "SMTP": true, "SRV": true,
	"TXT": true, "DNS": true, "UTC": true, "English": true, "iPhone": true, "iPad": true, "Mac": true,
	"Apple": true, "Finder": true, "Thunderbird": true, "DAVx": true, "Android": true, "Windows": true,
	"GNOME": true, "Files": true, "rclone": true}

// korean: after the language switch, the main pages show no English: the
// visible text, titles, placeholders and labels, less the users' own
// data, hold no ASCII word of 3 letters or more outside allowedASCII.
func (j *consoleJourney) korean(t *testing.T) {
	p := j.alice
	p.open(t, "/groups")
	p.navigate(t, "switch to Korean", clickAction(`header a.lang`))
	if lang := evalIn[string](t, p, `document.documentElement.lang`); lang != "ko" {
		t.Fatalf("after the switch the page's language is %q", lang)
	}
	t.Cleanup(func() { p.navigate(t, "switch back to English", clickAction(`header a.lang`)) })
	pages := []string{"/groups", "/groups?view=all", "/groups/new", "/g/" + j.id, "/g/" + j.id + "/members",
		"/g/" + j.id + "/edit", "/g/" + j.id + "/purge", "/g/" + j.id + "/delete", "/g/no-such-group"}
	p.open(t, "/g/"+j.id)
	pages = append(pages, evalIn[[]string](t, p, `[...document.querySelectorAll("nav.tabs a")].map(a => a.pathname)`)...)
	userData := append([]string{j.name, j.address, j.public, j.id, userAlice.Name, userBob.Name,
		userDave.Name, userErin.Name}, j.typed...)
	word := regexp.MustCompile(`[A-Za-z]{3,}`)
	for _, path := range pages {
		p.open(t, path)
		text := evalIn[string](t, p, visibleTextJS)
		text = userAddr.ReplaceAllString(text, " ")
		for _, u := range userData {
			text = strings.ReplaceAll(text, u, " ")
		}
		var english []string
		for _, w := range word.FindAllString(text, -1) {
			if !allowedASCII[w] {
				english = append(english, w)
			}
		}
		if len(english) > 0 {
			t.Errorf("the Korean %s shows English: %v", path, english)
		}
	}
}

// userAddr matches mail addresses and URLs, which are data, not words.
var userAddr = regexp.MustCompile(`[\w.+-]+@[\w.-]+|\b[a-z]+://\S+`)

// visibleTextJS gathers what a user reads on a page: its title, the
// text, and the placeholders, tooltips, labels and alternative texts.
// Code (commands to copy, such as rclone's) is literal and left out.
const visibleTextJS = `(() => {
	let text = document.body.innerText;
	for (const c of document.querySelectorAll("code, pre, kbd, samp")) text = text.replace(c.innerText, " ");
	const parts = [document.title, text];
	for (const el of document.querySelectorAll("[placeholder],[title],[aria-label],[alt],option")) {
		for (const a of ["placeholder", "title", "aria-label", "alt"]) parts.push(el.getAttribute(a) || "");
		if (el.tagName === "OPTION") parts.push(el.textContent);
	}
	return parts.join("\n");
})()`

// deleteGroup: the delete page refuses a name that is not the group's,
// then deletes it when Alice types its name; it is gone from her list,
// from the API and for Bob.
func (j *consoleJourney) deleteGroup(t *testing.T) {
	d, p := j.d, j.alice
	p.open(t, "/g/"+j.id)
	p.navigate(t, "Delete group", clickAction(`.gactions a[href="/g/`+j.id+`/delete"]`))
	form := `form[action="/g/` + j.id + `/delete"]`
	p.typeIn(t, `input[name=confirm_name]`, "가나다라마")
	if code := p.submit(t, form+` button[type=submit]`); code != 422 {
		t.Fatalf("a wrong name answered %d, want 422", code)
	}
	p.see(t, d.say(t, "delete.mismatch"))
	p.typeIn(t, `input[name=confirm_name]`, j.name)
	if code := p.submit(t, form+` button[type=submit]`); code != 200 {
		t.Fatalf("deleting answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.deleted"))
	p.notSee(t, j.name)
	d.admin(t, "GET", "/api/v1/groups/"+j.id, nil, 404)
	if code := j.bob.open(t, "/g/"+j.id); code != 404 {
		t.Fatalf("Bob opens the deleted group: %d", code)
	}
}
