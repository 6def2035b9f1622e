package groups

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// noticeRecorder is the daemon's Notices with Compose writing down what
// each notice says (its Subject, Reply-To, attachment and text) before
// it encodes it, so that a test can compare the words of every notice
// with a golden file.
type noticeRecorder struct {
	Notices
	log *strings.Builder
}

func (r noticeRecorder) Compose(from, replyTo *mail.Address, subject, messageID string, date time.Time, body string,
	attached []byte) ([]byte, error) {
	fmt.Fprintf(r.log, "Subject: %s\n", subject)
	if replyTo != nil {
		// A held post's request address has a random token.
		addr := regexp.MustCompile(`-request\+[a-z0-9]+@`).ReplaceAllString(replyTo.Address, "-request+TOKEN@")
		fmt.Fprintf(r.log, "Reply-To: %q <%s>\n", replyTo.Name, addr)
	}
	if attached != nil {
		fmt.Fprintf(r.log, "Attached: %d octets\n", len(attached))
	}
	fmt.Fprintf(r.log, "\n%s-- \n", body)
	return r.Notices.Compose(from, replyTo, subject, messageID, date, body, attached)
}

// TestNoticeGolden: every kind of notice the store sends, through the
// store paths that send it, in English and Korean, with and without
// public_url, says exactly what testdata/notices/*.golden says: Group
// notifications (created, every setting edited, members added, promoted,
// demoted and removed, the profile image, an external address added,
// deleted; by a user and by an administrator), join requests (to the
// masters, verified or not, words cut; acknowledged, already on the
// list, approved, declined with a reason, expired; a private and a
// public group), held posts (to the masters; rejected with a reason,
// expired), a delivery report, a disabled address, an unsubscribe
// summary and a digest's words. The golden files were written before
// the choice of sentences moved from the store to internal/notice, so
// that the move is shown to change no octet. GROUPD_UPDATE_GOLDEN=1
// rewrites them.
func TestNoticeGolden(t *testing.T) {
	for _, lang := range []string{"en", "ko"} {
		for _, url := range []string{"", "https://groups.example.test"} {
			name := lang
			if url == "" {
				name += "-nourl"
			}
			t.Run(name, func(t *testing.T) {
				got := noticeScenario(t, lang, url)
				file := filepath.Join("testdata", "notices", name+".golden")
				if os.Getenv("GROUPD_UPDATE_GOLDEN") == "1" {
					if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("notices differ from %s:\n%s", file, firstDiff(string(want), got))
				}
			})
		}
	}
}

// firstDiff shows the first line where got leaves want.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return "(same lines)"
}

