package notice

import (
	gomessage "github.com/emersion/go-message"
)

// writeParts writes a multipart/mixed notice (RFC 2046 §5.1.3): the text,
// then the attached message as message/rfc822 (§5.2.1), whose only
// allowed transfer encodings are 7bit, 8bit and binary: it goes as it
// is, marked 8bit when it has octets outside ASCII.
func writeParts(w *gomessage.Writer, body, cte string, attached []byte) error {
	var th gomessage.Header
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", cte)
	if err := writePart(w, th, []byte(body)); err != nil {
		return err
	}
	var ah gomessage.Header
	ah.SetContentType("message/rfc822", nil)
	ah.Set("Content-Disposition", "inline")
	ah.Set("Content-Transfer-Encoding", rfc822Encoding(attached))
	if err := writePart(w, ah, attached); err != nil {
		return err
	}
	return w.Close()
}

func writePart(w *gomessage.Writer, h gomessage.Header, data []byte) error {
	pw, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := pw.Write(data); err != nil {
		return err
	}
	return pw.Close()
}

// rfc822Encoding is "7bit" for a message of ASCII only, else "8bit".
func rfc822Encoding(data []byte) string {
	for _, c := range data {
		if c >= 0x80 {
			return "8bit"
		}
	}
	return "7bit"
}
