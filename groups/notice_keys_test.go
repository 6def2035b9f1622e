package groups_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"groupd/groups"
	"groupd/internal/notice"
)

// The store's own tests (package groups) cannot import internal/notice,
// which imports groups; this external test can, and gives them the
// daemon's notices before any test runs (helpers_test.go).
func init() {
	groups.NoticesForTest = func(lang string) (groups.Notices, error) {
		c, err := notice.Load(lang)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// TestNoNoticeWordsInStore: the store states facts and internal/notice
// chooses the sentences, so no file of the store (tests aside) holds a
// string that is a key of the notice catalog, or the beginning of keys
// ("group." + event): a notice's choice of words cannot creep back in.
// The change feed's kinds (ChangeMemberAdded: "member.added") share two
// names with the catalog and are no words. internal/notice's
// TestNoticeKeysUsed checks its keys.
func TestNoNoticeWordsInStore(t *testing.T) {
	entries, err := notice.Entries()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if spec, ok := n.(*ast.ValueSpec); ok && len(spec.Names) == 1 &&
				strings.HasPrefix(spec.Names[0].Name, "Change") {
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			for key := range entries {
				if s == key || (strings.HasSuffix(s, ".") && strings.HasPrefix(key, s)) {
					t.Errorf("%s: %q is the notice catalog's key %q", fset.Position(lit.Pos()), s, key)
					break
				}
			}
			return true
		})
	}
}
