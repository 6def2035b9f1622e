package imap

import (
	"bytes"
	"strconv"
	"strings"

	goimap "github.com/emersion/go-imap/v2"
)

// The FETCH, STORE and SEARCH rewrites of condguard.go.

// condReq is what a rewritten FETCH or STORE asked for.
type condReq struct {
	modseq       bool   // FETCH: the MODSEQ item, or CHANGEDSINCE
	changedSince uint64 // FETCH CHANGEDSINCE (RFC 7162 §3.1.4.1)
	hasChanged   bool
	vanished     bool   // FETCH … VANISHED (§3.2.6)
	unchanged    uint64 // STORE UNCHANGEDSINCE (§3.1.3)
	hasUnchanged bool
	lost         bool // forgotten before its turn (takeCond)
}

const badFetchMods = "BAD [CLIENTBUG] FETCH modifiers are (CHANGEDSINCE modseq [VANISHED]) (RFC 7162 §3.1.4.1, §3.2.6)"

// rewriteFetch takes the MODSEQ item and the modifiers off a FETCH line
// and adds the marker item that names the request.
func (t *extTable) rewriteFetch(l []byte, name string) ([]byte, string, bool) {
	_, args := commandArgs(l)
	if len(args) < 2 || args[0].kind != 'a' {
		return nil, "", false
	}
	body := bytes.TrimRight(l, "\r\n")
	at := args[1].start
	end := scanItem(body, at)
	items := body[at:end]
	if items[0] == '(' {
		items = items[1 : len(items)-1]
	}
	var kept []string
	req := &condReq{}
	for _, it := range splitItems(items) {
		switch up := strings.ToUpper(it); {
		case up == "MODSEQ":
			req.modseq = true
		case up == "ALL" || up == "FAST" || up == "FULL":
			kept = append(kept, "FLAGS", "INTERNALDATE", "RFC822.SIZE")
			if up != "FAST" {
				kept = append(kept, "ENVELOPE")
			}
			if up == "FULL" {
				kept = append(kept, "BODY")
			}
		default:
			kept = append(kept, it)
		}
	}
	mods := strings.TrimSpace(string(body[end:]))
	if !req.modseq && mods == "" {
		return nil, "", false
	}
	if mods != "" {
		if answer := req.fetchMods(mods, name); answer != "" {
			return nil, answer, true
		}
	}
	id := t.addCond(req)
	kept = append(kept, "BODY.PEEK[HEADER.FIELDS ("+t.key+" "+strconv.Itoa(id)+")]")
	return []byte(string(body[:at]) + "(" + strings.Join(kept, " ") + ")\r\n"), "", true
}

// fetchMods reads "(CHANGEDSINCE m [VANISHED])".
func (r *condReq) fetchMods(mods, name string) string {
	if !strings.HasPrefix(mods, "(") || !strings.HasSuffix(mods, ")") {
		return badFetchMods
	}
	f := strings.Fields(strings.ToUpper(mods[1 : len(mods)-1]))
	for i := 0; i < len(f); i++ {
		switch {
		case f[i] == "CHANGEDSINCE" && i+1 < len(f):
			n, err := strconv.ParseUint(f[i+1], 10, 63)
			if err != nil || n == 0 {
				return badFetchMods
			}
			r.changedSince, r.hasChanged, r.modseq = n, true, true
			i++
		case f[i] == "VANISHED":
			r.vanished = true
		default:
			return badFetchMods
		}
	}
	if r.vanished && (name != "UID FETCH" || !r.hasChanged) {
		return "BAD [CLIENTBUG] VANISHED needs UID FETCH and CHANGEDSINCE (RFC 7162 §3.2.6)"
	}
	return ""
}

// scanItem finds the end of the FETCH item (or list of items) at i:
// brackets and parentheses nest, spaces inside them do not end it.
func scanItem(b []byte, i int) int {
	depth, quoted := 0, false
	for j := i; j < len(b); j++ {
		c := b[j]
		switch {
		case quoted:
			if c == '\\' {
				j++
			} else if c == '"' {
				quoted = false
			}
		case c == '"':
			quoted = true
		case c == '(' || c == '[':
			depth++
		case c == ')' || c == ']':
			depth--
			if depth <= 0 && b[i] == '(' && c == ')' {
				return j + 1
			}
		case c == ' ' && depth <= 0:
			return j
		}
	}
	return len(b)
}

// splitItems splits the inside of a FETCH item list.
func splitItems(b []byte) []string {
	var out []string
	for i := 0; i < len(b); {
		if b[i] == ' ' {
			i++
			continue
		}
		j := scanItem(b, i)
		out = append(out, string(b[i:j]))
		i = j
	}
	return out
}

