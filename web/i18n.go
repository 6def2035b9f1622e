package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// The message catalogs: i18n/<area>.json, each an object of
// "key": {"en": "...", "ko": "..."}. Arguments are fmt verbs; a
// translation may reorder them with explicit indices (%[2]s).
//
//go:embed i18n/*.json
var catalogFS embed.FS

// languages the console speaks, the first being the fallback.
var languages = [...]string{"en", "ko"}

type catalog struct {
	msgs map[string]map[string]string // key -> lang -> text
}

func loadCatalog() (*catalog, error) {
	c := &catalog{msgs: map[string]map[string]string{}}
	files, err := catalogFS.ReadDir("i18n")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := catalogFS.ReadFile("i18n/" + f.Name())
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: catalog %s: %w", f.Name(), err)
		}
		for k, v := range m {
			if _, dup := c.msgs[k]; dup {
				return nil, fmt.Errorf("web: catalog key %q defined twice (%s)", k, f.Name())
			}
			c.msgs[k] = v
		}
	}
	return c, nil
}

// text is key in lang with args. A missing key shows as the key itself
// (the catalog test keeps that from shipping).
func (c *catalog) text(lang, key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return key
	}
	s, ok := m[lang]
	if !ok || s == "" {
		s = m["en"]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// keys lists every key, sorted (for tests).
func (c *catalog) keys() []string {
	out := make([]string, 0, len(c.msgs))
	for k := range c.msgs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pickLanguage: the "lang" cookie the switch sets, else the first of
// Accept-Language (RFC 9110 §12.5.4, by q-value) that the console speaks,
// else the organisation's language.
func pickLanguage(r *http.Request, fallback string) string {
	if ck, err := r.Cookie("lang"); err == nil && isLanguage(ck.Value) {
		return ck.Value
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			fmt.Sscanf(v, "%g", &q)
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if isLanguage(base) && q > bestQ && q > 0 {
			best, bestQ = base, q
		}
	}
	if best != "" {
		return best
	}
	return fallback
}

func isLanguage(s string) bool {
	for _, l := range languages {
		if s == l {
			return true
		}
	}
	return false
}
