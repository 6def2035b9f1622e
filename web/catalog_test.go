package web

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groupd/groups"
)

// TestCatalogComplete: every key has an English and a Korean text, and
// every key the templates and the Go code name is defined. A key missing
// in either language fails here rather than showing as a raw key.
func TestCatalogComplete(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range cat.keys() {
		for _, l := range languages {
			if strings.TrimSpace(cat.msgs[k][l]) == "" {
				t.Errorf("catalog key %q has no %s text", k, l)
			}
		}
		for l := range cat.msgs[k] {
			if !isLanguage(l) {
				t.Errorf("catalog key %q has a text in %q, which the console does not speak", k, l)
			}
		}
		if strings.Count(cat.msgs[k]["en"], "%") != strings.Count(cat.msgs[k]["ko"], "%") {
			t.Errorf("catalog key %q: English and Korean take different arguments", k)
		}
	}
	for _, k := range usedKeys(t) {
		if _, ok := cat.msgs[k]; !ok {
			t.Errorf("key %q is used but not in the catalog", k)
		}
	}
}

// usedKeys finds the keys named literally in templates and Go files
// (.T "key", c.T("key")), plus the ones built from feature, view and
// role names.
func usedKeys(t *testing.T) []string {
	lit := regexp.MustCompile(`\bT "([a-z0-9_.]+)"|\.T\("([a-z0-9_.]+)"`)
	var keys []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if !strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			if k := m[1] + m[2]; !strings.HasSuffix(k, ".") { // "feature." + f: added below
				keys = append(keys, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range groups.AllFeatures() {
		keys = append(keys, "feature."+f, "feature."+f+".hint", "purge.what."+f)
	}
	for _, v := range []string{groups.ViewAll, groups.ViewBelong, groups.ViewManage} {
		keys = append(keys, "groups.tab."+v, "groups.empty."+v)
	}
	keys = append(keys, "role."+groups.RoleMaster, "role."+groups.RoleMember)
	for _, r := range []string{groups.SendAnyone, groups.SendMembers, groups.SendListed} {
		keys = append(keys, "group.list.accepts."+r)
	}
	for _, k := range noticeKeys {
		keys = append(keys, k)
	}
	return keys
}

// TestLanguageChoice: the switch's cookie, then Accept-Language by
// q-value, then the organisation's language.
func TestLanguageChoice(t *testing.T) {
	e := newTestEnv(t, func(o *Options) { o.Language = "ko" })
	cl := e.browser(t)
	_, body := cl.get(t, "/signin")
	if !strings.Contains(body, `lang="ko"`) || !strings.Contains(body, "로그인") {
		t.Fatalf("organisation default ko: %s", text(body))
	}
	cases := []struct{ accept, want string }{
		{"en-GB,en;q=0.9", "en"}, {"fr, ko;q=0.5, en;q=0.4", "ko"}, {"fr, de", "ko"}, {"en;q=0, ko;q=0.1", "ko"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", e.srv.URL+"/signin", nil)
		req.Header.Set("Accept-Language", c.accept)
		_, b, _ := cl.do(t, req)
		if !strings.Contains(b, `lang="`+c.want+`"`) {
			t.Errorf("Accept-Language %q: want %s", c.accept, c.want)
		}
	}
	// The switch sets a cookie that wins over the header.
	cl.get(t, "/lang?l=en&back=/signin")
	req, _ := http.NewRequest("GET", e.srv.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "ko")
	if _, b, _ := cl.do(t, req); !strings.Contains(b, `lang="en"`) || !strings.Contains(b, "Sign in") {
		t.Fatalf("after switching to English: %s", text(b))
	}
}
