package imap

import "strings"

// baseSubject extracts the base subject (RFC 5256 §2.1) of a subject
// already decoded from RFC 2047 (step 1, envelope.go), matching case-
// insensitively; reply is whether a subj-refwd, a "(fwd)" trailer or a
// "[fwd: …]" wrapper was removed (§2.1, used by THREAD=REFERENCES).
func baseSubject(subject string) (base string, reply bool) {
	s := strings.Join(strings.Fields(subject), " ") // §2.1 (1): tabs and runs of spaces → one space
	for {
		var r bool
		s, r = trimTrailers(s) // (2)
		reply = reply || r
		s, r = trimLeaders(s) // (3), (4), (5)
		reply = reply || r
		// (6): "[fwd:" … "]" around the whole subject
		if len(s) >= 6 && strings.EqualFold(s[:5], "[fwd:") && s[len(s)-1] == ']' {
			s, reply = s[5:len(s)-1], true
			continue
		}
		return s, reply
	}
}

// trimTrailers removes subj-trailer ("(fwd)" / WSP) from the end until
// none is left (§2.1 step 2).
func trimTrailers(s string) (string, bool) {
	fwd := false
	for {
		t := strings.TrimRight(s, " ")
		if len(t) >= 5 && strings.EqualFold(t[len(t)-5:], "(fwd)") {
			t, fwd = t[:len(t)-5], true
		}
		if t == s {
			return s, fwd
		}
		s = t
	}
}

// trimLeaders removes subj-leader (§2.1 step 3) and a subj-blob that
// leaves a subj-base (step 4), again until neither is left (step 5).
func trimLeaders(s string) (string, bool) {
	refwd := false
	for {
		if strings.HasPrefix(s, " ") { // subj-leader = … / WSP
			s = s[1:]
			continue
		}
		if rest, ok := blobsRefwd(s); ok {
			s, refwd = rest, true
			continue
		}
		if rest, ok := blob(s); ok && strings.TrimSpace(rest) != "" {
			s = rest
			continue
		}
		return s, refwd
	}
}

// blobsRefwd matches subj-leader's *subj-blob subj-refwd.
func blobsRefwd(s string) (string, bool) {
	t := s
	for {
		rest, ok := blob(t)
		if !ok {
			break
		}
		t = rest
	}
	return refwdPrefix(t)
}

// refwdPrefix matches subj-refwd = ("re" / ("fw" ["d"])) *WSP
// [subj-blob] ":".
func refwdPrefix(s string) (string, bool) {
	for _, word := range []string{"re", "fwd", "fw"} {
		if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
			continue
		}
		t := strings.TrimLeft(s[len(word):], " ")
		if rest, ok := blob(t); ok {
			t = rest
		}
		if strings.HasPrefix(t, ":") {
			return t[1:], true
		}
	}
	return s, false
}

// blob matches subj-blob = "[" *BLOBCHAR "]" *WSP, BLOBCHAR being any
// character but "[" and "]".
func blob(s string) (string, bool) {
	if !strings.HasPrefix(s, "[") {
		return s, false
	}
	end := strings.IndexAny(s[1:], "[]")
	if end < 0 || s[1+end] != ']' {
		return s, false
	}
	return strings.TrimLeft(s[end+2:], " "), true
}
