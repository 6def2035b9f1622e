package smtp

import (
	"bytes"
	"crypto/tls"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Options.MaxCommands: a session may send this many commands; the next
// one is not read, and the client is told
//
//	421 4.7.0 Too many commands in one session; closing
//
// (RFC 5321 §3.8, §4.2.2: 421 closes the transmission channel). go-smtp
// answers NOOP, VRFY, HELP and RSET itself, so the count cannot be kept in
// the Session: cmdConn counts the command lines the client sends on the
// wire, with the state it needs to tell commands from message text — the
// text after a 354 answer to DATA up to the lone "." line (RFC 5321
// §4.1.1.4), and the chunk that follows BDAT (RFC 3030 §2). Where the
// connection is TLS (implicit, or after STARTTLS) cmdConn sits below the
// TLS layer and sees records, not lines: there it counts request–reply
// turns, which equal commands for a client that waits for each answer
// and count a pipelined batch (RFC 2920) once.

// cmdListener hands out connections that count their commands.
type cmdListener struct {
	net.Listener
	max int
	log *slog.Logger
	tls bool    // connections are TLS from the first byte (ServeTLS)
	pit *tarpit // slows the senders of messages over the size limit
}

func (l cmdListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	key, _ := pitKey(c.RemoteAddr())
	return &cmdConn{Conn: c, max: l.max, log: l.log, encrypted: l.tls, asked: 1, pit: l.pit, key: key}, nil
}

// Kinds of command whose answer changes how the client's bytes are read.
const (
	cmdData     = iota + 1 // 354 starts the message text
	cmdStartTLS            // 220 starts TLS (RFC 3207 §4)
)

// cmdConn counts one session's commands. go-smtp reads and writes a
// connection from one goroutine, so it needs no lock.
type cmdConn struct {
	net.Conn
	max int
	log *slog.Logger
	pit *tarpit    // tarpit.go
	key netip.Addr // the peer, as the tarpit knows it

	n         int       // commands read (turns under TLS)
	over      bool      // the limit is reached; the next Read refuses
	encrypted bool      // the bytes are TLS records
	secure    *tls.Conn // the TLS layer above, once a session runs on it
	wrote     bool      // the server wrote since the last turn (TLS)

	line    []byte // the start of the command line being read
	midLine bool   // inside a command line
	text    bool   // reading message text after 354
	textAt  int    // end-of-text state: 0 line start, 1 ".", 2 ".\r", 3 "\r", 4 within a line
	chunk   int64  // BDAT bytes still to come
	asked   int    // answers the client is owed so far (the greeting is the first)
	replied int    // final answer lines written
	special []pending
	wMid    bool // inside an answer line being written
}

// pending is a DATA or STARTTLS command waiting for its answer, which is
// the seq'th final answer line of the session.
type pending struct{ seq, kind int }

const lineKeep = 64 // bytes of a command line kept to recognise it

func (c *cmdConn) Read(p []byte) (int, error) {
	if c.over {
		return 0, c.refuse()
	}
	n, err := c.Conn.Read(p)
	if !c.pit.sleep(c.pit.delay(c.key, n)) {
		c.Conn.Close() // a slowed sender at Shutdown (tarpit.go)
		return 0, net.ErrClosed
	}
	if c.encrypted {
		if n > 0 && c.wrote {
			c.wrote = false
			if c.n >= c.max {
				c.tooMany()
				return 0, c.refuse()
			}
			c.n++
		}
		return n, err
	}
	if cut := c.scan(p[:n]); cut >= 0 {
		c.tooMany()
		if cut == 0 {
			return 0, c.refuse()
		}
		return cut, nil
	}
	return n, err
}

func (c *cmdConn) tooMany() {
	c.over = true
	c.log.Warn("too many commands in one session; closing", "ip", remoteIP(c.RemoteAddr()), "limit", c.max)
}

// scan follows the client's bytes; it returns where the command beyond
// the limit starts, or -1.
func (c *cmdConn) scan(b []byte) int {
	for i := 0; i < len(b); i++ {
		switch {
		case c.chunk > 0:
			k := min(int64(len(b)-i), c.chunk)
			c.chunk -= k
			i += int(k) - 1
		case c.text:
			if c.textAt == textWithin {
				// Within a line only "\r" can change the state: skip to it.
				j := bytes.IndexByte(b[i:], '\r')
				if j < 0 {
					return -1
				}
				i += j
			}
			c.textByte(b[i])
		default:
			if !c.midLine {
				if c.n >= c.max {
					return i
				}
				c.n++
				c.midLine, c.line = true, c.line[:0]
			}
			if len(c.line) < lineKeep {
				c.line = append(c.line, b[i])
			}
			if b[i] == '\n' {
				c.midLine = false
				c.command()
			}
		}
	}
	return -1
}

// command notes a complete command line: each is owed one answer; DATA
// and STARTTLS change the reading once answered; BDAT's chunk follows at
// once, whatever the answer (go-smtp reads it even when refusing, as RFC
// 3030 §2 requires), unless its arguments are malformed.
func (c *cmdConn) command() {
	c.asked++
	line := strings.TrimRight(string(c.line), "\r\n")
	up := strings.ToUpper(line)
	switch {
	case strings.HasPrefix(up, "STARTTLS"):
		c.special = append(c.special, pending{c.asked, cmdStartTLS})
	case up == "DATA":
		c.special = append(c.special, pending{c.asked, cmdData})
	case strings.HasPrefix(up, "BDAT ") && len(c.line) < lineKeep:
		c.chunk = bdatSize(line[5:])
	}
}

// bdatSize is the chunk size of BDAT's arguments "SIZE [LAST]", 0 when
// they are malformed (RFC 3030 §2).
func bdatSize(args string) int64 {
	f := strings.Fields(args)
	if len(f) == 0 || len(f) > 2 || len(f) == 2 && !strings.EqualFold(f[1], "LAST") {
		return 0
	}
	n, err := strconv.ParseUint(f[0], 10, 32)
	if err != nil {
		return 0
	}
	return int64(n)
}

// textByte follows message text to the line "." alone (RFC 5321
// §4.1.1.4); a line starts only after CRLF, as go-smtp reads it.
// End-of-text states (cmdConn.textAt).
const (
	textLineStart = iota
	textDot
	textDotCR
	textCR
	textWithin
)

func (c *cmdConn) textByte(b byte) {
	const (
		lineStart = textLineStart
		dot       = textDot
		dotCR     = textDotCR
		cr        = textCR
		within    = textWithin
	)
	next := within
	switch {
	case c.textAt == lineStart && b == '.':
		next = dot
	case c.textAt == dot && b == '\r':
		next = dotCR
	case c.textAt == dotCR && b == '\n':
		c.text = false
		c.asked++ // the answer to the message
		next = lineStart
	case c.textAt == cr && b == '\n':
		next = lineStart
	case b == '\r' && (c.textAt == lineStart || c.textAt == within):
		next = cr
	}
	c.textAt = next
}

func (c *cmdConn) Write(p []byte) (int, error) {
	c.wrote = true
	if !c.encrypted {
		c.answers(p)
	}
	return c.Conn.Write(p)
}

// answers follows the server's answer lines (RFC 5321 §4.2: "250-" goes
// on, "250 " is the last line of an answer).
func (c *cmdConn) answers(p []byte) {
	for len(p) > 0 {
		line, rest, found := bytes.Cut(p, []byte("\n"))
		if !c.wMid && len(line) >= 3 && (len(line) < 4 || line[3] != '-') {
			c.answered(string(line[:3]))
		}
		c.wMid = !found
		p = rest
	}
}

// answered notes one final answer with code.
func (c *cmdConn) answered(code string) {
	c.replied++
	for len(c.special) > 0 && c.special[0].seq < c.replied {
		c.special = c.special[1:]
	}
	if len(c.special) == 0 || c.special[0].seq != c.replied {
		return
	}
	switch k := c.special[0].kind; {
	case k == cmdData && code == "354":
		c.text, c.textAt = true, 0
	case k == cmdStartTLS && code == "220":
		c.encrypted = true
	}
	c.special = c.special[1:]
}

// refuse tells the client why the session ends, lets it read that, and
// returns io.EOF so that go-smtp ends the session quietly.
func (c *cmdConn) refuse() error {
	const msg = "421 4.7.0 Too many commands in one session; closing\r\n"
	c.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	switch {
	case !c.encrypted:
		c.Conn.Write([]byte(msg))
	case c.secure != nil:
		c.secure.Write([]byte(msg))
	}
	// Closing with unread input would reset the connection and could
	// lose the answer: read what the client still sends, briefly.
	c.Conn.SetReadDeadline(time.Now().Add(time.Second))
	io.Copy(io.Discard, io.LimitReader(c.Conn, 64<<10))
	return io.EOF
}

// startedTLS lets the connection under a TLS session write its refusal
// through TLS; the sessions call it once TLS is up.
func startedTLS(c net.Conn) {
	t, ok := c.(*tls.Conn)
	if !ok {
		return
	}
	if cc, ok := t.NetConn().(*cmdConn); ok {
		cc.secure = t
	}
}

// remoteIP is the host part of a connection's remote address.
func remoteIP(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
