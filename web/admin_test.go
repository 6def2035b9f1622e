package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"groupd/groups"
)

// adminEnv is a console with the administrator root@example.test signed in.
func adminEnv(t *testing.T, mod ...func(*Options)) (*testEnv, *client) {
	t.Helper()
	e := newTestEnv(t, mod...)
	e.user(t, "root@example.test", "Root", true)
	return e, e.signin(t, "root@example.test", "password1")
}

// TestAdminPolicyDisablesFeature: a feature the admin turns off shows
// off and disabled, with the reason, on everyone's create form; an
// unknown holder of the external authority is refused beside its field.
func TestAdminPolicyDisablesFeature(t *testing.T) {
	e, root := adminEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	folderBox := regexp.MustCompile(`<input type="checkbox" name="f_folder"[^>]*>`)
	_, form := alice.get(t, "/groups/new")
	if box := folderBox.FindString(form); box == "" || strings.Contains(box, "disabled") {
		t.Fatalf("before the policy change the folder box is %q", box)
	}
	st, body := root.get(t, "/admin")
	if st != 200 || !strings.Contains(text(body), "Who may create groups") {
		t.Fatalf("/admin: %d %s", st, text(body))
	}
	st, body, loc := root.postForm(t, "/admin/policy", url.Values{"create": {"everyone"}, "off_folder": {"1"},
		"authority": {"alice@example.test\nnobody@example.test"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "nobody@example.test has no account.") ||
		!strings.Contains(body, "nobody@example.test</textarea>") {
		t.Fatalf("unknown authority holder: %d %s", st, text(body))
	}
	st, _, loc = root.postForm(t, "/admin/policy", url.Values{"create": {"everyone"}, "off_folder": {"1"},
		"authority": {"alice@example.test"}})
	if st != http.StatusSeeOther || loc != "/admin?done=saved" {
		t.Fatalf("save policy: %d %q", st, loc)
	}
	pol, err := e.store.GetPolicy(context.Background(), groups.AdminActor())
	if err != nil || strings.Join(pol.DisabledFeatures, ",") != "folder" || strings.Join(pol.ExternalAuthority, ",") != "alice@example.test" {
		t.Fatalf("stored policy %+v %v", pol, err)
	}
	_, form = alice.get(t, "/groups/new")
	box := folderBox.FindString(form)
	if !strings.Contains(box, "disabled") || strings.Contains(box, "checked") {
		t.Fatalf("after the policy change the folder box is %q", box)
	}
	_, body = root.get(t, "/admin")
	if !regexp.MustCompile(`name="off_folder" value="1" checked`).MatchString(body) {
		t.Fatal("the policy page does not show the folder as off")
	}
}

// TestAdminUsers: create, reset a password (no current one needed), make
// an admin, delete; the last master of a group is refused in words.
func TestAdminUsers(t *testing.T) {
	e, root := adminEnv(t)
	st, _, loc := root.postForm(t, "/admin/users", url.Values{"email": {"dana@example.test"}, "name": {"Dana"}, "password": {"dana-pass-1"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "done=user_created") {
		t.Fatalf("create: %d %q", st, loc)
	}
	st, body, _ := root.postForm(t, "/admin/users", url.Values{"email": {"dana@example.test"}, "name": {"Dana 2"}, "password": {"dana-pass-1"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "There is already an account dana@example.test.") ||
		!strings.Contains(body, `value="Dana 2"`) {
		t.Fatalf("duplicate: %d %s", st, text(body))
	}
	st, body, _ = root.postForm(t, "/admin/users", url.Values{"email": {"fred@example.test"}, "name": {"Fred"}, "password": {"short"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "A password has at least 8 characters.") {
		t.Fatalf("short password: %d %s", st, text(body))
	}
	dana := e.signin(t, "dana@example.test", "dana-pass-1")
	if _, b := root.get(t, "/admin/users"); !strings.Contains(html.UnescapeString(text(b)), "Dana <dana@example.test>") {
		t.Fatalf("list: %s", text(b))
	}

	// Reset: the new password works, the old one and dana's session end.
	st, _, _ = root.postForm(t, "/admin/users/password", url.Values{"email": {"dana@example.test"}, "password": {"reset-pass-2"}})
	if st != http.StatusSeeOther {
		t.Fatalf("reset: %d", st)
	}
	if st, _ := dana.get(t, "/groups"); st != http.StatusSeeOther {
		t.Fatalf("dana's session after the reset: %d, want a redirect to sign in", st)
	}
	if signinStatus(t, e, "dana@example.test", "dana-pass-1") != http.StatusUnauthorized {
		t.Fatal("the old password still signs in")
	}
	dana = e.signin(t, "dana@example.test", "reset-pass-2")
	if _, b := dana.get(t, "/groups"); strings.Contains(b, `href="/admin"`) {
		t.Fatal("dana sees the admin link before being made admin")
	}

	// Make admin, then take it back.
	root.get(t, "/admin/users")
	if st, _, _ := root.postForm(t, "/admin/users/admin", url.Values{"email": {"dana@example.test"}, "admin": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("make admin: %d", st)
	}
	if st, b := dana.get(t, "/admin/users"); st != 200 || !strings.Contains(b, `href="/admin"`) {
		t.Fatalf("dana as admin: %d", st)
	}
	root.postForm(t, "/admin/users/admin", url.Values{"email": {"dana@example.test"}, "admin": {"0"}})
	if st, _ := dana.get(t, "/admin"); st != http.StatusForbidden {
		t.Fatalf("dana after losing admin: %d", st)
	}

	// Delete: the last master of a group cannot go.
	e.group(t, "dana@example.test", groups.GroupSpec{ID: str("danas"), Name: str("Dana's")})
	st, body, _ = root.postForm(t, "/admin/users/delete", url.Values{"email": {"dana@example.test"}})
	if st != http.StatusUnprocessableEntity ||
		!strings.Contains(html.UnescapeString(text(body)), "dana@example.test is the last Group Master of the group danas. Make someone else its master first") {
		t.Fatalf("delete the last master: %d %s", st, text(body))
	}
	if st, _, _ := root.postForm(t, "/admin/users/delete", url.Values{"email": {"bob@example.test"}}); st != http.StatusSeeOther {
		t.Fatalf("delete bob: %d", st)
	}
	if _, err := e.store.GetUser(context.Background(), groups.AdminActor(), "bob@example.test"); !isKind(err, groups.ErrNotFound) {
		t.Fatalf("bob after delete: %v", err)
	}
	st, body, _ = root.postForm(t, "/admin/users/delete", url.Values{"email": {"root@example.test"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "You cannot delete your own account here.") {
		t.Fatalf("delete self: %d %s", st, text(body))
	}
}

// signinStatus is the status of a sign-in attempt through the form.
func signinStatus(t *testing.T, e *testEnv, email, password string) int {
	t.Helper()
	cl := e.browser(t)
	cl.get(t, "/signin")
	st, _, _ := cl.postForm(t, "/signin", url.Values{"email": {email}, "password": {password}})
	return st
}

// TestAdminRefusesOthers: a user without the admin flag gets 403 and a
// sentence on every admin page, and a change posted anyway does nothing.
func TestAdminRefusesOthers(t *testing.T) {
	e := newTestEnv(t)
	alice := e.signin(t, "alice@example.test", "password1")
	if _, b := alice.get(t, "/groups"); strings.Contains(b, `href="/admin"`) {
		t.Fatal("a non-admin sees the admin link")
	}
	for _, p := range []string{"/admin", "/admin/users", "/admin/groups", "/admin/dns"} {
		st, body := alice.get(t, p)
		if st != http.StatusForbidden || !strings.Contains(text(body), "Only administrators can open the admin pages.") {
			t.Errorf("GET %s as a non-admin: %d %s", p, st, text(body))
		}
	}
	alice.get(t, "/groups")
	st, _, _ := alice.postForm(t, "/admin/users", url.Values{"email": {"mallory@example.test"}, "name": {"M"}, "password": {"password1"}, "admin": {"1"}})
	if st != http.StatusForbidden {
		t.Fatalf("POST /admin/users as a non-admin: %d", st)
	}
	if _, err := e.store.GetUser(context.Background(), groups.AdminActor(), "mallory@example.test"); !isKind(err, groups.ErrNotFound) {
		t.Fatalf("the refused create made an account: %v", err)
	}
}

// TestAdminGroupsAndQuotas: the admin's list has every group, private
// ones too, with manage links; a quota is set in MiB and back to default.
func TestAdminGroupsAndQuotas(t *testing.T) {
	e, root := adminEnv(t)
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("secret"), Name: str("Secret Club"), Public: no()})
	st, body := root.get(t, "/admin/groups")
	if st != 200 || !strings.Contains(text(body), "Secret Club") || !strings.Contains(body, `href="/g/secret/edit"`) {
		t.Fatalf("admin groups: %d %s", st, text(body))
	}
	if st, _ := root.get(t, "/g/secret/edit"); st != 200 {
		t.Fatalf("admin opens the private group's edit page: %d", st)
	}
	root.get(t, "/admin/groups")
	st, _, loc := root.postForm(t, "/admin/groups/quota", url.Values{"id": {"secret"}, "quota": {"5"}})
	if st != http.StatusSeeOther || !strings.Contains(loc, "done=quota") {
		t.Fatalf("set quota: %d %q", st, loc)
	}
	if q, err := e.store.FolderQuota(context.Background(), groups.AdminActor(), "secret"); q != 5<<20 || err != nil {
		t.Fatalf("quota %d %v", q, err)
	}
	if _, b := root.get(t, "/admin/groups"); !strings.Contains(b, `name="quota" value="5"`) || !strings.Contains(text(b), "5.0 MiB") {
		t.Fatalf("the list does not show the quota: %s", text(b))
	}
	st, body, _ = root.postForm(t, "/admin/groups/quota", url.Values{"id": {"secret"}, "quota": {"lots"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(text(body), "A quota is a whole number of MiB") {
		t.Fatalf("bad quota: %d %s", st, text(body))
	}
	root.postForm(t, "/admin/groups/quota", url.Values{"id": {"secret"}, "quota": {""}})
	if q, _ := e.store.FolderQuota(context.Background(), groups.AdminActor(), "secret"); q != 0 {
		t.Fatalf("quota after clearing: %d, want 0 (the default)", q)
	}
}

// TestAdminDNS: the SRV and TXT records follow the configured ports,
// TLS and host; a service not offered gets the "." target.
func TestAdminDNS(t *testing.T) {
	e, root := adminEnv(t, func(o *Options) {
		o.Connect = Connect{Host: "groups.example.test", IMAPPort: 993, IMAPTLS: true, SubmissionPort: 587,
			StartTLS: true, HTTPS: true, UserDomains: []string{"example.test"}}
	})
	st, body := root.get(t, "/admin/dns")
	page := html.UnescapeString(body)
	// The HTTP port is the one the browser used (here the test server's).
	u, _ := url.Parse(e.srv.URL)
	for _, want := range []string{
		"_imap._tcp.example.test. 3600 IN SRV 0 0 0 .",
		"_imaps._tcp.example.test. 3600 IN SRV 0 1 993 groups.example.test.",
		"_submission._tcp.example.test. 3600 IN SRV 0 1 587 groups.example.test.",
		"_submissions._tcp.example.test. 3600 IN SRV 0 0 0 .",
		"_caldav._tcp.example.test. 3600 IN SRV 0 0 0 .",
		"_caldavs._tcp.example.test. 3600 IN SRV 0 1 " + u.Port() + " groups.example.test.",
		`_caldavs._tcp.example.test. 3600 IN TXT "path=/dav/"`,
		"autoconfig.example.test. 3600 IN CNAME groups.example.test.",
	} {
		if st != 200 || !strings.Contains(page, want) {
			t.Errorf("DNS page (%d) lacks %q", st, want)
		}
	}
}
