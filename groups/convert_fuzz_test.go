package groups

import (
	"testing"
	"unicode/utf8"
)

// FuzzNameFromSubject checks that any subject of a converted conversation
// gives a group name the model accepts.
func FuzzNameFromSubject(f *testing.F) {
	for _, s := range []string{"", "Re: Fwd: AW: plans", "re:", "\xff\xfe", "   ", "a\x00b", "日本語の件名"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subject string) {
		n := nameFromSubject(subject)
		if err := checkName(n); err != nil {
			t.Fatalf("nameFromSubject(%q) = %q, refused: %v", subject, n, err)
		}
		if !utf8.ValidString(n) || utf8.RuneCountInString(n) > MaxNameChars {
			t.Fatalf("nameFromSubject(%q) = %q", subject, n)
		}
	})
}
