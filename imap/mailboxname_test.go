package imap

import (
	"bufio"
	"crypto/tls"
	"strings"
	"testing"

	"groupd/internal/testkit"
)

// rdName is a group whose name has "&" and Korean (issue 17, bug 1). LIST
// shows "&" as "＆" (cleanName); its modified UTF-7 spelling is rdUTF7.
const (
	rdName   = "R&D 연구"
	rdListed = "Groups/R＆D 연구"
	rdUTF7   = "Groups/R&,wY-D &xfCtbA-"
)

func rdEnv(t *testing.T, opts ...func(*Options)) *env {
	t.Helper()
	e := newEnv(t, opts...)
	mkGroup(t, e.store, "rd", rdName, true, "bob@example.test")
	e.post(t, "rd", message("연구 노트", "first note"))
	return e
}

// answer sends one command and returns its tagged answer.
func (r *raw) answer(tag, cmd string) string {
	r.t.Helper()
	r.send(tag + " " + cmd + "\r\n")
	return r.until(tag + " ")
}

// lines sends one command and returns its untagged lines and tagged answer.
func (r *raw) lines(tag, cmd string) (untagged []string, done string) {
	r.t.Helper()
	r.send(tag + " " + cmd + "\r\n")
	for {
		l := r.line()
		if strings.HasPrefix(l, tag+" ") {
			return untagged, l
		}
		untagged = append(untagged, l)
	}
}

// TestInvalidUTF7NamesAnswerBad: before UTF8=ACCEPT, a name that is not
// modified UTF-7 is a client error on every command that takes one, not
// NO [SERVERBUG]; the session goes on, and the name as LIST shows it opens.
func TestInvalidUTF7NamesAnswerBad(t *testing.T) {
	t.Parallel()
	r := rdEnv(t).raw(t)
	r.login()
	for i, cmd := range []string{`LIST "" "&*"`, `LSUB "" "&*"`, `SELECT "&"`, `EXAMINE "Groups/R&D"`,
		`STATUS "Groups/R&D" (MESSAGES)`, `CREATE "R&D"`, `LIST () "" ("Groups/*" "&")`, `RENAME "a" "&"`} {
		tag := "b" + string(rune('a'+i))
		if l := r.answer(tag, cmd); !strings.HasPrefix(l, tag+" BAD [CLIENTBUG]") || !strings.Contains(l, "UTF-7") {
			t.Errorf("%s answered %q, want BAD [CLIENTBUG] naming UTF-7", cmd, l)
		}
	}
	list, done := r.lines("c", `LIST "" "Groups/*"`)
	if want := `* LIST (\HasNoChildren) "/" "` + rdUTF7 + `"`; !strings.HasPrefix(done, "c OK") || !hasLine(list, want) {
		t.Fatalf("LIST: %q %q, want %q", list, done, want)
	}
	if l := r.answer("d", `EXAMINE "`+rdUTF7+`"`); !strings.HasPrefix(l, "d OK [READ-ONLY]") {
		t.Errorf("EXAMINE as listed: %q", l)
	}
	if l := r.answer("e", `EXAMINE "Groups/R&-D &xfCtbA-"`); !strings.HasPrefix(l, "e OK") {
		t.Errorf("EXAMINE with &- for &: %q", l)
	}
}

// TestUTF8AcceptNames: after ENABLE UTF8=ACCEPT (RFC 6855 §3) names are
// UTF-8 and "&" is literal: each command finds the group typed with "&",
// as LIST shows it, or in modified UTF-7.
func TestUTF8AcceptNames(t *testing.T) {
	t.Parallel()
	r := rdEnv(t).raw(t)
	r.login()
	if l := r.answer("a", "ENABLE UTF8=ACCEPT"); !strings.HasPrefix(l, "a OK") {
		t.Fatalf("ENABLE: %q", l)
	}
	utf8Session(t, r)
}

