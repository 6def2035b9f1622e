package imap

import (
	"bytes"
	"strconv"
	"strings"
)

// CONDSTORE and QRESYNC syntax (RFC 7162), which go-imap's parser does
// not know, read by the guard. Each command is handed to go-imap in a
// form it parses, and what it asked for reaches the session:
//   - FETCH … (CHANGEDSINCE m [VANISHED]) and the MODSEQ item (§3.1.4,
//     §3.2.6) and STORE (UNCHANGEDSINCE m) (§3.1.3) carry a marker, as
//     SORT does (sortcmd.go): a BODY.PEEK[HEADER.FIELDS (key id)] item,
//     or a keyword "key-id", which the session takes out;
//   - SEARCH MODSEQ m (§3.1.5) becomes HEADER key-M m, in place, so that
//     it may sit under NOT and OR;
//   - SELECT and EXAMINE (§3.1.8, §3.2.5), STATUS (HIGHESTMODSEQ)
//     (§3.1.6), also in LIST … RETURN (STATUS (…)) (RFC 5819), and
//     ENABLE (§3.1.8, §3.2.3) wait for the commands before
//     them (hold) and leave their parameters in condState, which the
//     session reads when go-imap calls it with the command: exact,
//     because go-imap reads the command only then.
// Responses go-imap cannot write are added by condState's output edits
// (condout.go).

// modseqKey is the header name that marks a MODSEQ search key.
func (t *extTable) modseqKey() string { return t.key + "-M" }

// condCommand handles the CONDSTORE syntax of a command's first line: ok
// is false when there is none (the line goes on as it is).
func (g *guardConn) condCommand(l []byte, tag, name string) (line []byte, answer string, ok bool) {
	size, _ := literalHeader(l)
	switch name {
	case "ENABLE":
		if caps := enableCaps(l); len(caps) > 0 {
			l, _ = g.names(l, name) // UTF8=ACCEPT, should it come too
			return g.holdLine(l, size, func() bool { g.cond.enable(caps, g.authed.Load()); return true }), "", true
		}
	case "SELECT", "EXAMINE":
		var p *selectParams
		if size < 0 {
			var answer string
			if l, p, answer = parseSelectParams(l); answer != "" {
				return nil, answer, true
			}
		}
		if l, answer = g.names(l, name); answer != "" {
			return nil, answer, true
		}
		return g.holdLine(l, size, func() bool {
			if p != nil && p.qresync && !g.cond.qresync.Load() {
				g.answer(tag + " BAD [CLIENTBUG] QRESYNC parameter without ENABLE QRESYNC (RFC 7162 §3.2.5)")
				return false
			}
			g.cond.setSelect(p)
			return true
		}), "", true
	case "STATUS":
		asked := false
		if size < 0 {
			l, asked = stripStatusItem(l)
		}
		if l, answer = g.names(l, name); answer != "" {
			return nil, answer, true
		}
		return g.holdLine(l, size, func() bool { g.cond.setStatus(asked); return true }), "", true
	case "LIST":
		if size < 0 && bytes.Contains(bytes.ToUpper(l), []byte("RETURN")) {
			l2, asked := stripStatusItem(l)
			if asked && !bytes.Contains(bytes.ToUpper(l2), []byte("STATUS")) {
				l2, asked = l, false // not inside RETURN (STATUS (…))
			}
			if l2, answer = g.names(l2, name); answer != "" {
				return nil, answer, true
			}
			return g.holdLine(l2, size, func() bool { g.cond.setStatus(asked); return true }), "", true
		}
	case "FETCH", "UID FETCH":
		if size < 0 {
			return g.ext.rewriteFetch(l, name)
		}
	case "STORE", "UID STORE":
		if size < 0 {
			return g.ext.rewriteStore(l)
		}
	}
	return nil, "", false
}

// holdLine passes l (with the literal of size bytes that follows, if
// any) to the parser once the commands before it are answered, after
// set, unless set returns false: it answered the command itself. It
// returns nil: the line is held.
func (g *guardConn) holdLine(l []byte, size int64, set func() bool) []byte {
	g.hold(func(rest []byte) ([]byte, error) {
		if set() {
			g.ready = append(g.ready, l...)
			if size >= 0 {
				g.cont, g.literal = true, size
			}
		}
		return rest, nil
	})
	return nil
}

