package imap

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// condState is a connection's CONDSTORE and QRESYNC state (RFC 7162),
// shared by its guard and its session, and the edits the session asks
// for in go-imap's output, where go-imap cannot write what RFC 7162 adds:
// the MODSEQ item of a FETCH response (§3.1.4.2), HIGHESTMODSEQ of STATUS
// (§3.1.6), the ENABLED response (§3.1.8, §3.2.3), SEARCH's (MODSEQ m)
// (§3.1.5), and the responses a SELECT adds before its tagged OK
// (§3.1.2.1, §3.2.5). The guard applies the edits to each response line
// it writes (guardConn.Write).
type condState struct {
	condstore atomic.Bool // CONDSTORE enabled (§3.1.8): MODSEQ in FETCH responses
	qresync   atomic.Bool // ENABLE QRESYNC (§3.2.3)

	mu     sync.Mutex
	sel    *selectParams // of the SELECT or EXAMINE go-imap reads next
	status bool          // the STATUS go-imap reads next asked for HIGHESTMODSEQ
	edits  []outEdit
}

// outEdit changes the next response line that match accepts.
type outEdit struct {
	match func(l []byte) bool
	edit  func(l []byte) []byte
}

// enable follows ENABLE CONDSTORE and QRESYNC (RFC 5161 §3.1): the
// ENABLED response lists those this command enabled (QRESYNC implies
// CONDSTORE, §3.2.3). Before authentication go-imap refuses ENABLE.
func (c *condState) enable(caps []string, authed bool) {
	if !authed {
		return
	}
	var now []string
	for _, cp := range caps {
		switch {
		case cp == "CONDSTORE" && !c.condstore.Load() && !c.qresync.Load():
			now = append(now, cp)
		case cp == "QRESYNC" && !c.qresync.Load():
			now = append(now, cp)
			c.qresync.Store(true)
		}
	}
	c.condstore.Store(true)
	if len(now) == 0 {
		return
	}
	c.edit(prefixed("* ENABLED"), func(l []byte) []byte {
		body := bytes.TrimRight(l, "\r\n")
		return []byte(string(body) + " " + strings.Join(now, " ") + "\r\n")
	})
}

func (c *condState) setSelect(p *selectParams) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sel = p
}

func (c *condState) takeSelect() *selectParams {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.sel
	c.sel = nil
	return p
}

func (c *condState) setStatus(asked bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status = asked
}

func (c *condState) takeStatus() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	asked := c.status
	c.status = false
	return asked
}

// edit queues a change of the next line that match accepts.
func (c *condState) edit(match func([]byte) bool, edit func([]byte) []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.edits = append(c.edits, outEdit{match, edit})
}

// apply runs the first queued edit that matches l, and drops it. A
// command's tagged response ends its responses: edits still queued then
// (for a response that a failure left unwritten) are dropped, so that
// none reaches a later command's.
func (c *condState) apply(l []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.edits) == 0 {
		return l
	}
	out := l
	for i, e := range c.edits {
		if e.match(l) {
			c.edits = append(c.edits[:i:i], c.edits[i+1:]...)
			out = e.edit(l)
			break
		}
	}
	if tagged(l) {
		c.edits = nil
	}
	return out
}

func prefixed(p string) func([]byte) bool {
	return func(l []byte) bool { return bytes.HasPrefix(l, []byte(p)) }
}

// tagged matches a tagged status response ("tag OK|NO|BAD …", RFC 9051
// §7.1), not an untagged one, a continuation request, nor the rest of a
// response line after a literal (which starts with a space or ")").
func tagged(l []byte) bool {
	sp := bytes.IndexByte(l, ' ')
	if sp <= 0 || strings.IndexByte("*+ )", l[0]) >= 0 {
		return false
	}
	rest := l[sp+1:]
	return bytes.HasPrefix(rest, []byte("OK")) || bytes.HasPrefix(rest, []byte("NO")) || bytes.HasPrefix(rest, []byte("BAD"))
}

// fetchModSeq adds "MODSEQ (m)" to the FETCH response of message seq
// (RFC 7162 §3.1.4.2), which go-imap is about to write.
func (c *condState) fetchModSeq(seq uint32, m uint64) {
	p := []byte("* " + strconv.FormatUint(uint64(seq), 10) + " FETCH (")
	c.edit(func(l []byte) bool { return bytes.HasPrefix(l, p) }, func(l []byte) []byte {
		item := "MODSEQ (" + strconv.FormatUint(m, 10) + ")"
		if !bytes.HasPrefix(l[len(p):], []byte(")")) {
			item += " "
		}
		return append(append(append([]byte{}, p...), item...), l[len(p):]...)
	})
}

// beforeTagged writes text before the next tagged response: the
// responses a SELECT adds (§3.1.2.1, §3.2.5).
func (c *condState) beforeTagged(text string) {
	c.edit(tagged, func(l []byte) []byte { return append([]byte(text), l...) })
}

// statusItem adds "HIGHESTMODSEQ m" to the next STATUS response (§3.1.6).
func (c *condState) statusItem(m uint64) {
	c.edit(prefixed("* STATUS "), func(l []byte) []byte {
		body := bytes.TrimRight(l, "\r\n")
		i := bytes.LastIndexByte(body, ')')
		if i < 0 {
			return l
		}
		item := "HIGHESTMODSEQ " + strconv.FormatUint(m, 10)
		if body[i-1] != '(' {
			item = " " + item
		}
		return []byte(string(body[:i]) + item + string(body[i:]) + "\r\n")
	})
}

// searchModSeq adds the highest mod-sequence of the messages found to
// the next SEARCH, SORT or ESEARCH response (§3.1.5; RFC 4731 §3.2 as
// extended by RFC 7162 §7, search-modifier "MODSEQ").
func (c *condState) searchModSeq(m uint64) {
	n := strconv.FormatUint(m, 10)
	c.edit(func(l []byte) bool {
		return bytes.HasPrefix(l, []byte("* SEARCH")) || bytes.HasPrefix(l, []byte("* SORT")) || bytes.HasPrefix(l, []byte("* ESEARCH"))
	}, func(l []byte) []byte {
		body := string(bytes.TrimRight(l, "\r\n"))
		if strings.HasPrefix(body, "* ESEARCH") {
			return []byte(body + " MODSEQ " + n + "\r\n")
		}
		return []byte(body + " (MODSEQ " + n + ")\r\n")
	})
}