// utf8Session runs the UTF8=ACCEPT checks on a logged-in, enabled session.
func utf8Session(t *testing.T, r *raw) {
	t.Helper()
	list, _ := r.lines("b", `LIST "" "Groups/R&*"`)
	if want := `* LIST (\HasNoChildren) "/" "` + rdListed + `"`; !hasLine(list, want) {
		t.Errorf("LIST Groups/R&*: %q, want %q", list, want)
	}
	lsub, _ := r.lines("c", `LSUB "" "Groups/R&*"`)
	if want := `* LSUB (\HasNoChildren \Subscribed) "/" "` + rdListed + `"`; !hasLine(lsub, want) {
		t.Errorf("LSUB Groups/R&*: %q, want %q", lsub, want)
	}
	for i, name := range []string{"Groups/R&D 연구", rdListed, rdUTF7} {
		tag := string(rune('d' + i))
		if l := r.answer(tag+"1", `EXAMINE "`+name+`"`); !strings.HasPrefix(l, tag+"1 OK [READ-ONLY]") {
			t.Errorf("EXAMINE %q: %q", name, l)
		}
		if l := r.answer(tag+"2", `SELECT "`+name+`"`); !strings.HasPrefix(l, tag+"2 OK [READ-WRITE]") {
			t.Errorf("SELECT %q: %q", name, l)
		}
		st, done := r.lines(tag+"3", `STATUS "`+name+`" (MESSAGES)`)
		if !strings.HasPrefix(done, tag+"3 OK") || !hasLine(st, `* STATUS "`+rdListed+`" (MESSAGES 1)`) {
			t.Errorf("STATUS %q: %q %q", name, st, done)
		}
	}
	if l := r.answer("f0", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"); !strings.HasPrefix(l, "f0 OK") {
		t.Errorf("FETCH in the & mailbox: %q", l)
	}
	if l := r.answer("g", `CREATE "Groups/R&D 2"`); !strings.HasPrefix(l, "g NO [NOPERM]") {
		t.Errorf("CREATE: %q, want NO [NOPERM]", l)
	}
	if l := r.answer("h", `EXAMINE "Groups/Q&A"`); !strings.HasPrefix(l, "h NO [NONEXISTENT]") {
		t.Errorf("EXAMINE of a missing name with &: %q, want NO [NONEXISTENT]", l)
	}
}

// TestUTF8AcceptNamesOverImaps: the same over implicit TLS (RFC 8314
// §3.3), where the command guard now sits above TLS.
func TestUTF8AcceptNamesOverImaps(t *testing.T) {
	t.Parallel()
	srvTLS, cliTLS := testkit.NewCA(t)
	e := rdEnv(t, func(o *Options) { o.TLSConfig = srvTLS })
	c, err := tls.Dial("tcp", e.serveTLS(t), cliTLS)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r := &raw{t: t, c: c, br: bufio.NewReader(c)}
	if g := r.line(); !strings.HasPrefix(g, "* OK") {
		t.Fatalf("greeting %q", g)
	}
	caps, _ := r.lines("a", "CAPABILITY")
	if strings.Contains(strings.Join(caps, " "), "STARTTLS") || strings.Contains(strings.Join(caps, " "), "LOGINDISABLED") {
		t.Errorf("imaps offers %q", caps)
	}
	r.login()
	if l := r.answer("b", `EXAMINE "Groups/R&D"`); !strings.HasPrefix(l, "b BAD [CLIENTBUG]") {
		t.Errorf("EXAMINE R&D before ENABLE over imaps: %q", l)
	}
	if l := r.answer("a", "ENABLE UTF8=ACCEPT"); !strings.HasPrefix(l, "a OK") {
		t.Fatalf("ENABLE: %q", l)
	}
	utf8Session(t, r)
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

// TestCheckNames: the guard's reading of mailbox arguments (RFC 3501
// §5.1.3, RFC 6855 §3): valid names pass as sent; under UTF8=ACCEPT a
// stray "&" is sent on as "&-"; otherwise an answer.
func TestCheckNames(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line  string
		utf8  bool
		want  string // the line passed on, or the start of the answer
		valid bool
	}{
		{`a SELECT "Groups/R&,wY-D"`, false, `a SELECT "Groups/R&,wY-D"`, true},
		{`a SELECT "Groups/연구"`, false, `a SELECT "Groups/연구"`, true},
		{`a SELECT INBOX`, false, `a SELECT INBOX`, true},
		{`a SELECT "R&D"`, false, "BAD [CLIENTBUG]", false},
		{`a SELECT "R&D"`, true, `a SELECT "R&-D"`, true},
		{`a SELECT "&AGE-"`, false, "BAD [CLIENTBUG]", false},      // "a" must be itself
		{`a SELECT "&2D3-"`, false, "BAD [CLIENTBUG]", false},      // a lone surrogate
		{`a SELECT "&,wY-&,wY-"`, false, "BAD [CLIENTBUG]", false}, // a null shift
		{"a SELECT \"\x01\"", true, "BAD [CLIENTBUG]", false},
		{`a LIST () "" ("Groups/*" "R&*") RETURN (CHILDREN)`, true, `a LIST () "" ("Groups/*" "R&-*") RETURN (CHILDREN)`, true},
		{`a UID COPY 1:3 "R&D"`, true, `a UID COPY 1:3 "R&-D"`, true},
		{`a RENAME "a&" "b&"`, true, `a RENAME "a&-" "b&-"`, true},
		{`a STATUS "q\"&" (MESSAGES)`, true, `a STATUS "q\"&-" (MESSAGES)`, true},
		{`a FETCH 1 (BODY[])`, false, `a FETCH 1 (BODY[])`, true},
	}
	for _, c := range cases {
		line, answer := checkNames([]byte(c.line+"\r\n"), c.utf8)
		got := strings.TrimSuffix(string(line), "\r\n")
		if !c.valid {
			got = answer
		}
		if !strings.HasPrefix(got, c.want) || (c.valid && answer != "") {
			t.Errorf("%q (utf8 %v): line %q answer %q, want %q", c.line, c.utf8, line, answer, c.want)
		}
	}
}
