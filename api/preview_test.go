package api

import (
	"net/url"
	"testing"
)

// idPreview is the answer of GET /api/v1/groups/preview.
type idPreview struct {
	ID        string `json:"id"`
	Address   string `json:"address"`
	Available bool   `json:"available"`
}

// TestPreviewRoute: GET /api/v1/groups/preview shows the id and address
// that creation would give, before the group exists: romanised for a
// Korean name, and for a taken id (whoever holds it: a private group, a
// public one, a deleted one) not available, with a free id proposed.
func TestPreviewRoute(t *testing.T) {
	e := newEnv(t)
	e.users("alice@example.test", "bob@example.test")
	alice, bob := as("alice@example.test"), as("bob@example.test")
	e.group(alice, map[string]any{"id": "secret", "name": "Secret", "public": false})
	e.group(alice, map[string]any{"id": "open", "name": "Open"})
	e.group(alice, map[string]any{"id": "gone", "name": "Gone"})
	e.want(204, e.do(alice, "DELETE", "/api/v1/groups/gone", nil))
	preview := func(w who, name, id string) idPreview {
		t.Helper()
		q := url.Values{"name": {name}}
		if id != "" {
			q.Set("id", id)
		}
		return decodeAs[idPreview](t, e.want(200, e.do(w, "GET", "/api/v1/groups/preview?"+q.Encode(), nil)))
	}
	want := idPreview{ID: "gaebaltim", Address: "gaebaltim@lists.example.test", Available: true}
	if got := preview(bob, "개발팀", ""); got != want {
		t.Fatalf("개발팀: %+v, want %+v", got, want)
	}
	if g := e.group(bob, map[string]any{"name": "개발팀"}); g.ID != want.ID || g.MailingList.Address != want.Address {
		t.Fatalf("created as %q %q, previewed %+v", g.ID, g.MailingList.Address, want)
	}
	if got := preview(bob, "개발팀", ""); got.ID != "gaebaltim-2" || !got.Available {
		t.Fatalf("개발팀 again: %+v", got)
	}
	for _, id := range []string{"secret", "open", "gone"} {
		got := preview(bob, "X", id)
		if got.Available || got.ID != id+"-2" || got.Address != id+"-2@lists.example.test" {
			t.Errorf("id %s taken: %+v", id, got)
		}
	}
	// Creating with those ids is refused in the same words.
	var first string
	for _, id := range []string{"secret", "open", "gone"} {
		r := e.do(bob, "POST", "/api/v1/groups", map[string]any{"id": id, "name": "X"})
		e.wantErr(409, "conflict", "is not available", r)
		msg := decodeAs[errorBody](t, r).Error
		if rest := msg[len(id)+2:]; first == "" {
			first = rest
		} else if rest != first {
			t.Errorf("collision with %s reads %q, another %q", id, rest, first)
		}
	}
	e.wantErr(422, "invalid", "id", e.do(bob, "GET", "/api/v1/groups/preview?id=Not%20An%20Id", nil))
	e.wantErr(422, "invalid", "name or id", e.do(bob, "GET", "/api/v1/groups/preview", nil))
	e.wantErr(400, "bad_request", `unknown query parameter "q"`, e.do(bob, "GET", "/api/v1/groups/preview?q=x", nil))
	e.wantErr(401, "unauthenticated", "", e.do(nobody, "GET", "/api/v1/groups/preview?name=x", nil))
	// The route is not a group: no group may take the id "preview".
	e.wantErr(409, "conflict", "is not available", e.do(bob, "POST", "/api/v1/groups", map[string]any{"id": "preview", "name": "X"}))
}
