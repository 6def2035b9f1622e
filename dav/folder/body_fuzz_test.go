package folder

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testkit"
)

// fuzzEnv is a store with the test users and groups, a file and a folder
// in team's folder, served in-process: a request is a call of the
// handler, so a panic reaches the fuzzer instead of net/http's recovery.
type fuzzEnv struct {
	*env
	h    http.Handler
	team *groups.Folder // as bob
}

const (
	fuzzFile = "/dav/files/team/doc.txt"
	fuzzDir  = "/dav/files/team/dir/"
)

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	e := newEnv(f, Options{})
	e.want(http.StatusCreated, "bob", "MKCOL", fuzzDir, "", nil)
	e.put("bob", fuzzFile, "content")
	e.put("bob", fuzzDir+"inner.txt", "inner")
	team, err := e.store.OpenFolder(context.Background(), groups.Actor{Email: "bob@example.test"}, "team", 0)
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzEnv{env: e, h: e.srv.Config.Handler, team: team}
}

// serve calls the handler as bob.
func (fe *fuzzEnv) serve(method, path string, body []byte, h hdr) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.SetBasicAuth("bob@example.test", pw)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	return testkit.ServeWithin(fe.h, req, body, fuzzTimeout)
}

// fuzzTimeout bounds one request of a fuzz target.
const fuzzTimeout = 10 * time.Second

// check asserts what every fuzzed request must leave: an answer below
// 500 (507, the storage limit, included: it is a client's limit), a 207
// that is well-formed XML, the file's content, no lock left behind and a
// handler that still serves a GET and a PROPFIND.
func (fe *fuzzEnv) check(t *testing.T, what string, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 && rec.Code != http.StatusInsufficientStorage {
		t.Fatalf("%s %q: %d %s", what, body, rec.Code, rec.Body)
	}
	if rec.Code == http.StatusMultiStatus {
		if err := wellFormed(rec.Body.Bytes()); err != nil {
			t.Fatalf("%s %q: the 207 answer is not well-formed XML (%v):\n%s", what, body, err, rec.Body)
		}
	}
	if g := fe.serve(http.MethodGet, fuzzFile, nil, nil); g.Code != http.StatusOK || g.Body.String() != "content" {
		t.Fatalf("after %s %q: GET answers %d %q", what, body, g.Code, g.Body)
	}
	pf := fe.serve("PROPFIND", "/dav/files/team/", []byte(propfindAll), hdr{"Depth": "1"})
	if pf.Code != http.StatusMultiStatus || !strings.Contains(pf.Body.String(), "doc.txt") || !strings.Contains(pf.Body.String(), "/dir/") {
		t.Fatalf("after %s %q: PROPFIND answers %d %s", what, body, pf.Code, pf.Body)
	}
	if err := wellFormed(pf.Body.Bytes()); err != nil {
		t.Fatalf("after %s %q: PROPFIND's answer is not well-formed XML (%v):\n%s", what, body, err, pf.Body)
	}
	if ls, err := fe.team.Locks(context.Background()); err != nil || len(ls) > 0 {
		t.Fatalf("after %s %q: locks %v %v", what, body, ls, err)
	}
}

// wellFormed is testkit.WellFormedXML.
func wellFormed(b []byte) error { return testkit.WellFormedXML(b) }

// lockTargets are what FuzzLockInfo locks: the file, the folder, the
// group's root, and a name that does not exist yet (LOCK creates it
// empty; it is deleted after).
var lockTargets = []string{fuzzFile, fuzzDir, "/dav/files/team/", "/dav/files/team/new.txt"}

