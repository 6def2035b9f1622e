package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"groupd/groups"
)

// TestDeliveryPages: bob sees his mode on the group's page and switches
// to digest with the form; a forged form changes nothing; eve, who is
// not a member, has no form; alice, a master, sets an external
// address's mode on the members page.
func TestDeliveryPages(t *testing.T) {
	e := newTestEnv(t)
	ext := []string{"x@other.example"}
	e.group(t, "alice@example.test", groups.GroupSpec{ID: str("team"), Name: str("Team"), Members: []string{"bob@example.test"},
		MailingList: &groups.ListSpec{ExternalMembers: &ext}})
	ctx := context.Background()
	bob := e.signin(t, "bob@example.test", "password1")
	st, body := bob.get(t, "/g/team")
	if st != http.StatusOK || !strings.Contains(body, `<input type="radio" name="mode" value="each" checked>`) {
		t.Fatalf("group page: %d\n%s", st, body)
	}
	if st, _, _ := bob.postForm(t, "/g/team/delivery", url.Values{"mode": {"digest"}, "_csrf": {"forged"}}); st == http.StatusSeeOther {
		t.Fatal("a forged CSRF token was taken")
	}
	bob.get(t, "/g/team")
	if st, _, loc := bob.postForm(t, "/g/team/delivery", url.Values{"mode": {"digest"}}); st != http.StatusSeeOther || loc != "/g/team?done=delivery" {
		t.Fatalf("save: %d %s", st, loc)
	}
	if m, err := e.store.Delivery(ctx, groups.Actor{Email: "bob@example.test"}, "team"); err != nil || m != groups.DeliverDigest {
		t.Fatalf("bob's mode %q %v", m, err)
	}
	if _, body := bob.get(t, "/g/team?done=delivery"); !strings.Contains(body, `value="digest" checked`) || !strings.Contains(body, "Delivery saved.") {
		t.Fatalf("after saving:\n%s", body)
	}
	if _, body := bob.get(t, "/g/team/members"); strings.Contains(body, "x@other.example") {
		t.Fatal("a member sees the external addresses' modes")
	}
	eve := e.signin(t, "eve@example.test", "password1")
	if _, body := eve.get(t, "/g/team"); strings.Contains(body, `action="/g/team/delivery"`) {
		t.Fatal("an outsider has a delivery form")
	}

	alice := e.signin(t, "alice@example.test", "password1")
	if _, body := alice.get(t, "/g/team/members"); !strings.Contains(body, `<input type="hidden" name="address" value="x@other.example">`) {
		t.Fatalf("members page:\n%s", body)
	}
	if st, _, loc := alice.postForm(t, "/g/team/external/delivery", url.Values{"address": {"x@other.example"}, "mode": {"none"}}); st != http.StatusSeeOther || !strings.Contains(loc, "done=delivery") {
		t.Fatalf("external save: %d %s", st, loc)
	}
	if m, err := e.store.ExternalDelivery(ctx, groups.AdminActor(), "team", "x@other.example"); err != nil || m != groups.DeliverNone {
		t.Fatalf("external mode %q %v", m, err)
	}
	alice.get(t, "/g/team/members")
	if st, body, _ := alice.postForm(t, "/g/team/external/delivery", url.Values{"address": {"y@other.example"}, "mode": {"none"}}); st != http.StatusNotFound || !strings.Contains(body, "is not an external address") {
		t.Fatalf("unknown address: %d\n%s", st, text(body))
	}
}
