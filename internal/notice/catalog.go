package notice

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
)

// The catalog: "key": {"en": "...", "ko": "..."}. Arguments are fmt
// verbs; a translation may reorder them with explicit indices (%[2]s).
// It is catalog.json and one catalog_<area>.json per feature that adds
// notices (catalog_join.json: join requests), merged; a key in two files
// is an error.
//
//go:embed catalog*.json
var catalogFS embed.FS

// Languages are the languages notices are written in; the first is the
// default and the fallback for a text missing in another.
func Languages() []string { return []string{"en", "ko"} }

// Catalog is the notice texts in one language.
type Catalog struct {
	lang string
	msgs map[string]map[string]string // key -> language -> text
}

// Load reads the catalog for lang, one of Languages; "" means the
// default, English.
func Load(lang string) (*Catalog, error) {
	if lang == "" {
		lang = Languages()[0]
	}
	known := false
	for _, l := range Languages() {
		known = known || l == lang
	}
	if !known {
		return nil, fmt.Errorf("notice: language %q is not one of %s", lang, strings.Join(Languages(), ", "))
	}
	msgs, err := Entries()
	if err != nil {
		return nil, err
	}
	return &Catalog{lang: lang, msgs: msgs}, nil
}

// Entries is the whole catalog, read afresh: key -> language -> text.
// The web console may show notice texts from it; tests check it.
func Entries() (map[string]map[string]string, error) {
	files, err := fs.Glob(catalogFS, "catalog*.json")
	if err != nil {
		return nil, err
	}
	all := map[string]map[string]string{}
	for _, f := range files {
		b, err := catalogFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("notice: %s: %w", f, err)
		}
		for k, v := range m {
			if _, dup := all[k]; dup {
				return nil, fmt.Errorf("notice: %s: key %q is in another catalog file too", f, k)
			}
			all[k] = v
		}
	}
	return all, nil
}

// Lang is the catalog's language, for Content-Language (RFC 3282).
func (c *Catalog) Lang() string { return c.lang }

// T is the text of key with args. A text missing in the catalog's
// language falls back to English; a missing key reads as the key (the
// catalog tests keep both from shipping).
func (c *Catalog) T(key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return key
	}
	s := m[c.lang]
	if s == "" {
		s = m[Languages()[0]]
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Value is how a setting's value reads in a notice: an empty one is
// "(none)" in the catalog's language, never an empty string.
func (c *Catalog) Value(v string) string {
	if strings.TrimSpace(v) == "" {
		return c.T("value.none")
	}
	return v
}

// List is a list of values joined by commas, "(none)" when empty.
func (c *Catalog) List(vs []string) string { return c.Value(strings.Join(vs, ", ")) }

// Person names someone in a notice by display name and address,
// "Alice <alice@example.test>"; by the address alone when the name is
// empty or is the address.
func Person(name, addr string) string {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, addr) {
		return addr
	}
	return name + " <" + addr + ">"
}
