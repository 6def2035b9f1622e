package imap

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"

	goimap "github.com/emersion/go-imap/v2"
)

// SORT and THREAD (RFC 5256), which go-imap's server does not dispatch,
// and SEARCH RETURN (SAVE) alone (RFC 5182 §2.1: no ESEARCH response),
// which it answers with one. The guard rewrites such a command into the
// SEARCH go-imap parses, with one more key that names the request:
//
//	t UID SORT (REVERSE DATE) UTF-8 FROM "bob"
//	t UID SEARCH CHARSET UTF-8 HEADER X-Groupd-Ext-<nonce> 7 FROM "bob"
//
// go-imap then parses the search keys (literals, charset: US-ASCII and
// UTF-8, else NO [BADCHARSET]), checks the state, and calls the
// session's Search in the command's turn, which finds request 7, runs the
// search without that key, writes the SORT or THREAD response and answers
// OK through go-imap (sort.go). Pipelined commands keep their order.

// extKind is what a rewritten command asked for.
type extKind int

const (
	extSort extKind = iota
	extThread
	extSave // SEARCH RETURN (SAVE) alone
)

// extReq is one rewritten command.
type extReq struct {
	kind extKind
	name string    // "SORT", "UID THREAD", …: for the OK text
	keys []sortKey // SORT (RFC 5256 §3)
	algo string    // THREAD: ORDEREDSUBJECT or REFERENCES
	err  string    // a BAD answer for the command's turn
	cond *condReq  // a rewritten FETCH or STORE (condrewrite.go)
}

// maxExtReqs bounds requests waiting for their turn on one connection.
const maxExtReqs = 64

// extTable is a connection's requests, shared by its guard and session.
type extTable struct {
	key  string // the marker header's name: random per connection
	mu   sync.Mutex
	next int
	reqs map[int]*extReq
}

func newExtTable() *extTable {
	b := make([]byte, 8)
	rand.Read(b)
	return &extTable{key: "X-Groupd-Ext-" + hex.EncodeToString(b), reqs: map[int]*extReq{}}
}

// rewrite turns a SORT, THREAD or SEARCH RETURN (SAVE) line into a
// marked SEARCH line; ok is false for any other line, answer set for a
// line that cannot be rewritten.
func (t *extTable) rewrite(l []byte) (line []byte, answer string, ok bool) {
	name, args := commandArgs(l)
	var req *extReq
	var from, at int // the charset; the marker goes after it
	switch strings.TrimPrefix(name, "UID ") {
	case "SORT":
		req, from, at, answer = parseSort(args)
	case "THREAD":
		req, from, at, answer = parseThread(args)
	case "SEARCH":
		if req, at = parseSaveOnly(args); req == nil {
			return nil, "", false
		}
	default:
		return nil, "", false
	}
	if answer != "" {
		return nil, answer, true
	}
	req.name = name
	id := t.add(req)
	tag, _ := commandWords(l)
	head := tag + " "
	if strings.HasPrefix(name, "UID ") {
		head += "UID "
	}
	mark := " HEADER " + t.key + " " + strconv.Itoa(id)
	if req.kind == extSave {
		return []byte(string(l[:at]) + mark + string(l[at:])), "", true
	}
	return []byte(head + "SEARCH CHARSET " + string(l[from:at]) + mark + string(l[at:])), "", true
}

// add keeps req, forgetting the oldest beyond maxExtReqs.
func (t *extTable) add(req *extReq) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.next++
	t.reqs[t.next] = req
	delete(t.reqs, t.next-maxExtReqs)
	return t.next
}

// take finds the marker in a SEARCH's top-level keys, removes it and
// returns its request; found is false for a search the guard did not
// rewrite.
func (t *extTable) take(c *goimap.SearchCriteria) (req *extReq, found bool) {
	for i, h := range c.Header {
		if h.Key != t.key {
			continue
		}
		c.Header = append(c.Header[:i:i], c.Header[i+1:]...)
		id, _ := strconv.Atoi(h.Value)
		t.mu.Lock()
		defer t.mu.Unlock()
		req = t.reqs[id]
		delete(t.reqs, id)
		if req == nil {
			req = &extReq{err: "Too many SORT or THREAD commands waiting"}
		}
		return req, true
	}
	return nil, false
}

// parseSort reads "(criteria) charset keys" (RFC 5256 §3, sort): the
// request, and where the charset starts and ends.
func parseSort(args []token) (req *extReq, from, at int, answer string) {
	if len(args) == 0 || args[0].kind != '(' {
		return nil, 0, 0, "BAD [CLIENTBUG] SORT needs (criteria) charset search-keys (RFC 5256 §3)"
	}
	i := 1
	var words []string
	for ; i < len(args) && args[i].kind == 'a' && !args[i].quoted; i++ {
		words = append(words, args[i].value)
	}
	if i+1 >= len(args) || args[i].kind != ')' || args[i+1].kind != 'a' {
		return nil, 0, 0, "BAD [CLIENTBUG] SORT needs (criteria) charset search-keys (RFC 5256 §3)"
	}
	req = &extReq{kind: extSort}
	req.keys, req.err = parseSortKeys(words)
	cs := args[i+1]
	return req, cs.start, cs.end, needKeys(args[i+2:], "SORT")
}

// parseThread reads "algorithm charset keys" (RFC 5256 §3, thread).
func parseThread(args []token) (req *extReq, from, at int, answer string) {
	if len(args) < 2 || args[0].kind != 'a' || args[1].kind != 'a' {
		return nil, 0, 0, "BAD [CLIENTBUG] THREAD needs algorithm charset search-keys (RFC 5256 §3)"
	}
	req = &extReq{kind: extThread, algo: strings.ToUpper(args[0].value)}
	if req.algo != "ORDEREDSUBJECT" && req.algo != "REFERENCES" {
		req.err = "Unknown THREAD algorithm " + strconv.Quote(args[0].value) + ": ORDEREDSUBJECT and REFERENCES are supported"
	}
	return req, args[1].start, args[1].end, needKeys(args[2:], "THREAD")
}

// needKeys: the search criteria must have at least one key.
func needKeys(rest []token, name string) string {
	if len(rest) == 0 {
		return "BAD [CLIENTBUG] " + name + " needs search keys after the charset (RFC 5256 §3)"
	}
	return ""
}

// parseSaveOnly recognises "RETURN (SAVE) [CHARSET cs]" (RFC 5182 §2.1)
// and says where the search keys start.
func parseSaveOnly(args []token) (*extReq, int) {
	if len(args) < 4 || args[0].kind != 'a' || !strings.EqualFold(args[0].value, "RETURN") || args[1].kind != '(' ||
		args[2].kind != 'a' || !strings.EqualFold(args[2].value, "SAVE") || args[3].kind != ')' {
		return nil, 0
	}
	at := args[3].end
	if len(args) > 4 && args[4].kind == 'a' && strings.EqualFold(args[4].value, "CHARSET") {
		if len(args) < 6 || args[5].kind != 'a' {
			return nil, 0 // a charset sent as a literal: go-imap answers
		}
		at = args[5].end
	}
	return &extReq{kind: extSave}, at
}
