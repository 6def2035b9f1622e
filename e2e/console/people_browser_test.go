package console

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// outsider: Erin, in none of Alice's groups, does not find the private
// group in "All groups", by search (its name, its list address) or in the
// search box's suggestions, where a public group of the same prefix does
// show; its address answers the very page of a group that does not exist.
func (j *consoleJourney) outsider(t *testing.T) {
	d, p := j.d, j.erin
	var pub apiGroup
	d.asJSON(t, userBob, "POST", "/api/v1/groups", map[string]any{"name": j.public, "notify": false}, &pub, 201)

	p.signIn(t, userErin.Email)
	p.navigate(t, "All groups", clickAction(`nav.tabs a[href*="view=all"]`))
	p.see(t, j.public)
	p.notSee(t, j.name)

	p.typeIn(t, `#group-search`, "가나다")
	p.waitFor(t, "the public group among the suggestions", fmt.Sprintf(
		`[...document.querySelectorAll("#group-suggest li")].some(li => li.offsetParent && li.innerText.includes(%q))`, j.public))
	if got := evalIn[string](t, p, `document.getElementById("group-suggest").innerText`); showsAny(got, j.name, j.address) {
		t.Fatalf("the suggestions show the private group to an outsider: %s", got)
	}
	ids := evalIn[[]string](t, p, `fetch("/suggest/groups?q=" + encodeURIComponent("가나다"))
		.then(r => r.json()).then(j => j.groups.map(g => g.id))`)
	if !slices.Contains(ids, pub.ID) || slices.Contains(ids, j.id) {
		t.Fatalf("/suggest/groups?q=가나다 answers Erin %v: want %s and not %s", ids, pub.ID, j.id)
	}
	p.submit(t, `form.search button[type=submit]`)
	p.see(t, j.public)
	p.notSee(t, j.name)

	p.run(t, "clear the search box", clearField(`#group-search`))
	p.typeIn(t, `#group-search`, "hangul-team")
	p.submit(t, `form.search button[type=submit]`)
	p.see(t, d.say(t, "groups.nomatch", "hangul-team"))

	for _, sub := range []string{"", "/members", "/profile"} {
		code, text, title := j.page(t, p, "/g/"+j.id+sub)
		code2, text2, title2 := j.page(t, p, "/g/no-such-group"+sub)
		if code != 404 || code != code2 || text != text2 || title != title2 {
			t.Fatalf("an outsider at /g/%s%s gets %d %q %q; at a missing group's %d %q %q", j.id, sub, code, title, text, code2, title2, text2)
		}
	}
	p.see(t, d.say(t, "error.notfound"))
}

// page opens path and returns the status, the visible text and the title.
func (j *consoleJourney) page(t *testing.T, p *browserTab, path string) (int, string, string) {
	t.Helper()
	code := p.open(t, path)
	return code, p.text(t), evalIn[string](t, p, `document.title`)
}

// addMember: Alice adds Dave on the Members page, picking him from the
// suggestions; Dave signs in and finds the group among his and opens it.
func (j *consoleJourney) addMember(t *testing.T) {
	d, p := j.d, j.alice
	p.open(t, "/g/"+j.id)
	p.navigate(t, "Members", clickAction(`.gactions a[href="/g/`+j.id+`/members"]`))
	j.pick(t, p, "add", "da", userDave)
	if code := p.submit(t, `form[action="/g/`+j.id+`/members"] button[type=submit]`); code != 200 {
		t.Fatalf("adding Dave answered %d: %s", code, p.text(t))
	}
	p.see(t, d.say(t, "notice.members"), userDave.Name, userDave.Email)
	g := d.group(t, j.id)
	if !slices.Contains(g.Members, userDave.Email) || slices.Contains(g.Masters, userDave.Email) {
		t.Fatalf("after adding Dave as a member: masters %v, members %v", g.Masters, g.Members)
	}

	p = j.dave
	p.signIn(t, userDave.Email)
	p.see(t, j.name, d.say(t, "role.member"))
	p.navigate(t, "open the group", clickAction(`a.gname[href="/g/`+j.id+`"]`))
	p.see(t, j.name, userAlice.Name, userBob.Name, userDave.Name)
	p.notSee(t, d.say(t, "group.outsider"))
}

func showsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
