package folder

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
)

// makeTree writes n files of mixed sizes (0 B to 2 MiB) in nested folders.
func makeTree(t *testing.T, dir string, n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := []int{0, 1, 100, 4096, 65537, 300000, 2 << 20}
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("d%d", i%7), fmt.Sprintf("e%d", i%3))
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
	}
}

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

// TestRclone copies 200 files of mixed sizes into a group folder and back
// with rclone; rclone check (byte for byte) finds no difference.
func TestRclone(t *testing.T) {
	bin := needBinary(t, "rclone")
	e := newEnv(t, Options{})
	src, back := t.TempDir(), t.TempDir()
	makeTree(t, src, 200)
	remote := ":webdav:/dav/files/team/tree"
	rclone(t, bin, e.srv.URL, "copy", src, remote)
	rclone(t, bin, e.srv.URL, "copy", remote, back)
	rclone(t, bin, e.srv.URL, "check", src, remote, "--download")
	out, err := exec.Command(bin, "check", src, back, "--download").CombinedOutput()
	if err != nil {
		t.Fatalf("rclone check (local): %v\n%s", err, out)
	}
	n := 0
	filepath.Walk(back, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			n++
		}
		return nil
	})
	if n != 200 {
		t.Fatalf("copied back %d files, want 200", n)
	}
}
