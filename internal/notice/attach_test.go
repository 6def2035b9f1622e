package notice

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// TestAttached: a notice with a message attached is multipart/mixed with
// the text first and the message, byte for byte, as message/rfc822.
func TestAttached(t *testing.T) {
	post := []byte("From: a@example.test\r\nSubject: caf\xc3\xa9\r\n\r\nbody\r\n")
	m := Message{From: &mail.Address{Address: "noreply@example.test"}, Subject: "held", Date: time.Unix(0, 0),
		MessageID: "n@x", Body: "A post is held.\n", Attached: post}
	raw, err := m.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("%s %v", mt, err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	var types []string
	var last []byte
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, p.Header.Get("Content-Type"))
		last, _ = io.ReadAll(p)
	}
	if len(types) != 2 || !strings.HasPrefix(types[0], "text/plain") || types[1] != "message/rfc822" {
		t.Fatalf("parts %v", types)
	}
	if !bytes.Equal(last, post) {
		t.Fatalf("attached %q, want %q", last, post)
	}
}
