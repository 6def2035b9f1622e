package notice

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoticeKeysUsed: every catalog key this package's code asks for is
// in the catalog, and every key of the catalog is asked for (written
// out, or built on a prefix such as "feature."), so that no notice shows
// a bare key and no text lingers unused. The groups store names none
// (groups' TestNoNoticeWordsInStore).
func TestNoticeKeysUsed(t *testing.T) {
	entries, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	files, _ := filepath.Glob("*.go")
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
