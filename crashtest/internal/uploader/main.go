// Command uploader is the process crashtest kills in the middle of folder
// uploads (the storage path of a WebDAV PUT: temporary file, fsync,
// rename into the blob directory, commit of the row, old blob to the
// trash). It writes versions 0, 1, 2, ... of files f0..f4 in turn and
// prints "ok <path> <version>" once a version is committed. With -cal it
// writes calendar objects e0.ics..e4.ics of the group's events instead
// (the storage path of a CalDAV PUT).
//
// Usage: uploader -data DIR [-setup] [-cal] [-start N]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"groupd/groups"
)

func main() {
	data := flag.String("data", "", "data directory (groupd.db, blobs, tmp)")
	setup := flag.Bool("setup", false, "create alice and the group team, then exit")
	start := flag.Int("start", 0, "first version number")
	cal := flag.Bool("cal", false, "write calendar objects instead of files")
	flag.Parse()
	st, err := groups.Open(groups.Options{Path: filepath.Join(*data, "groupd.db"), BlobDir: filepath.Join(*data, "blobs"),
		MailDomains: []string{"lists.example.test"}, InternalDomains: []string{"example.test"},
		HashParams: &groups.HashParams{Time: 1, Memory: 64, Threads: 1}})
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	if *setup {
		s := func(v string) *string { return &v }
		if _, err := st.CreateUser(ctx, groups.AdminActor(), groups.UserSpec{Email: s("alice@example.test"), Name: s("Alice"), Password: s("password1")}); err != nil {
			fail(err)
		}
		if _, err := st.CreateGroup(ctx, groups.Actor{Email: "alice@example.test"}, groups.GroupSpec{ID: s("team"), Name: s("Team")}); err != nil {
			fail(err)
		}
		st.Close()
		return
	}
	if *cal {
		putEvents(ctx, st, *start)
	}
	f, err := st.OpenFolder(ctx, groups.Actor{Email: "alice@example.test"}, "team", 1<<40)
	if err != nil {
		fail(err)
	}
	for v := *start; ; v++ {
		p := fmt.Sprintf("f%d", v%5)
		up, err := f.BeginUpload(ctx, p, filepath.Join(*data, "tmp"))
		if err != nil {
			fail(err)
		}
		if _, err := up.ReadFrom(bytes.NewReader(Content(v))); err != nil {
			fail(err)
		}
		if _, err := up.Commit(ctx); err != nil {
			fail(err)
		}
		fmt.Printf("ok %s %d\n", p, v)
	}
}

// putEvents writes versions of e0.ics..e4.ics for ever.
func putEvents(ctx context.Context, st *groups.Store, start int) {
	c, err := st.Calendar(ctx, groups.Actor{Email: "alice@example.test"}, "team", groups.FeatureEvent)
	if err != nil {
		fail(err)
	}
	for v := start; ; v++ {
		name := fmt.Sprintf("e%d.ics", v%5)
		if _, _, err := c.Put(ctx, groups.CalPut{Name: name, UID: name, Data: Event(name, v),
			First: math.MinInt64, Last: math.MaxInt64}); err != nil {
			fail(err)
		}
		fmt.Printf("ok %s %d\n", name, v)
	}
}

// Event is version v of the object uid.
func Event(uid string, v int) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//crashtest//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
		"\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260105T100000Z\r\nSEQUENCE:" + fmt.Sprint(v) +
		"\r\nSUMMARY:version " + fmt.Sprint(v) + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// Content is version v's bytes: its size and every byte derive from v.
func Content(v int) []byte {
	return bytes.Repeat([]byte{byte(v), byte(v >> 8)}, 500+v*373%40000)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "uploader:", err)
	os.Exit(1)
}
