package webdav

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"groupd/groups"
)

// makeTree writes n files of mixed sizes (0 B to 3 MiB) in nested folders,
// some with non-ASCII names, and returns how many bytes it wrote.
func makeTree(t *testing.T, dir string, n int) int64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 100, 4096, 65537, 300000, 1 << 20, 3 << 20}
	var total int64
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%7), fmt.Sprintf("e%d", i%3))
		if i%50 == 0 {
			sub = filepath.Join(dir, "Ärger & Übel", "日本語")
		}
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, sizes[i%len(sizes)])
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		name := fmt.Sprintf("file %03d ünï.bin", i)
		if err := os.WriteFile(filepath.Join(sub, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		total += int64(len(b))
	}
	return total
}

// rclone runs rclone with an on-the-fly WebDAV remote logged in as bob.
func rclone(t *testing.T, bin, url string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	obscured, err := exec.CommandContext(ctx, bin, "obscure", pw).Output()
	if err != nil {
		t.Fatal(err)
	}
	args = append(args, "--webdav-url", url, "--webdav-user", "bob@example.test",
		"--webdav-pass", strings.TrimSpace(string(obscured)))
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cmd.Environ(), "RCLONE_CONFIG="+filepath.Join(t.TempDir(), "rclone.conf"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("rclone %s: %v\n%s", strings.Join(args[:3], " "), err, out)
	}
	return string(out)
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRclone copies a tree of 200 files of mixed sizes into the daemon's
// group folder and back with rclone; `rclone check` compares the remote
// with the source byte for byte (--download) and the copy brought back
// with the source, and finds no difference.
func TestRclone(t *testing.T) {
	bin := needBinary(t, "rclone")
	e := start(t, nil)
	src, back := t.TempDir(), t.TempDir()
	total := makeTree(t, src, 200)
	base := e.url("")
	remote := ":webdav:/dav/files/team/tree"
	rclone(t, bin, base, "copy", src, remote)
	rclone(t, bin, base, "copy", remote, back)
	rclone(t, bin, base, "check", src, remote, "--download")
	if out, err := exec.Command(bin, "check", src, back, "--download").CombinedOutput(); err != nil {
		t.Fatalf("rclone check (local copy brought back): %v\n%s", err, out)
	}
	if n := countFiles(t, back); n != 200 {
		t.Fatalf("copied back %d files, want 200", n)
	}
	// The files are in the group folder, for another member too.
	b := e.want(207, "alice", "PROPFIND", "/dav/files/team/tree/", quotaProps, hdr{"Depth": "0"})
	// Each entry (the files, their folders and tree/ itself) counts too.
	entries := int64(1)
	filepath.WalkDir(src, func(p string, _ os.DirEntry, err error) error {
		if err == nil && p != src {
			entries++
		}
		return err
	})
	mustContain(t, b, fmt.Sprintf("<D:quota-used-bytes>%d</D:quota-used-bytes>", total+entries*groups.FolderEntryBytes))
}
