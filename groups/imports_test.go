package groups

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"groupd/internal/listaddr"
)

// TestImportsNoGroupdPackage: the store is the model and imports no other
// groupd package; protocol semantics are given to it through Options
// (doc.go). Test files may import what they need.
func TestImportsNoGroupdPackage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "groupd" || strings.HasPrefix(path, "groupd/") {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

// TestAddressKinds: the grammar names the kinds of address as the store
// does (MailTarget.Kind), and the grammar the daemon sets is one.
func TestAddressKinds(t *testing.T) {
	pairs := [][2]string{{MailList, listaddr.KindList}, {MailOwner, listaddr.KindOwner}, {MailJoin, listaddr.KindJoin},
		{MailBounces, listaddr.KindBounces}, {MailRequest, listaddr.KindRequest}}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("store kind %q, grammar kind %q", p[0], p[1])
		}
	}
	var _ AddressGrammar = listaddr.Grammar{}
}
