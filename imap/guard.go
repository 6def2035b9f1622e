package imap

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Limits of the command guard. go-imap buffers a literal of any command
// but APPEND and refuses one over 4096 bytes; its parser nests lists up
// to 1,000 deep and answers deeper ones NO [SERVERBUG].
const (
	maxBufferedLiteral = 4096
	maxNesting         = 100
	maxGuardedLine     = 64 << 10
)

// guardConn reads each command line (RFC 9051 §2.2.1) before go-imap's
// parser does, and answers itself what the parser answers badly (issue
// 16, Info):
//   - a synchronising literal ({N}, §4.3) over the parser's limit: the
//     parser refuses it but then waits for the rest of the line, which
//     the client never sends as it waits for "+": the client hung. It
//     gets NO [TOOBIG] instead, and the line never reaches the parser;
//   - parentheses nested deeper than maxNesting: BAD with a reason, not
//     NO [SERVERBUG].
//
// Literal data passes as it is. After STARTTLS the bytes are TLS records:
// the guard steps aside (a TLS listener puts the guard above TLS).
type guardConn struct {
	net.Conn
	ready   []byte // examined bytes, for the parser
	pending []byte // a line not yet complete
	literal int64  // literal bytes still to pass as they are
	cont    bool   // the next line continues a command (after a literal)
	skip    bool   // the current line was too long to examine
	appends bool   // the current command is APPEND: its literals are messages
	depth   int    // parentheses open in the current command
	off     bool   // after STARTTLS
	utf8    bool   // after ENABLE UTF8=ACCEPT (RFC 6855 §3): see mailboxname.go
	rerr    error
	buf     [4096]byte
}

func (g *guardConn) Read(p []byte) (int, error) {
	for len(g.ready) == 0 && g.rerr == nil {
		n, err := g.Conn.Read(g.buf[:])
		g.examine(g.buf[:n])
		g.rerr = err
	}
	if len(g.ready) == 0 {
		err := g.rerr
		g.rerr = nil // a deadline may be extended and the read tried again
		return 0, err
	}
	n := copy(p, g.ready)
	g.ready = g.ready[n:]
	return n, nil
}

// examine moves b to ready, line by line, answering and dropping the
// lines the parser would answer badly.
func (g *guardConn) examine(b []byte) {
	for len(b) > 0 {
		switch {
		case g.off:
			g.ready = append(g.ready, b...)
			return
		case g.literal > 0:
			k := int(min(int64(len(b)), g.literal))
			g.ready = append(g.ready, b[:k]...)
			g.literal -= int64(k)
			b = b[k:]
			continue
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.pending = append(g.pending, b...)
			if len(g.pending) > maxGuardedLine {
				g.ready, g.pending, g.skip = append(g.ready, g.pending...), nil, true
			}
			return
		}
		line := append(g.pending, b[:i+1]...)
		g.pending, b = nil, b[i+1:]
		if g.skip {
			g.skip = false
			g.ready = append(g.ready, line...)
			continue
		}
		g.line(line)
	}
}

// line examines one complete line of a command.
func (g *guardConn) line(l []byte) {
	start := !g.cont
	tag, name := commandWords(l)
	if start {
		g.depth, g.appends = 0, name == "APPEND"
	}
	var deepest int
	g.depth, deepest = nesting(l, g.depth)
	size, sync := literalHeader(l)
	g.cont = size >= 0
	switch {
	case deepest > maxNesting:
		g.refuse(start && (sync || size < 0), tag, fmt.Sprintf("BAD [CLIENTBUG] Parentheses nest too deeply: at most %d levels", maxNesting))
		return
	case sync && !g.appends && size > maxBufferedLiteral:
		g.refuse(start, tag, fmt.Sprintf("NO [TOOBIG] A literal of %d bytes is over the limit of %d bytes for this command", size, maxBufferedLiteral))
		return
	}
	if start {
		var answer string
		if l, answer = g.names(l, name); answer != "" {
			g.refuse(sync || size < 0, tag, answer)
			return
		}
	}
	if g.cont {
		g.literal = size
	}
	g.ready = append(g.ready, l...)
	if start && name == "STARTTLS" {
		g.off = true
	}
}

// names checks the mailbox names of a command's first line (issue 17,
// bug 1) and follows ENABLE UTF8=ACCEPT (IMAP4rev2 implies it).
func (g *guardConn) names(l []byte, name string) ([]byte, string) {
	if name == "ENABLE" {
		up := strings.ToUpper(string(l))
		g.utf8 = g.utf8 || strings.Contains(up, "UTF8=ACCEPT") || strings.Contains(up, "IMAP4REV2")
		return l, ""
	}
	if !takesMailbox(name) {
		return l, ""
	}
	return checkNames(l, g.utf8)
}

// refuse answers a command the parser never sees, with a tagged answer
// when tagged is set: its first line is the one refused and the client
// sends nothing more of it (no literal, or a synchronising one: it waits
// for "+"). Otherwise the parser has begun the command, or the client
// sends literal data we cannot tell from commands: only BYE can end it
// (RFC 9051 §7.1.5).
func (g *guardConn) refuse(tagged bool, tag, answer string) {
	g.cont = false
	g.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if tagged {
		fmt.Fprintf(g.Conn, "%s %s\r\n", tag, answer)
		g.SetWriteDeadline(time.Time{})
		return
	}
	_, text, _ := strings.Cut(answer, " ")
	fmt.Fprintf(g.Conn, "* BYE %s\r\n", text)
	g.Conn.Close()
}

// commandWords gives a command line's tag and name, upper-cased.
func commandWords(l []byte) (tag, name string) {
	f := strings.Fields(string(l[:min(len(l), 64)]))
	if len(f) > 0 {
		tag = f[0]
	}
	if len(f) > 1 {
		name = strings.ToUpper(f[1])
	}
	return tag, name
}

// nesting adds the parentheses l opens and closes, outside quoted
// strings (§4.3), to depth; deepest is the most open at once.
func nesting(l []byte, depth int) (after, deepest int) {
	deepest = depth
	quoted, escaped := false, false
	for _, c := range l {
		switch {
		case escaped:
			escaped = false
		case quoted && c == '\\':
			escaped = true
		case c == '"':
			quoted = !quoted
		case !quoted && c == '(':
			depth++
			deepest = max(deepest, depth)
		case !quoted && c == ')' && depth > 0:
			depth--
		}
	}
	return depth, deepest
}

// literalHeader reads the literal a line ends with ("{N}" or "{N+}"
// before CRLF, §4.3): its size, -1 for none, and whether it is
// synchronising.
func literalHeader(l []byte) (size int64, sync bool) {
	l = bytes.TrimSuffix(bytes.TrimSuffix(l, []byte("\n")), []byte("\r"))
	if !bytes.HasSuffix(l, []byte("}")) {
		return -1, false
	}
	i := bytes.LastIndexByte(l, '{')
	if i < 0 {
		return -1, false
	}
	n := l[i+1 : len(l)-1]
	sync = !bytes.HasSuffix(n, []byte("+"))
	size, err := strconv.ParseInt(string(bytes.TrimSuffix(n, []byte("+"))), 10, 64)
	if err != nil || size < 0 {
		return -1, false
	}
	return size, sync
}