// noticeScenario runs the store paths that send notices and returns
// what they said, step by step.
func noticeScenario(t *testing.T, lang, url string) string {
	var log strings.Builder
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	o := testOptions(t)
	o.Now = func() time.Time { return now }
	o.Language = lang
	o.PublicURL = url
	o.Notices = func(lang string) (Notices, error) {
		n, err := loadNotices(lang)
		return noticeRecorder{Notices: n, log: &log}, err
	}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fmt.Fprintf(&log, "==== after %s\n", name)
	}
	addNamed(t, s, "alice@example.test", "Alice Kim", "bob@example.test", "Bob Lee", "carol@example.test", "박캐럴")
	addUsers(t, s, "d@example.test")
	alice := user("alice@example.test")
	_, err = s.CreateGroup(ctx, admin, GroupSpec{ID: str("team"), Name: str("Team"), Public: boolp(true),
		External: boolp(true), Masters: []string{"alice@example.test"}, Members: []string{"bob@example.test"}})
	step("create", err)
	_, err = s.UpdateGroup(ctx, alice, "team", GroupSpec{Name: str("Team 2"), Description: str("A team of the people who build " +
		"things and talk about them at length in a long description"), Public: boolp(false),
		Features: &FeatureSpec{Note: boolp(false)},
		MailingList: &ListSpec{Address: str("crew@lists.example.test"), SendRestriction: str(SendListed),
			Allowed: &[]string{"z@other.example"}, BlockExternal: boolp(true), Moderation: str(ModerateOutsiders),
			ExternalMembers: &[]string{"x@other.example", "y@other.example"}, SendersAs: &[]string{"alice@example.test"}}})
	step("edit settings", err)
	step("add a master", s.SetMember(ctx, alice, "team", "d@example.test", RoleMaster))
	step("promote", s.SetMember(ctx, admin, "team", "bob@example.test", RoleMaster))
	step("demote", s.SetMember(ctx, alice, "team", "bob@example.test", RoleMember))
	step("remove", s.RemoveMember(ctx, alice, "team", "d@example.test"))
	step("profile", s.SetProfile(ctx, admin, "team", tinyPNG(t)))

	crew := "crew@lists.example.test"
	jm := func(addr, name, subject, text string, verified bool) JoinMail {
		return JoinMail{Address: addr, Name: name, Subject: subject, Text: text, Verified: verified}
	}
	step("join request", s.JoinRequest(ctx, crew, jm("carol@example.test", "Carol Park", "may I", "hello\nthere", true)))
	step("join request, unverified, cut", s.JoinRequest(ctx, crew, jm("u@other.example", "", "", strings.Repeat("word ", MaxJoinText), false)))
	step("join request, already on", s.JoinRequest(ctx, crew, jm("bob@example.test", "Bob", "again", "hi", true)))
	step("join request, external", s.JoinRequest(ctx, crew, jm("v@other.example", "Vee", "join", "please", true)))
	step("join request, to decline", s.JoinRequest(ctx, crew, jm("w@other.example", "", "join", "please", true)))
	step("join request, to expire", s.JoinRequest(ctx, crew, jm("e@other.example", "", "join", "please", true)))
	// Before any request is taken: its number is 6 in both databases.
	_, err = s.CreateGroup(ctx, alice, GroupSpec{ID: str("open"), Name: str("Open"), Public: boolp(true), Notify: boolp(false)})
	step("create quietly", err)
	_, err = s.UpdateGroup(ctx, alice, "open", GroupSpec{Notify: boolp(true)})
	step("notices turned on", err)
	step("join request, public group", s.JoinRequest(ctx, "open@lists.example.test", jm("p@other.example", "Pat", "hi", "me too", true)))
	reqs, err := s.ListJoinRequests(ctx, admin, "team")
	if err != nil {
		t.Fatal(err)
	}
	req := map[string]int64{}
	for _, r := range reqs {
		req[r.Address] = r.N
	}
	step("approve a user", s.DecideJoinRequest(ctx, alice, "team", req["carol@example.test"], JoinApprove, ""))
	step("approve an address", s.DecideJoinRequest(ctx, admin, "team", req["v@other.example"], JoinApprove, ""))
	step("decline", s.DecideJoinRequest(ctx, alice, "team", req["w@other.example"], JoinDecline, "not this year"))
	now = now.Add(15 * 24 * time.Hour)
	_, err = s.ExpireJoinRequests(ctx, 14)
	step("expire join requests", err)

	_, err = s.CreateGroup(ctx, alice, GroupSpec{ID: str("mod"), Name: str("Moderated"), Notify: boolp(false),
		MailingList: &ListSpec{Moderation: str(ModerateAll)}})
	step("create moderated", err)
	held := map[string]*Post{}
	for _, x := range []struct {
		from     string
		verified bool
	}{{"d@example.test", true}, {"h@example.test", false}, {"k@example.test", true}} {
		p := &Post{List: "mod@lists.example.test", Sender: x.from, Verified: x.verified, MessageID: x.from,
			Data: []byte("Subject: a question\r\n\r\nbody\r\n"), Subject: "a question"}
		if err := s.AcceptPosts(ctx, []*Post{p}); err == nil && p.Held == 0 {
			err = fmt.Errorf("not held: %v", p.Err)
		}
		held[x.from] = p
		step("held from "+x.from, err)
	}
	step("reject", s.DecideHeld(ctx, alice, "mod", held["d@example.test"].Held, HeldReject, "off topic"))
	step("approve held", s.DecideHeld(ctx, alice, "mod", held["h@example.test"].Held, HeldApprove, ""))
	now = now.Add(30 * 24 * time.Hour)
	_, err = s.ExpireHeld(ctx, 14)
	step("expire held", err)

	_, err = s.CreateGroup(ctx, admin, GroupSpec{ID: str("ext"), Name: str("Ext"), Notify: boolp(false), External: boolp(true),
		Masters: []string{"alice@example.test"}, MailingList: &ListSpec{ExternalMembers: &[]string{"x@other.example", "y@other.example", "z@other.example"}}})
	step("create with external members", err)
	p := &Post{List: "ext@lists.example.test", Sender: "alice@example.test", Verified: true, MessageID: "m@x",
		Data: []byte("Subject: news\r\n\r\nbody\r\n"), Subject: "news"}
	if err := s.AcceptPosts(ctx, []*Post{p}); err == nil {
		err = p.Err
	}
	step("post", err)
	unbundleAll(t, s)
	items, err := s.DueOutbound(ctx, now, 1000, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]OutboundItem{}
	for _, it := range items {
		if it.OID == items[len(items)-1].OID {
			row[it.Rcpt] = it
		}
	}
	step("undeliverable", s.FinishDelivery(ctx, Delivery{Failed: []Attempt{
		{RID: row["x@other.example"].RID, Code: "5.1.1", Error: "550 5.1.1 no such user"},
		{RID: row["alice@example.test"].RID, Code: "5.2.2", Error: "552 5.2.2 mailbox full, and a long answer that goes on"}}}, 1))
	_, err = s.Unsubscribe(ctx, row["y@other.example"].Unsubscribe, UnsubscribeWeb)
	step("unsubscribe by the link", err)
	mt, err := s.ResolveMailAddress(ctx, "ext-unsubscribe+"+row["z@other.example"].Unsubscribe+"@lists.example.test", Sender{})
	if err == nil {
		_, err = s.Unsubscribe(ctx, mt.Token, UnsubscribeMail)
	}
	step("unsubscribe by mail", err)
	_, err = s.SummariseUnsubscribes(ctx)
	step("summarise unsubscribes", err)

	subject, contents, preamble := s.DigestWords("Team 2", now, 3)
	fmt.Fprintf(&log, "Digest: %s\n%s\n%s\n", subject, contents, preamble)
	_, err = s.UpdateGroup(ctx, admin, "team", GroupSpec{Description: str(""), External: boolp(false), Notify: boolp(true),
		Features: &FeatureSpec{Note: boolp(true), Folder: boolp(false)},
		MailingList: &ListSpec{Enabled: boolp(false), SendRestriction: str(SendAnyone), Moderation: str(ModerateNone),
			ExternalMembers: &[]string{"v@other.example"}, SendersAs: &[]string{}, Allowed: &[]string{}, BlockExternal: boolp(false)}})
	step("edit by an administrator", err)
	step("delete", s.DeleteGroup(ctx, alice, "team"))
	return log.String()
}
