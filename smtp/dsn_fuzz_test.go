package smtp

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseDSN wraps fuzzed delivery-status fields (RFC 3464 §2.2, §2.3)
// in a multipart/report and parses it as an incoming bounce. Properties:
// no panic; every report's recipient is "" or a lower-case address; its
// status is one token; the diagnostic is one line; a recipient block with
// Action: failed and a Final-Recipient gives exactly that recipient.
func FuzzParseDSN(f *testing.F) {
	for _, s := range []string{
		"Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; Bob@Example.test\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n",
		"Reporting-MTA: dns; mx\n\nOriginal-Recipient: rfc822;<c@x.test>\nAction: FAILED\nStatus:\n\nFinal-Recipient: d@x.test\nAction: delayed\n",
		"\r\n\r\n\r\nAction: failed\r\n",
		"Reporting-MTA: x\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\nDiagnostic-Code: smtp;\r\n  folded\r\n  =?utf-8?q?x=0D=0Ay?=\r\n",
	} {
		f.Add(s, "b")
	}
	f.Fuzz(func(t *testing.T, fields, boundary string) {
		if !validBoundary(boundary) || strings.Contains(fields, "--"+boundary) {
			boundary = "b0undary"
			if strings.Contains(fields, "--"+boundary) {
				return
			}
		}
		raw := "From: MAILER-DAEMON@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"" + boundary + "\"\r\n\r\n" +
			"--" + boundary + "\r\nContent-Type: text/plain\r\n\r\nIt failed.\r\n" +
			"--" + boundary + "\r\nContent-Type: message/delivery-status\r\n\r\n" + fields + "\r\n--" + boundary + "--\r\n"
		m, err := readMessage(strings.NewReader(raw), 1<<20, 1000, "")
		if err != nil {
			return // a header the reader refuses never gets to the DSN parser
		}
		reports := parseDSN(m)
		for _, r := range reports {
			if r.rcpt != "" && (!strings.Contains(r.rcpt, "@") || r.rcpt != strings.ToLower(r.rcpt)) {
				t.Fatalf("recipient %q", r.rcpt)
			}
			if strings.ContainsAny(r.status, " \t\r\n") || strings.ContainsAny(r.diag, "\r\n") {
				t.Fatalf("report %+v spans lines", r)
			}
		}
		direct := parseStatusFields(bytes.NewReader(toCRLF([]byte(fields))))
		if len(direct) != len(reports) {
			t.Fatalf("the same fields give %d reports inside a report and %d alone", len(reports), len(direct))
		}
	})
}

// validBoundary: 1 to 70 bchars, not ending in a space (RFC 2046
// §5.1.1). Others (a backslash, say) make the Content-Type itself invalid,
// and the message is then no report at all.
func validBoundary(b string) bool {
	const bchars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
	if b == "" || len(b) > 70 || strings.HasSuffix(b, " ") {
		return false
	}
	for _, c := range b {
		if !strings.ContainsRune(bchars, c) {
			return false
		}
	}
	return true
}

// TestParseDSNFailedRecipient pins what the fuzz properties only bound.
func TestParseDSNFailedRecipient(t *testing.T) {
	got := parseStatusFields(strings.NewReader("Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; Bob@Example.test\r\nAction: failed\r\nStatus: 5.1.1 (gone)\r\n\r\nFinal-Recipient: rfc822; c@x.test\r\nAction: delivered\r\n"))
	if len(got) != 1 || got[0].rcpt != "bob@example.test" || got[0].status != "5.1.1" {
		t.Fatalf("reports %+v", got)
	}
}
