package groups

import (
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheckFilePath feeds folder paths to the check every WebDAV path
// passes. Properties: no panic; a refusal is ErrInvalid or ErrTooLarge
// with a sentence; an accepted path is clean (path.Clean leaves it alone),
// relative, valid UTF-8 without control characters, stays inside a base
// directory when joined to it, and its children fall within subtree's
// bounds.
func FuzzCheckFilePath(f *testing.F) {
	for _, s := range []string{"", "a", "a/b/c.txt", "../etc/passwd", "a/../../b", "/abs", "a//b", "a/./b",
		"caf\u00e9/\u65e5\u672c", "bad\x00nul", "bad\x7f", "\xff\xfe", strings.Repeat("x", 300), "a/", " /.. ", "..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := CheckFilePath(p)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrTooLarge) || len(Message(err)) < 10 {
				t.Fatalf("CheckFilePath(%q) = %v: not a clear refusal", p, err)
			}
			return
		}
		if p == "" {
			return
		}
		if path.Clean(p) != p || path.IsAbs(p) || !filepath.IsLocal(p) || !utf8.ValidString(p) {
			t.Fatalf("accepted %q is not a clean relative path", p)
		}
		if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			t.Fatalf("accepted %q holds control characters", p)
		}
		base := filepath.Join("/srv", "blobs")
		if j := filepath.Join(base, p); !strings.HasPrefix(j, base+"/") {
			t.Fatalf("accepted %q leaves the base: %s", p, j)
		}
		lo, hi := subtree(p)
		for _, child := range []string{p + "/a", p + "/ ", p + "/\U0010FFFF"} {
			if child < lo || child >= hi {
				t.Fatalf("child %q of %q is outside [%q, %q)", child, p, lo, hi)
			}
		}
		if sib := p + "-x"; sib >= lo && sib < hi {
			t.Fatalf("sibling %q of %q is inside its subtree", sib, p)
		}
		if parentPath(p+"/x") != p {
			t.Fatalf("parentPath(%q) = %q", p+"/x", parentPath(p+"/x"))
		}
	})
}
