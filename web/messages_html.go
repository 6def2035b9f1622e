package web

import (
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
)

// htmlToText turns a sender's HTML into plain text, which is all the
// Messages tab ever shows: the console never renders sender HTML on its
// origin. Text is kept, scripts, styles and the head are dropped, and
// block elements become line breaks (the HTML tokenizer of WHATWG HTML
// §13.2.5 decodes character references).
func htmlToText(r io.Reader, charset string, cerr error) (string, bool) {
	src, trunc := readText(r, charset, cerr)
	z := html.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip, pre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(b.String()), trunc
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if pre == 0 {
				t = spaceRE.ReplaceAllString(t, " ")
			}
			b.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			skip, pre = htmlTag(&b, string(name), tt, skip, pre)
		}
	}
}

var (
	spaceRE  = regexp.MustCompile(`[ \t\r\n\f]+`)
	blanksRE = regexp.MustCompile(`[ \t]*\n[ \t]*`)
	manyNLRE = regexp.MustCompile(`\n{3,}`)
)

// htmlTag applies one tag: what is hidden, what breaks a line.
func htmlTag(b *strings.Builder, name string, tt html.TokenType, skip, pre int) (int, int) {
	step := 1
	if tt == html.EndTagToken {
		step = -1
	}
	switch name {
	case "script", "style", "head", "title", "template", "noscript":
		if tt != html.SelfClosingTagToken {
			skip = max(skip+step, 0)
		}
	case "pre", "textarea":
		pre = max(pre+step, 0)
		b.WriteString("\n")
	case "br", "hr":
		b.WriteString("\n")
	case "li":
		if tt == html.StartTagToken {
			b.WriteString("\n• ")
		}
	case "p", "div", "tr", "table", "ul", "ol", "blockquote", "section", "article",
		"h1", "h2", "h3", "h4", "h5", "h6", "header", "footer":
		b.WriteString("\n")
	case "td", "th":
		b.WriteString(" ")
	}
	return skip, pre
}

// tidyText trims spaces around line breaks and keeps at most one empty
// line in a row.
func tidyText(s string) string {
	s = blanksRE.ReplaceAllString(s, "\n")
	s = manyNLRE.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
