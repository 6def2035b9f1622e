package groups

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"groupd/internal/notice"
)

// TestNoticeKeysExist: every catalog key the store's code asks for is in
// internal/notice's catalog, and every key of the catalog is asked for
// (written out, or built on a prefix such as "feature."), so that no
// notice shows a bare key and no text lingers unused.
func TestNoticeKeysExist(t *testing.T) {
	entries, err := notice.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, pattern := range []string{"*.go", "../internal/notice/*.go"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			src.Write(b)
		}
	}
	code := src.String()
	var prefixes []string
	for _, m := range regexp.MustCompile(`T\("([a-z_.]+)"`).FindAllStringSubmatch(code, -1) {
		key := m[1]
		if strings.HasSuffix(key, ".") {
			prefixes = append(prefixes, key)
			continue
		}
		if _, ok := entries[key]; !ok {
			t.Errorf("the code asks for %q, which the catalog lacks", key)
		}
	}
	for key := range entries {
		used := strings.Contains(code, `"`+key+`"`)
		for _, p := range prefixes {
			used = used || strings.HasPrefix(key, p)
		}
		if !used {
			t.Errorf("the catalog's %q is asked for nowhere", key)
		}
	}
}
