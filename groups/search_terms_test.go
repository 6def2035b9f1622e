package groups

import (
	"context"
	"reflect"
	"testing"
)

// TestSearchFindsWords: any word's prefix finds a group, not only the
// name's first word; a Hangul query finds any part of a name; the list
// address still does; a private group stays hidden from outsiders.
func TestSearchFindsWords(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test")
	alice, bob := user("alice@example.test"), user("bob@example.test")
	ctx := context.Background()
	mustGroup(t, s, alice, GroupSpec{ID: str("club"), Name: str("Secret Club")})
	mustGroup(t, s, alice, GroupSpec{ID: str("test"), Name: str("우리 테스트 그룹")})
	mustGroup(t, s, alice, GroupSpec{ID: str("dense"), Name: str("우리테스트그룹")})
	mustGroup(t, s, alice, GroupSpec{ID: str("dev"), Name: str("Dev-Ops (Seoul)")})
	mustGroup(t, s, alice, GroupSpec{ID: str("hidden"), Name: str("Hidden Club"), Public: boolp(false)})
	cases := []struct {
		who  Actor
		q    string
		want []string
	}{
		{bob, "club", []string{"club"}},
		{alice, "club", []string{"club", "hidden"}},
		{bob, "CL", []string{"club"}},
		{bob, "secret c", []string{"club"}},
		{bob, "테스트", []string{"test", "dense"}},
		{bob, "스트", []string{"test", "dense"}},
		{bob, "테스트 그", []string{"test"}},
		{bob, "그룹", []string{"test", "dense"}},
		{bob, "ops", []string{"dev"}},
		{bob, "seoul", []string{"dev"}},
		{bob, "  seoul", []string{"dev"}},
		{bob, "ecret", nil},
		{bob, "hidden", nil},
		{bob, "hidden@", nil},
		{alice, "hidden@", []string{"hidden"}},
		{bob, "dense@lists", []string{"dense"}},
	}
	for _, c := range cases {
		got, err := s.ListGroups(ctx, c.who, ListQuery{Q: c.q})
		if want := ids(summaries(c.want)); err != nil || !reflect.DeepEqual(ids(got), want) {
			t.Errorf("search %q as %s: %v %v, want %v", c.q, c.who.Email, ids(got), err, want)
		}
	}
	got, err := s.Autocomplete(ctx, bob, "club", 10)
	if err != nil || !reflect.DeepEqual(ids(got), []string{"club"}) {
		t.Errorf("autocomplete club: %v %v", ids(got), err)
	}
}

// TestSearchTermsFollowEdits: a rename or a new address changes what
// finds the group, and a deleted group leaves no terms behind.
func TestSearchTermsFollowEdits(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	mustGroup(t, s, alice, GroupSpec{ID: str("g"), Name: str("Old Name")})
	if _, err := s.UpdateGroup(ctx, alice, "g", GroupSpec{Name: str("새 이름"),
		MailingList: &ListSpec{Address: str("renamed@lists.example.test")}}); err != nil {
		t.Fatal(err)
	}
	for q, n := range map[string]int{"old": 0, "name": 0, "g@": 0, "이름": 1, "름": 1, "renamed@": 1} {
		if got, err := s.ListGroups(ctx, alice, ListQuery{Q: q}); err != nil || len(got) != n {
			t.Errorf("search %q after the edit: %v %v, want %d", q, ids(got), err, n)
		}
	}
	if err := s.DeleteGroup(ctx, alice, "g"); err != nil {
		t.Fatal(err)
	}
	var left int
	s.rdb.QueryRow(`SELECT COUNT(*) FROM group_terms`).Scan(&left)
	if left != 0 {
		t.Errorf("%d terms left after the group was deleted", left)
	}
}

// TestSearchPagesCountGroupsOnce: a group that several terms match
// comes once, and pages follow on without gaps or repeats.
func TestSearchPagesCountGroupsOnce(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	ctx := context.Background()
	for _, id := range []string{"a", "b", "c", "d"} {
		mustGroup(t, s, alice, GroupSpec{ID: str(id), Name: str("Team team-" + id + " teamwork")})
	}
	var all []string
	for off := 0; off < 6; off += 2 {
		got, err := s.ListGroups(ctx, alice, ListQuery{Q: "team", Limit: 2, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids(got)...)
	}
	if want := []string{"a", "b", "c", "d"}; !reflect.DeepEqual(all, want) {
		t.Fatalf("pages of \"team\": %v, want %v", all, want)
	}
}

// TestSearchTermsMatchSQL: migration 0011 (SQL) and searchTerms (Go)
// give a group the same terms, for names in many scripts.
func TestSearchTermsMatchSQL(t *testing.T) {
	s := newStore(t)
	names := []string{"Secret Club", "우리 테스트 그룹", "우리테스트그룹", "Dev-Ops (Seoul)", "開発 チーム・東京",
		"Café  Ünïcode…x", "a_b", "x'; DROP TABLE groups;--", "「引用」，ok", "İstanbul — Ελλάδα", "100% done"}
	for i, n := range names {
		if _, err := s.wdb.Exec(`INSERT INTO groups (gid, id, name, name_fold, list_address, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 0, 0)`, i+1, string(rune('a'+i)), n, fold(n), string(rune('a'+i))+"@l.example"); err != nil {
			t.Fatal(err)
		}
	}
	body, err := migrationsFS.ReadFile(migrationDir(s.d) + "/0011_search_terms.sql")
	if err != nil {
		t.Fatal(err)
	}
	// Run the migration's filling statement again on these groups.
	if _, err := s.wdb.Exec(`DROP TABLE group_terms; ` + string(body)); err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		want := searchTerms(n, string(rune('a'+i))+"@l.example")
		if got := storedTerms(t, s, int64(i+1)); !sameSet(got, want) {
			t.Errorf("%q: SQL gives %q, Go %q", n, got, want)
		}
	}
}

func storedTerms(t *testing.T, s *Store, gid int64) []string {
	t.Helper()
	rows, err := s.rdb.Query(`SELECT term FROM group_terms WHERE gid = ? ORDER BY term`, gid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var term string
		rows.Scan(&term)
		out = append(out, term)
	}
	return out
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}

func summaries(ids []string) []Summary {
	var out []Summary
	for _, id := range ids {
		out = append(out, Summary{ID: id})
	}
	return out
}
