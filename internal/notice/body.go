package notice

import (
	"strings"
	"unicode"
)

// wrapColumns is where paragraphs wrap: short enough for a quoted reply
// to stay within RFC 5322 §2.1.1's 78 characters.
const wrapColumns = 72

// Body builds a notice's text: paragraphs wrapped at 72 columns, lines
// kept as they are, and quotations.
type Body struct {
	b strings.Builder
}

// Para adds a paragraph, wrapped at word boundaries, and a blank line.
// Newlines in text start new lines of the paragraph.
func (b *Body) Para(text string) {
	for line := range strings.SplitSeq(text, "\n") {
		b.b.WriteString(wrap(line, wrapColumns))
		b.b.WriteByte('\n')
	}
	b.b.WriteByte('\n')
}

// Lines adds lines as they are (long ones go quoted-printable) and a
// blank line; nothing when lines is empty.
func (b *Body) Lines(lines ...string) {
	if len(lines) == 0 {
		return
	}
	for _, l := range lines {
		b.b.WriteString(l)
		b.b.WriteByte('\n')
	}
	b.b.WriteByte('\n')
}

// Quote adds text as a quotation, every line marked "> " (RFC 3676
// §4.5), and a blank line.
func (b *Body) Quote(text string) {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for line := range strings.SplitSeq(text, "\n") {
		b.b.WriteString(strings.TrimRight("> "+line, " "))
		b.b.WriteByte('\n')
	}
	b.b.WriteByte('\n')
}

// String is the text, ending in one newline.
func (b *Body) String() string { return strings.TrimRight(b.b.String(), "\n") + "\n" }

// wrap breaks line at spaces so that no piece is wider than cols, a
// word longer than that staying whole, and an address in angle brackets
// beside the name before it. Width counts East Asian wide
// characters (Hangul, CJK) as two columns.
func wrap(line string, cols int) string {
	var out strings.Builder
	width := 0
	// An address in angle brackets is one word with the word before it,
	// usually the name ("Kim <kim@example.test>"), joined by a NUL that
	// no notice text holds.
	line = strings.ReplaceAll(line, " <", "\x00<")
	for i, word := range strings.Fields(line) {
		w := textWidth(word)
		switch {
		case i == 0:
		case width+1+w > cols:
			out.WriteByte('\n')
			width = 0
		default:
			out.WriteByte(' ')
			width++
		}
		out.WriteString(word)
		width += w
	}
	return strings.ReplaceAll(out.String(), "\x00", " ")
}

func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if isWide(r) {
			n++
		}
	}
	return n
}

// isWide approximates the wide characters of Unicode's East Asian Width
// (UAX #11): Hangul, Han, kana and the full-width forms.
func isWide(r rune) bool {
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0xFF00 && r <= 0xFF60)
}
