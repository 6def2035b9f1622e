package groups

import (
	"context"
	"strings"
)

// Search (ListGroups with Q, Autocomplete) finds a group when the query
// is a prefix of one of its terms, kept in the group_terms table
// (migration 0011) and looked up by an index seek:
//
//   - the folded name from the start of each of its words, to the end of
//     the name: "secret club" gives "secret club" and "club", so "club"
//     and "secret c" both find it;
//   - in scripts written without spaces between words, or searched as
//     such (Hangul, CJK ideographs, kana), the name from every letter:
//     "우리 테스트그룹" gives "우리 테스트그룹", "리 테스트그룹",
//     "테스트그룹", "스트그룹", …, so any substring of a Hangul word finds
//     it ("스트" too);
//   - the list address.
//
// Migration 0011 fills the table for existing groups with the same rules
// written in SQL; keep the two in step (TestSearchTermsMigration).

// termSep reports whether r separates words: ASCII other than letters and
// digits, and common Unicode spaces, dashes, quotes and CJK punctuation.
func termSep(r rune) bool {
	if r < 0x80 {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	switch r {
	case 0xA0, 0xB7, 0x2026, 0x30FB, 0xFF08, 0xFF09, 0xFF0C:
		return true
	}
	return 0x2010 <= r && r <= 0x201F || 0x3000 <= r && r <= 0x3003 || 0x3008 <= r && r <= 0x3011
}

// termDense reports whether every letter of r's script starts a term:
// Hangul syllables, CJK ideographs, hiragana and katakana.
func termDense(r rune) bool {
	return hangulFirst <= r && r <= hangulLast || 0x3400 <= r && r <= 0x4DBF ||
		0x4E00 <= r && r <= 0x9FFF || 0x3040 <= r && r <= 0x30FF
}

// searchTerms lists a group's terms, without repeats.
func searchTerms(name, address string) []string {
	f := []rune(fold(name))
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for i, r := range f {
		if !termSep(r) && (i == 0 || termSep(f[i-1]) || termDense(r)) {
			add(string(f[i:]))
		}
	}
	add(address)
	return out
}

// writeTerms replaces a group's terms, on creation and on every edit
// (the name or the address may have changed). A deleted group's terms go
// with it (ON DELETE CASCADE).
func writeTerms(ctx context.Context, q querier, gid int64, name, address string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM group_terms WHERE gid = ?`, gid); err != nil {
		return err
	}
	terms := searchTerms(name, address)
	args := make([]any, 0, 2*len(terms))
	for _, t := range terms {
		args = append(args, t, gid)
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(terms)), ", ")
	_, err := q.ExecContext(ctx, `INSERT INTO group_terms (term, gid) VALUES `+values, args...)
	return err
}
