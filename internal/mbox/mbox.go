package mbox

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"groupd/groups"
)

// Message is one message split out of an mbox, its line ends CRLF
// (RFC 5322 §2.1) and its ">From " quoting undone.
type Message struct {
	EnvelopeDate time.Time // from the "From " separator line, if parsable
	Data         []byte
}

// Split splits an mbox (RFC 4155): every message starts with a line
// "From <sender> <date>"; a line ">From ", ">>From ", ... inside a message
// is unquoted by one '>' (the mboxrd convention, which also reads mboxo
// files correctly for all but lines that began ">From " originally). The
// blank line that ends each message before the next separator is dropped.
func Split(b []byte) ([]Message, error) {
	var out []Message
	var cur *bytes.Buffer
	var env time.Time
	flush := func() {
		if cur == nil {
			return
		}
		data := bytes.TrimSuffix(cur.Bytes(), []byte("\r\n"))
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			data = append(data, "\r\n"...)
		}
		out = append(out, Message{EnvelopeDate: env, Data: data})
	}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.HasPrefix(line, []byte("From ")) {
			flush()
			cur, env = &bytes.Buffer{}, envelopeDate(string(line))
			continue
		}
		if cur == nil {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			return nil, fmt.Errorf("the body is not an mbox: it must start with a \"From \" line")
		}
		if unquoted := bytes.TrimLeft(line, ">"); len(unquoted) < len(line) && bytes.HasPrefix(unquoted, []byte("From ")) {
			line = line[1:]
		}
		cur.Write(line)
		cur.WriteString("\r\n")
	}
	flush()
	if len(out) == 0 {
		return nil, fmt.Errorf("the mbox holds no messages")
	}
	return out, nil
}

// envelopeDate reads the asctime date that ends a "From " line, or zero.
func envelopeDate(line string) time.Time {
	f := strings.Fields(line)
	if len(f) < 7 {
		return time.Time{}
	}
	t, err := time.Parse(time.ANSIC, strings.Join(f[len(f)-5:], " "))
	if err != nil {
		return time.Time{}
	}
	return t
}

// Conversation is what a mailbox of messages says: its participants
// (From, To and Cc, in order of appearance) and its messages as the model
// imports them.
type Conversation struct {
	Participants []string
	Messages     []groups.ConvertedMessage
}

// ReadConversation parses every message's header (RFC 5322 §3.6) with
// go-message. A message without a usable Date takes its envelope date,
// else the date of the message before it, so that mbox order is kept.
func ReadConversation(msgs []Message, now time.Time) (*Conversation, error) {
	c := &Conversation{}
	seen := map[string]bool{}
	prev := time.Time{}
	for i, m := range msgs {
		th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(m.Data)))
		if err != nil {
			return nil, fmt.Errorf("message %d of the mbox has a malformed header: %v", i+1, err)
		}
		h := mail.Header{Header: message.Header{Header: th}}
		for _, key := range []string{"From", "To", "Cc"} {
			addrs, err := h.AddressList(key)
			if err != nil {
				return nil, fmt.Errorf("message %d of the mbox has a malformed %s header: %v", i+1, key, err)
			}
			for _, a := range addrs {
				e := strings.ToLower(a.Address)
				if !seen[e] {
					seen[e] = true
					c.Participants = append(c.Participants, e)
				}
			}
		}
		date, err := h.Date()
		if err != nil || date.IsZero() {
			date = m.EnvelopeDate
		}
		if date.IsZero() {
			date = prev
		}
		if date.IsZero() {
			date = now
		}
		prev = date
		mid, _ := h.MessageID()
		subject, err := h.Subject()
		if err != nil {
			subject = h.Get("Subject")
		}
		c.Messages = append(c.Messages, groups.ConvertedMessage{Date: date, MessageID: mid, Subject: subject, Data: m.Data})
	}
	return c, nil
}
