package crashtest

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/groups"
	"groupd/internal/testkit"
)

// TestCrashGroupDeletion fills a group (members, notes, archived posts, a
// folder file) and kills groupd at a random point around its deletion: the
// group must be whole or wholly gone (gone if the DELETE was answered), no
// blob missing or orphaned, and a gone group's address must refuse mail.
func TestCrashGroupDeletion(t *testing.T) {
	bin := buildGroupd(t)
	e := newEnv(t, bin, newSink(t, 0))
	rnd := newRand(t)
	e.start()
	for _, m := range members {
		e.mustAPI("POST", "/api/v1/users", "", fmt.Sprintf(`{"email":%q,"name":"N","password":"password1"}`, m), 201)
	}
	violations, gone, kept := 0, 0, 0
	prevGone := ""
	for p := 0; p < points(t); p++ {
		if p > 0 {
			e.start()
		}
		if prevGone != "" {
			if err := e.post("alice@example.test", prevGone+"@lists.example.test", fmt.Sprintf("late%d@crash.test", p), "x"); err == nil || !strings.Contains(err.Error(), "550") {
				t.Errorf("kill point %d: mail to deleted %s: %v, want 550", p-1, prevGone, err)
				violations++
			}
		}
		id := fmt.Sprintf("g%d", p)
		gid := fillGroup(t, e, id)
		acked := make(chan bool, 1)
		go func() { acked <- e.api("DELETE", "/api/v1/groups/"+id, "", "") == 204 }()
		time.Sleep(time.Duration(rnd.IntN(6000)) * time.Microsecond)
		e.kill()
		ok := <-acked
		v, present := checkGroup(t, e, id, gid, ok)
		v = append(v, e.checkStore()...)
		for _, s := range v {
			t.Errorf("kill point %d: %s", p, s)
		}
		violations += len(v)
		prevGone = ""
		if present {
			kept++
		} else {
			gone++
			prevGone = id
		}
	}
	t.Logf("group deletion: %d kill points (%d before the commit, %d after), %d violations", points(t), kept, gone, violations)
}

// fillGroup creates group id with every member, 3 notes, 2 archived posts
// and a folder file, and returns its gid.
func fillGroup(t *testing.T, e *env, id string) int64 {
	t.Helper()
	e.mustAPI("POST", "/api/v1/groups", "", fmt.Sprintf(`{"id":%q,"name":"G","notify":false,"masters":["alice@example.test"],"members":["`+strings.Join(members[1:], `","`)+`"]}`, id), 201)
	for i := 0; i < 3; i++ {
		e.mustAPI("POST", "/api/v1/groups/"+id+"/notes", "alice@example.test", `{"title":"t","body":"b"}`, 201)
	}
	for i := 0; i < 2; i++ {
		if err := e.post("alice@example.test", id+"@lists.example.test", fmt.Sprintf("%s-%d@crash.test", id, i), "x"); err != nil {
			t.Fatalf("post to %s: %v", id, err)
		}
	}
	st, err := groups.Open(testkit.StoreOptions(groups.Options{Path: filepath.Join(e.dir, "groupd.db"), BlobDir: filepath.Join(e.dir, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := st.OpenFolder(t.Context(), groups.Actor{Email: "alice@example.test"}, id, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	up, err := f.BeginUpload(t.Context(), "file.bin", filepath.Join(e.dir, "tmp"))
	if err == nil {
		_, err = up.ReadFrom(bytes.NewReader(bytes.Repeat([]byte(id), 2000)))
	}
	if err == nil {
		_, err = up.Commit(t.Context())
	}
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	db := e.db()
	defer db.Close()
	var gid int64
	if err := db.QueryRow(`SELECT gid FROM groups WHERE id = ?`, id).Scan(&gid); err != nil {
		t.Fatal(err)
	}
	return gid
}

// checkGroup checks that group id (gid) is whole or wholly gone.
func checkGroup(t *testing.T, e *env, id string, gid int64, acked bool) (v []string, present bool) {
	db := e.db()
	defer db.Close()
	count := func(q string) int {
		var n int
		if err := db.QueryRow(q, gid).Scan(&n); err != nil {
			v = append(v, fmt.Sprintf("%s: %v", q, err))
		}
		return n
	}
	present = count(`SELECT count(*) FROM groups WHERE gid = ?`) == 1
	got := map[string]int{
		"members":  count(`SELECT count(*) FROM memberships WHERE gid = ?`),
		"notes":    count(`SELECT count(*) FROM notes WHERE gid = ?`),
		"messages": count(`SELECT count(*) FROM messages WHERE gid = ?`),
		"files":    count(`SELECT count(*) FROM files WHERE gid = ? AND blob <> ''`),
	}
	want := map[string]int{"members": len(members), "notes": 3, "messages": 2, "files": 1}
	switch {
	case present && acked:
		v = append(v, "the DELETE of "+id+" was answered 204 but the group is back")
	case present:
		for k, n := range want {
			if got[k] != n {
				v = append(v, fmt.Sprintf("%s survived with %d %s of %d (half-deleted)", id, got[k], k, n))
			}
		}
	default:
		for k, n := range got {
			if n != 0 {
				v = append(v, fmt.Sprintf("%s is gone but %d of its %s remain", id, n, k))
			}
		}
	}
	return v, present
}
