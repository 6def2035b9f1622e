package groups

import (
	"context"
	"regexp"
	"testing"

	"groupd/internal/listaddr"
)

// TestDeriveIDScripts: names in Korean and other scripts give readable
// ids, not "group": Hangul by the Revised Romanization, accented Latin
// without its accents, Greek and Cyrillic by a table; ASCII parts stay.
func TestDeriveIDScripts(t *testing.T) {
	cases := map[string]string{
		"개발팀":               "gaebaltim",
		"한국":                "hanguk",
		"서울":                "seoul",
		"한국어":               "hangugeo", // a final before a vowel links
		"좋아":                "joa",
		"읽어":                "ilgeo",
		"우리 테스트 그룹":         "uri-teseuteu-geurup",
		"개발팀 Dev Ops":       "gaebaltim-dev-ops",
		"Sales & Marketing": "sales-marketing",
		"Café Ünïcode":      "cafe-unicode",
		"Straße Łódź":       "strasse-lodz",
		"Œuvre Ærø":         "oeuvre-aero",
		"Москва":            "moskva",
		"Щука і ґанок":      "shchuka-i-ganok",
		"Αθήνα":             "athina",
		"開発":                "",
		"開発 team":           "team",
		"🎉":                 "",
	}
	for name, want := range cases {
		if got := deriveID(name, listaddr.Suffixes()); got != want {
			t.Errorf("deriveID(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestDerivedIDsAreValid: whatever the name, the id chooseID would start
// from passes checkID (or becomes valid with the -2 that freeID adds).
func TestDerivedIDsAreValid(t *testing.T) {
	names := []string{"개발팀", "開発", "Team Join", "a-owner", "---", "ÆØÅ", "Ωmega", "x", "한글 ㅋㅋ",
		"가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사", "Ŋ ĳ", "٣٤٥ عربى"}
	for _, n := range names {
		reserved := listaddr.Suffixes()
		base := derivedBase(n, reserved)
		if checkID(base, reserved) != nil && checkID(base+"-2", reserved) != nil {
			t.Errorf("derivedBase(%q) = %q: not a valid id", n, base)
		}
	}
}

// TestCreateGroupIDsForScripts: a group named in Korean gets its
// romanised id and list address, the next one of that name the same
// with -2; a name in CJK ideographs gets a short id of its own instead
// of group, group-2.
func TestCreateGroupIDsForScripts(t *testing.T) {
	s := newStore(t)
	addUsers(t, s, "alice@example.test")
	alice := user("alice@example.test")
	g := mustGroup(t, s, alice, GroupSpec{Name: str("개발팀")})
	if g.ID != "gaebaltim" || g.MailingList.Address != "gaebaltim@lists.example.test" {
		t.Fatalf("개발팀: id %q address %q", g.ID, g.MailingList.Address)
	}
	if g := mustGroup(t, s, alice, GroupSpec{Name: str("개발팀")}); g.ID != "gaebaltim-2" {
		t.Fatalf("second 개발팀: id %q", g.ID)
	}
	short := regexp.MustCompile(`^group-[a-z2-7]{4}$`)
	a := mustGroup(t, s, alice, GroupSpec{Name: str("開発")})
	b := mustGroup(t, s, alice, GroupSpec{Name: str("営業部")})
	if !short.MatchString(a.ID) || !short.MatchString(b.ID) || a.ID == b.ID {
		t.Fatalf("CJK names: ids %q and %q", a.ID, b.ID)
	}
	if c := mustGroup(t, s, alice, GroupSpec{Name: str("開発")}); c.ID != a.ID+"-2" {
		t.Fatalf("second 開発: id %q, want %q", c.ID, a.ID+"-2")
	}
	// A derived id whose address another group took is skipped.
	if _, err := s.UpdateGroup(context.Background(), alice, a.ID, GroupSpec{
		MailingList: &ListSpec{Address: str("seoul@lists.example.test")}}); err != nil {
		t.Fatal(err)
	}
	if g := mustGroup(t, s, alice, GroupSpec{Name: str("서울")}); g.ID != "seoul-2" {
		t.Fatalf("서울 with seoul@ taken: id %q", g.ID)
	}
}