// rewriteStore takes "(UNCHANGEDSINCE m)" off a STORE line and adds the
// marker keyword that names the request (RFC 7162 §3.1.3).
func (t *extTable) rewriteStore(l []byte) ([]byte, string, bool) {
	_, args := commandArgs(l)
	if len(args) < 3 || args[1].kind != '(' {
		return nil, "", false
	}
	const bad = "BAD [CLIENTBUG] STORE modifiers are (UNCHANGEDSINCE modseq) (RFC 7162 §3.1.3)"
	if len(args) < 6 || args[2].kind != 'a' || !strings.EqualFold(args[2].value, "UNCHANGEDSINCE") ||
		args[3].kind != 'a' || args[4].kind != ')' {
		return nil, bad, true
	}
	n, err := strconv.ParseUint(args[3].value, 10, 63)
	if err != nil {
		return nil, bad, true
	}
	id := t.addCond(&condReq{unchanged: n, hasUnchanged: true})
	marker := t.key + "-" + strconv.Itoa(id)
	body := bytes.TrimRight(l, "\r\n")
	head := string(body[:args[1].start]) + string(body[args[5].start:])
	if args[len(args)-1].kind == ')' {
		i := strings.LastIndexByte(head, ')')
		sep := " "
		if strings.HasSuffix(head[:i], "(") {
			sep = ""
		}
		return []byte(head[:i] + sep + marker + head[i:] + "\r\n"), "", true
	}
	return []byte(head + " " + marker + "\r\n"), "", true
}

// addCond keeps a FETCH or STORE request like add.
func (t *extTable) addCond(r *condReq) int { return t.add(&extReq{cond: r}) }

// takeFetch finds the marker item of a rewritten FETCH, removes it and
// returns its request (nil for a FETCH the guard did not rewrite).
func (t *extTable) takeFetch(o *goimap.FetchOptions) *condReq {
	for i, bs := range o.BodySection {
		if bs.Specifier != goimap.PartSpecifierHeader || len(bs.HeaderFields) != 2 || bs.HeaderFields[0] != t.key {
			continue
		}
		o.BodySection = append(o.BodySection[:i:i], o.BodySection[i+1:]...)
		return t.takeCond(bs.HeaderFields[1])
	}
	return nil
}

// takeStore finds the marker keyword of a rewritten STORE.
func (t *extTable) takeStore(f *goimap.StoreFlags) *condReq {
	prefix := t.key + "-"
	for i, fl := range f.Flags {
		if id, ok := strings.CutPrefix(string(fl), prefix); ok {
			f.Flags = append(f.Flags[:i:i], f.Flags[i+1:]...)
			return t.takeCond(id)
		}
	}
	return nil
}

func (t *extTable) takeCond(id string) *condReq {
	n, _ := strconv.Atoi(id)
	t.mu.Lock()
	defer t.mu.Unlock()
	req := t.reqs[n]
	delete(t.reqs, n)
	if req == nil || req.cond == nil {
		return &condReq{lost: true} // forgotten: over maxExtReqs were waiting
	}
	return req.cond
}

// errLostReq answers a FETCH or STORE whose request was forgotten: run
// without its condition, it would do what the client did not ask.
var errLostReq = &goimap.Error{Type: goimap.StatusResponseTypeBad, Code: goimap.ResponseCodeClientBug,
	Text: "Too many commands waiting: send this one again"}

// searchArgs is how many arguments each search key takes (RFC 3501
// §6.4.4), so that MODSEQ is only found where a key may be.
var searchArgs = map[string]int{"BCC": 1, "BEFORE": 1, "BODY": 1, "CC": 1, "FROM": 1, "KEYWORD": 1,
	"ON": 1, "SENTBEFORE": 1, "SENTON": 1, "SENTSINCE": 1, "SINCE": 1, "SUBJECT": 1, "TEXT": 1, "TO": 1,
	"UNKEYWORD": 1, "LARGER": 1, "SMALLER": 1, "UID": 1, "HEADER": 2, "CHARSET": 1, "RETURN": 0}

// rewriteModSeq turns each "MODSEQ [entry-name entry-type] m" search key
// (RFC 7162 §3.1.5) into "HEADER <key>-M m"; the session takes them out
// before searching (condsearch.go).
func (t *extTable) rewriteModSeq(l []byte) []byte {
	_, args := commandArgs(l)
	var out []byte
	last := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a.kind != 'a' || a.quoted {
			continue
		}
		up := strings.ToUpper(a.value)
		if up != "MODSEQ" {
			i += searchArgs[up]
			continue
		}
		j := i + 1
		if j+1 < len(args) && args[j].quoted {
			j += 2 // entry name and type: flags are per user here, one value for all
		}
		if j >= len(args) || args[j].kind != 'a' {
			return l // go-imap answers the syntax error
		}
		out = append(append(out, l[last:a.start]...), "HEADER "+t.modseqKey()+" "+args[j].value...)
		last, i = args[j].end, j
	}
	if out == nil {
		return l
	}
	return append(out, l[last:]...)
}