// enableCaps picks CONDSTORE and QRESYNC from an ENABLE line.
func enableCaps(l []byte) []string {
	var out []string
	for _, w := range strings.Fields(strings.ToUpper(string(bytes.TrimRight(l, "\r\n"))))[2:] {
		if w == "CONDSTORE" || w == "QRESYNC" {
			out = append(out, w)
		}
	}
	return out
}

// selectParams are the SELECT and EXAMINE parameters of RFC 7162.
type selectParams struct {
	condstore bool
	qresync   bool
	validity  uint32
	modseq    uint64
	known     string // known-uids, "" for none
	seqs      string // seq-match-data's sequence set (not used: see qresync.go)
}

// parseSelectParams takes "(CONDSTORE)" or "(QRESYNC (v m [uids
// [(seqs uids)]]))" off a SELECT or EXAMINE line (RFC 7162 §3.1.8,
// §3.2.5; RFC 4466 §2.4 select-params).
func parseSelectParams(l []byte) ([]byte, *selectParams, string) {
	_, args := commandArgs(l)
	if len(args) < 2 || args[1].kind != '(' {
		return l, nil, ""
	}
	const bad = "BAD [CLIENTBUG] SELECT parameters are (CONDSTORE) or (QRESYNC (uidvalidity modseq [known-uids [(seqs uids)]])) (RFC 7162)"
	p := &selectParams{}
	rest := args[2:]
	for len(rest) > 0 && rest[0].kind == 'a' {
		switch strings.ToUpper(rest[0].value) {
		case "CONDSTORE":
			p.condstore, rest = true, rest[1:]
		case "QRESYNC":
			n, ok := p.qresyncArgs(rest[1:])
			if !ok {
				return nil, nil, bad
			}
			p.qresync, rest = true, rest[1+n:]
		default:
			return nil, nil, bad
		}
	}
	if len(rest) != 1 || rest[0].kind != ')' {
		return nil, nil, bad
	}
	out := append(bytes.TrimRight(l[:args[1].start], " "), "\r\n"...)
	return out, p, ""
}

// qresyncArgs reads "(uidvalidity modseq [known-uids [(seqs uids)]])"
// and says how many tokens it took.
func (p *selectParams) qresyncArgs(ts []token) (int, bool) {
	if len(ts) < 4 || ts[0].kind != '(' || ts[1].kind != 'a' || ts[2].kind != 'a' {
		return 0, false
	}
	v, err1 := strconv.ParseUint(ts[1].value, 10, 32)
	m, err2 := strconv.ParseUint(ts[2].value, 10, 63)
	if err1 != nil || err2 != nil || v == 0 {
		return 0, false
	}
	p.validity, p.modseq = uint32(v), m
	i := 3
	if ts[i].kind == 'a' {
		p.known, i = ts[i].value, i+1
	}
	if i+3 < len(ts) && ts[i].kind == '(' && ts[i+1].kind == 'a' && ts[i+2].kind == 'a' && ts[i+3].kind == ')' {
		p.seqs, i = ts[i+1].value, i+4
	}
	if i >= len(ts) || ts[i].kind != ')' {
		return 0, false
	}
	return i + 1, true
}

// stripStatusItem takes HIGHESTMODSEQ out of a STATUS item list.
func stripStatusItem(l []byte) ([]byte, bool) {
	_, args := commandArgs(l)
	for i, t := range args {
		if i > 0 && t.kind == 'a' && !t.quoted && strings.EqualFold(t.value, "HIGHESTMODSEQ") {
			out := append([]byte{}, bytes.TrimRight(l[:t.start], " ")...)
			rest := bytes.TrimLeft(l[t.end:], " ")
			if len(out) > 0 && out[len(out)-1] != '(' && rest[0] != ')' {
				out = append(out, ' ')
			}
			return append(out, rest...), true
		}
	}
	return l, false
}