// FuzzLockInfo sends fuzzed LOCK bodies (lockinfo, RFC 4918 §14.11) with
// a Depth of "", 0, infinity or 1. Properties: no panic; no 5xx; a lock
// that was granted (200 or 201) has its token in Lock-Token and in the
// answer, which is well-formed XML, and UNLOCK with it gives 204; nothing
// else changes.
func FuzzLockInfo(f *testing.F) {
	for _, s := range []struct {
		body  string
		which uint8
	}{
		{lockBody("exclusive"), 0},
		{lockBody("shared"), 1},
		{lockBody("exclusive"), 2 | 1<<2},
		{lockBody("shared"), 3 | 2<<2},
		{`<?xml version="1.0"?><lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope><locktype><write/></locktype></lockinfo>`, 0},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>bob &amp; <x:y xmlns:x="urn:x">co</x:y></D:owner></D:lockinfo>`, 1 << 2},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>`, 0},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:read/></D:locktype></D:lockinfo>`, 0},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><![CDATA[<]]>]]&gt;</D:owner></D:lockinfo>`, 0},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>` + strings.Repeat("x", 70<<10) + `</D:href></D:owner></D:lockinfo>`, 0},
		{`<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/>`, 0},
		{`<!DOCTYPE x [<!ENTITY a "aaaa">]><lockinfo xmlns="DAV:"><lockscope><exclusive/></lockscope><locktype><write/></locktype><owner>&a;</owner></lockinfo>`, 0},
		{" \r\n", 0},
		{`not xml`, 0},
	} {
		f.Add([]byte(s.body), s.which)
	}
	fe := newFuzzEnv(f)
	depths := []string{"", "0", "infinity", "1"}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		p, depth := lockTargets[int(which&3)], depths[int(which>>2&3)]
		rec := fe.serve("LOCK", p, body, hdr{"Depth": depth, "Timeout": "Second-600", "Content-Type": "application/xml"})
		what := fmt.Sprintf("LOCK %s (Depth %q)", p, depth)
		if rec.Code == http.StatusOK || rec.Code == http.StatusCreated {
			tok := strings.Trim(rec.Header().Get("Lock-Token"), "<>")
			if !strings.HasPrefix(tok, "urn:uuid:") || !strings.Contains(rec.Body.String(), tok) {
				t.Fatalf("%s %q: %d with token %q:\n%s", what, body, rec.Code, tok, rec.Body)
			}
			if err := wellFormed(rec.Body.Bytes()); err != nil {
				t.Fatalf("%s %q: the answer is not well-formed XML (%v):\n%s", what, body, err, rec.Body)
			}
			if u := fe.serve("UNLOCK", p, nil, hdr{"Lock-Token": "<" + tok + ">"}); u.Code != http.StatusNoContent {
				t.Fatalf("%s %q: UNLOCK answers %d %s", what, body, u.Code, u.Body)
			}
		}
		if p == "/dav/files/team/new.txt" {
			if d := fe.serve(http.MethodDelete, p, nil, nil); d.Code != http.StatusNoContent && d.Code != http.StatusNotFound {
				t.Fatalf("%s %q: DELETE of the new file answers %d %s", what, body, d.Code, d.Body)
			}
		}
		fe.check(t, what, body, rec)
	})
}

// FuzzFolderPropPatch sends fuzzed PROPPATCH bodies (propertyupdate, RFC
// 4918 §14.19) to the file, the folder or the group's root. Properties:
// FuzzLockInfo's, and the dead properties it stored are what a PROPFIND
// gives back as well-formed XML; they are removed after each run.
func FuzzFolderPropPatch(f *testing.F) {
	for _, s := range []struct {
		body  string
		which uint8
	}{
		{`<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:colour>blue &amp; green</Z:colour></D:prop></D:set></D:propertyupdate>`, 0},
		{`<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:quota-used-bytes>1</D:quota-used-bytes></D:prop></D:set></D:propertyupdate>`, 1},
		{`<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:a xml:lang="en">x</Z:a><Z:b><Z:c attr="1">y</Z:c></Z:b></D:prop></D:set><D:remove><D:prop><Z:a/></D:prop></D:remove></D:propertyupdate>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:getetag>x</D:getetag><D:lockdiscovery/></D:prop></D:set></D:propertyupdate>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>name</D:displayname><D:getcontenttype>text/x</D:getcontenttype></D:prop></D:set></D:propertyupdate>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><noNS>v</noNS></D:prop></D:set></D:propertyupdate>`, 2},
		{`<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:big>` + strings.Repeat("v", 65<<10) + `</Z:big></D:prop></D:set></D:propertyupdate>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:example"><D:set><D:prop><Z:x><![CDATA[<not> & markup]]></Z:x></D:prop></D:set></D:propertyupdate>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>`, 0},
		{`<D:propertyupdate xmlns:D="DAV:"/>`, 0},
		{`<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>`, 0},
		{`<!DOCTYPE x [<!ENTITY a "aaaa">]><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><Z:x xmlns:Z="urn:z">&a;</Z:x></D:prop></D:set></D:propertyupdate>`, 0},
		{``, 0},
	} {
		f.Add([]byte(s.body), s.which)
	}
	fe := newFuzzEnv(f)
	targets := []string{fuzzFile, fuzzDir, "/dav/files/team/"}
	paths := []string{"doc.txt", "dir", ""}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		i := int(which) % len(targets)
		p := targets[i]
		rec := fe.serve("PROPPATCH", p, body, hdr{"Content-Type": "application/xml"})
		what := "PROPPATCH " + p
		if rec.Code == http.StatusMultiStatus {
			pf := fe.serve("PROPFIND", p, []byte(propfindAll), hdr{"Depth": "0"})
			if pf.Code != http.StatusMultiStatus {
				t.Fatalf("%s %q: PROPFIND answers %d %s", what, body, pf.Code, pf.Body)
			}
			if err := wellFormed(pf.Body.Bytes()); err != nil {
				t.Fatalf("%s %q: PROPFIND's answer is not well-formed XML (%v):\n%s", what, body, err, pf.Body)
			}
		}
		fe.check(t, what, body, rec)
		ctx := context.Background()
		props, err := fe.team.Props(ctx, paths[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(props) > 0 {
			if err := fe.team.PatchProps(ctx, paths[i], []groups.PropPatch{{Remove: true, Props: props}}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
