package imap

import (
	"bytes"
	"strings"
	"time"

	goimap "github.com/emersion/go-imap/v2"
	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// envelopeKeys are the header fields an ENVELOPE is made of (RFC 3501
// §7.4.2, RFC 9051 §7.5.2).
func envelopeKeys() [10]string {
	return [10]string{"Date", "Subject", "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "In-Reply-To", "Message-Id"}
}

// envelope parses the header into an ENVELOPE, as the library's
// ExtractEnvelope does, but trying RFC 5322's date layout before
// net/mail's many; an unparsable header gives an empty envelope rather
// than failing the FETCH.
func envelope(data []byte) *goimap.Envelope {
	return envelopeOf(envelopeHeader(data))
}

// envelopeOf is the ENVELOPE of a parsed header (RFC 9051 §7.5.2).
func envelopeOf(h textproto.Header) *goimap.Envelope {
	mh := mail.Header{Header: gomessage.Header{Header: h}}
	date, err := time.Parse("Mon, 02 Jan 2006 15:04:05 -0700", h.Get("Date"))
	if err != nil {
		date, _ = mh.Date()
	}
	subject, _ := mh.Subject()
	inReplyTo, _ := mh.MsgIDList("In-Reply-To")
	messageID, _ := mh.MessageID()
	return &goimap.Envelope{
		Date: date, Subject: subject,
		From: addresses(mh, "From"), Sender: addresses(mh, "Sender"), ReplyTo: addresses(mh, "Reply-To"),
		To: addresses(mh, "To"), Cc: addresses(mh, "Cc"), Bcc: addresses(mh, "Bcc"),
		InReplyTo: inReplyTo, MessageID: messageID,
	}
}

// envelopeHeader reads, up to the first empty line, only the fields an
// ENVELOPE needs, the first of each, unfolded the way go-message does
// (RFC 5322 §2.2.3: each line trimmed, joined by one space); the others
// (a list post carries a dozen: Received, List-*, …) are skipped without
// being copied. A line that is no field is skipped. Parsing every field
// cost most of a client's first sync of a big archive.
func envelopeHeader(data []byte) textproto.Header {
	var h textproto.Header
	keys := envelopeKeys()
	var seen [len(keys)]bool
	key := -1 // the wanted field being read, or -1
	var val strings.Builder
	done := func() {
		if key >= 0 && !seen[key] {
			seen[key] = true
			h.Add(keys[key], val.String())
		}
		key = -1
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break // the end of the header
		}
		if line[0] == ' ' || line[0] == '\t' {
			if key >= 0 {
				appendUnfolded(&val, line)
			}
			continue
		}
		done()
		name, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimRight(name, " \t")
		for i, k := range keys {
			if len(name) == len(k) && bytes.EqualFold(name, []byte(k)) {
				key = i
				val.Reset()
				appendUnfolded(&val, v)
				break
			}
		}
	}
	done()
	return h
}

// appendUnfolded adds one line of a field's value, trimmed, after a space
// when the value already has text.
func appendUnfolded(b *strings.Builder, line []byte) {
	line = bytes.Trim(line, " \t")
	if len(line) == 0 {
		return
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.Write(line)
}

func addresses(mh mail.Header, key string) []goimap.Address {
	if !mh.Has(key) {
		return nil
	}
	list, _ := mh.AddressList(key)
	var out []goimap.Address
	for _, a := range list {
		if box, host, ok := strings.Cut(a.Address, "@"); ok {
			out = append(out, goimap.Address{Name: a.Name, Mailbox: box, Host: host})
		}
	}
	return out
}
