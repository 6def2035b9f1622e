package imap

import (
	"bytes"
	"crypto/tls"
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
// Literal data passes as it is. The guard also performs STARTTLS itself
// and keeps guarding the decrypted stream, enforces the login rule, and
// writes the capability lists (guardtls.go); it hands SORT and THREAD to
// the session (sortcmd.go). Its answers wait until the parser has
// answered every command before (hold), so pipelined answers keep order.
type guardConn struct {
	net.Conn                              // as accepted; under TLS after STARTTLS
	ready    []byte                       // examined bytes, for the parser
	pending  []byte                       // a line not yet complete
	literal  int64                        // literal bytes still to pass as they are
	cont     bool                         // the next line continues a command (after a literal)
	skip     bool                         // the current line was too long to examine
	appends  bool                         // the current command is APPEND: its literals are messages
	depth    int                          // parentheses open in the current command
	utf8     bool                         // after ENABLE UTF8=ACCEPT (RFC 6855 §3): see mailboxname.go
	action   func([]byte) ([]byte, error) // held answer, run when ready is read
	held     []byte                       // input after the held command
	rerr     error
	buf      [4096]byte

	tlsState            // STARTTLS, login rule and capabilities (guardtls.go)
	ext      *extTable  // SORT, THREAD, FETCH and STORE requests for the session (sortcmd.go)
	cond     *condState // CONDSTORE and QRESYNC (condguard.go, condout.go)
}

// newGuard guards c; tlsConf offers STARTTLS (nil: none), secure says c
// is already TLS, insecureAuth allows authentication without TLS.
func newGuard(c net.Conn, tlsConf *tls.Config, secure, insecureAuth bool) *guardConn {
	g := &guardConn{Conn: c, ext: newExtTable(), cond: &condState{}}
	g.starttls, g.insecureAuth = tlsConf, insecureAuth
	g.secure.Store(secure)
	return g
}

func (g *guardConn) Read(p []byte) (int, error) {
	for len(g.ready) == 0 && g.rerr == nil {
		if g.action != nil {
			act, rest := g.action, g.held
			g.action, g.held = nil, nil
			rest, g.rerr = act(rest)
			g.examine(rest)
			continue
		}
		n, err := g.top().Read(g.buf[:])
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

// hold makes act answer the current command once the parser has read
// everything examined before it, that is, once it has answered every
// command before; act gets the input after the command and returns what
// is left of it to examine.
func (g *guardConn) hold(act func([]byte) ([]byte, error)) { g.action = act }

// examine moves b to ready, line by line, answering and dropping the
// lines the parser would answer badly.
func (g *guardConn) examine(b []byte) {
	for len(b) > 0 {
		switch {
		case g.action != nil:
			g.held = append(g.held, b...)
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
		if l, answer = g.command(l, tag, name); answer != "" {
			g.refuse(sync || size < 0, tag, answer)
			return
		}
		if l == nil { // the guard answers it (STARTTLS)
			g.cont = false
			return
		}
	}
	if g.cont {
		g.literal = size
	}
	g.ready = append(g.ready, l...)
}

// command checks a command's first line: the line to pass on (nil when
// the guard answers it itself), or a refusal.
func (g *guardConn) command(l []byte, tag, name string) ([]byte, string) {
	full, _ := commandArgs(l)
	if l2, answer, ok := g.condCommand(l, tag, full); ok {
		return l2, answer
	}
	switch name {
	case "STARTTLS":
		return g.startTLSLine(l, tag)
	case "LOGIN", "AUTHENTICATE":
		if answer := g.loginRule(); answer != "" {
			return nil, answer
		}
	case "SORT", "THREAD", "UID", "SEARCH":
		if strings.HasSuffix(full, "SEARCH") || strings.HasSuffix(full, "SORT") || strings.HasSuffix(full, "THREAD") {
			l = g.ext.rewriteModSeq(l)
		}
		if l2, answer, ok := g.ext.rewrite(l); ok {
			return l2, answer
		}
	}
	return g.names(l, name)
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
// (RFC 9051 §7.1.5). The answer waits for those of earlier commands.
func (g *guardConn) refuse(tagged bool, tag, answer string) {
	g.cont = false
	if tagged {
		g.hold(func(rest []byte) ([]byte, error) {
			g.answer(tag + " " + answer)
			return rest, nil
		})
		return
	}
	_, text, _ := strings.Cut(answer, " ")
	g.hold(func([]byte) ([]byte, error) {
		g.answer("* BYE " + text)
		g.Close()
		return nil, net.ErrClosed
	})
}

// answer writes one response line for the guard.
func (g *guardConn) answer(line string) {
	g.SetWriteDeadline(time.Now().Add(5 * time.Second))
	g.Write([]byte(line + "\r\n"))
	g.SetWriteDeadline(time.Time{})
}

// commandWords gives a command line's tag and name, upper-cased.
// The tag may be of any length; the name is the atom after the first
// space, as go-imap's parser reads them (RFC 9051 §9, command).
func commandWords(l []byte) (tag, name string) {
	l = bytes.TrimRight(l, "\r\n")
	sp := bytes.IndexByte(l, ' ')
	if sp < 0 {
		return string(l), ""
	}
	rest := l[sp+1:]
	end := bytes.IndexAny(rest, " (){%*\"\\]\r\n")
	if end < 0 {
		end = len(rest)
	}
	return string(l[:sp]), strings.ToUpper(string(rest[:min(end, 64)]))
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
