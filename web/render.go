package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"groupd/groups"
)

//go:embed templates/*.html
var templateFS embed.FS

// parsePages builds one template set per page: the layout and the shared
// partials (files starting with "_") with that page's file, which defines
// "content".
func parsePages() (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"add":   func(a, b int) int { return a + b },
		"sub":   func(a, b int) int { return a - b },
		"lower": strings.ToLower,
		"has": func(list []string, v string) bool {
			for _, x := range list {
				if x == v {
					return true
				}
			}
			return false
		},
		"join":         strings.Join,
		"featureNames": groups.AllFeatures,
		"slice2":       func(a, b []groups.Member) [][]groups.Member { return [][]groups.Member{a, b} },
		"size":         humanSize,
	}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// view is what every page template sees: the request's user, language
// and token, the page's own Data, and helpers for text and dates.
type view struct {
	c      *reqCtx
	Title  string
	Nav    string // the top navigation entry that is current
	Data   any
	Notice string // a sentence shown at the top (after a change)
}

func (v *view) User() *groups.User {
	if v.c.sess == nil {
		return nil
	}
	return v.c.sess.User
}
func (v *view) CSRF() string {
	if v.c.sess == nil {
		return v.c.preToken
	}
	return v.c.sess.CSRF
}
func (v *view) Lang() string { return v.c.lang }

// OtherLang is the language the switch offers.
func (v *view) OtherLang() string {
	if v.c.lang == "ko" {
		return "en"
	}
	return "ko"
}

// Here is the current path and query, for links that come back.
func (v *view) Here() string { return v.c.r.URL.RequestURI() }

// T is a catalog text in the request's language.
func (v *view) T(key string, args ...any) string { return v.c.T(key, args...) }

// Date and DateTime show t in the user's time zone.
func (v *view) Date(t time.Time) string {
	if v.c.lang == "ko" {
		return t.In(v.c.tz).Format("2006. 1. 2.")
	}
	return t.In(v.c.tz).Format("2 Jan 2006")
}
func (v *view) DateTime(t time.Time) string {
	if v.c.lang == "ko" {
		return t.In(v.c.tz).Format("2006. 1. 2. 15:04")
	}
	return t.In(v.c.tz).Format("2 Jan 2006 15:04")
}
func (v *view) Zone() string { return v.c.tz.String() }

// render writes page with status; a template error is logged and
// answered with a plain 500 (never the error's text).
func (c *reqCtx) render(status int, page, title string, data any) error {
	t, ok := c.s.pages[page]
	if !ok {
		return fmt.Errorf("web: no page template %q", page)
	}
	var buf bytes.Buffer
	v := &view{c: c, Title: title, Data: data, Nav: c.nav, Notice: c.notice}
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", c.lang)
	c.w.WriteHeader(status)
	_, err := c.w.Write(buf.Bytes())
	if err != nil {
		return nil // the client went away
	}
	return nil
}

// humanSize writes a byte count as people read it.
func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// redirect answers a form post with 303 See Other (RFC 9110 §15.4.4),
// so that reloading the next page does not post again.
func (c *reqCtx) redirect(to string) error {
	http.Redirect(c.w, c.r, to, http.StatusSeeOther)
	return nil
}
