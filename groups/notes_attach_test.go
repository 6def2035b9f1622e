package groups

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"image/jpeg"
	"io"
	"strings"
	"testing"
	"time"
)

// attachFixture: alice masters "team" (private), bob and carol are
// members, bob wrote note nid; eve is an outsider.
type attachFixture struct {
	s                      *Store
	alice, bob, carol, eve Actor
	nid                    int64
	lim                    AttachLimits
}

func newAttachFixture(t *testing.T) *attachFixture {
	t.Helper()
	s := newStore(t)
	addUsers(t, s, "alice@example.test", "bob@example.test", "carol@example.test", "eve@example.test")
	fx := &attachFixture{s: s, alice: user("alice@example.test"), bob: user("bob@example.test"),
		carol: user("carol@example.test"), eve: user("eve@example.test"),
		lim: AttachLimits{MaxBytes: 1 << 20, DefaultQuota: 1 << 30, TempDir: s.BlobPath(".uploads")}}
	mustGroup(t, s, fx.alice, GroupSpec{ID: str("team"), Name: str("Team"), Public: boolp(false), Notify: boolp(false),
		Members: []string{"bob@example.test", "carol@example.test"}})
	n, err := s.CreateNote(context.Background(), fx.bob, "team", NoteSpec{Title: str("Trip"), Body: str("photos")})
	if err != nil {
		t.Fatal(err)
	}
	fx.nid = n.ID
	return fx
}

// attach uploads body as name to the fixture's note as a.
func (fx *attachFixture) attach(a Actor, name string, body []byte) (*Attachment, error) {
	ctx := context.Background()
	up, err := fx.s.BeginAttachment(ctx, a, "team", fx.nid, name, fx.lim)
	if err != nil {
		return nil, err
	}
	if _, err := up.ReadFrom(bytes.NewReader(body)); err != nil {
		up.Abort()
		return nil, err
	}
	return up.Commit(ctx)
}

func (fx *attachFixture) mustAttach(t *testing.T, a Actor, name string, body []byte) *Attachment {
	t.Helper()
	at, err := fx.attach(a, name, body)
	if err != nil {
		t.Fatalf("attach %s: %v", name, err)
	}
	return at
}

func (fx *attachFixture) read(t *testing.T, a Actor, aid int64, thumb bool) []byte {
	t.Helper()
	_, r, err := fx.s.OpenAttachment(context.Background(), a, "team", fx.nid, aid, thumb)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Photos inline with a thumbnail, other files as downloads with a type
// that never runs; read by members, added and deleted per the note's
// edit rule; a private group answers an outsider as a missing one.
func TestNoteAttachments(t *testing.T) {
	fx := newAttachFixture(t)
	ctx := context.Background()
	pic := testPNG(t, 800, 600)
	img := fx.mustAttach(t, fx.bob, "beach.png", pic)
	pdf := fx.mustAttach(t, fx.bob, "plan.pdf", []byte("%PDF-1.4 not really"))
	svg := fx.mustAttach(t, fx.alice, "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	fake := fx.mustAttach(t, fx.bob, "fake.png", []byte("<html><script>alert(1)</script></html>"))
	// A 1 × 1 lossy WebP, decoded by golang.org/x/image/webp.
	webp, _ := base64.StdEncoding.DecodeString("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA")
	wp := fx.mustAttach(t, fx.bob, "dot.bin", webp)
	for _, c := range []struct {
		at     *Attachment
		typ    string
		inline bool
	}{{img, "image/png", true}, {pdf, "application/pdf", false}, {svg, "application/octet-stream", false},
		{fake, "application/octet-stream", false}, {wp, "image/webp", true}} {
		if c.at.Type != c.typ || c.at.Inline != c.inline || c.at.HasThumbnail != c.inline {
			t.Errorf("%s: type %q inline %v thumbnail %v", c.at.Name, c.at.Type, c.at.Inline, c.at.HasThumbnail)
		}
	}
	n, err := fx.s.GetNote(ctx, fx.carol, "team", fx.nid)
	if err != nil || len(n.Attachments) != 5 || n.Attachments[0].Name != "beach.png" || n.Attachments[0].Size != int64(len(pic)) {
		t.Fatalf("note as carol: %+v %v", n, err)
	}
	if list, _ := fx.s.Notes(ctx, fx.carol, "team"); len(list) != 1 || len(list[0].Attachments) != 5 {
		t.Fatalf("note list: %+v", list)
	}
	if got := fx.read(t, fx.carol, img.ID, false); !bytes.Equal(got, pic) {
		t.Error("the image reads back different")
	}
	th, err := jpeg.DecodeConfig(bytes.NewReader(fx.read(t, fx.carol, img.ID, true)))
	if err != nil || th.Width != ThumbWidth || th.Height != 240 {
		t.Errorf("thumbnail: %+v %v", th, err)
	}
	if _, _, err := fx.s.OpenAttachment(ctx, fx.carol, "team", fx.nid, pdf.ID, true); !errors.Is(err, ErrNotFound) {
		t.Errorf("thumbnail of a PDF: %v", err)
	}
	// carol is a member but not the author: she reads, and may not change.
	_, err = fx.attach(fx.carol, "mine.txt", []byte("x"))
	wantErr(t, err, ErrDenied)
	wantErr(t, fx.s.DeleteAttachment(ctx, fx.carol, "team", fx.nid, pdf.ID), ErrDenied)
	// eve, an outsider of the private group, gets what a missing group gives.
	_, _, err = fx.s.OpenAttachment(ctx, fx.eve, "team", fx.nid, img.ID, false)
	_, _, errMissing := fx.s.OpenAttachment(ctx, fx.eve, "nope", fx.nid, img.ID, false)
	if !errors.Is(err, ErrNotFound) || Message(err) != Message(errMissing) {
		t.Errorf("outsider: %v; missing group: %v", err, errMissing)
	}
	_, err = fx.attach(fx.eve, "x.txt", []byte("x"))
	wantErr(t, err, ErrNotFound)
	// alice, a master, deletes bob's file; its blobs go.
	if err := fx.s.DeleteAttachment(ctx, fx.alice, "team", fx.nid, img.ID); err != nil {
		t.Fatal(err)
	}
	if hasBlob(t, fx.s, img.blob) || hasBlob(t, fx.s, img.thumb) {
		t.Error("a deleted attachment's blobs are still there")
	}
	wantErr(t, fx.s.DeleteAttachment(ctx, fx.alice, "team", fx.nid, img.ID), ErrNotFound)
	for _, name := range []string{"", "a/b", "bad\x01name", "../x"} {
		_, err := fx.attach(fx.bob, name, []byte("x"))
		wantErr(t, err, ErrInvalid)
	}
}

// Attachments count toward the group's quota, thumbnails included, and
// past it are refused with the folder's words; notes.max_attachment_bytes
// and the 20 files of a note bound each upload.
func TestNoteAttachmentLimits(t *testing.T) {
	fx := newAttachFixture(t)
	ctx := context.Background()
	if err := fx.s.SetFolderQuota(ctx, admin, "team", 200_000); err != nil {
		t.Fatal(err)
	}
	f, err := fx.s.OpenFolder(ctx, fx.alice, "team", fx.lim.DefaultQuota)
	if err != nil {
		t.Fatal(err)
	}
	at := fx.mustAttach(t, fx.bob, "p.png", testPNG(t, 400, 300))
	used, _, err := f.Usage(ctx)
	if err != nil || used <= at.Size || used > at.Size+50_000 {
		t.Errorf("used %d (%v) after a %d-byte image and its thumbnail", used, err, at.Size)
	}
	_, err = fx.attach(fx.bob, "big.bin", make([]byte, 200_000-used+1))
	wantErr(t, err, ErrTooLarge)
	if Message(err) != QuotaExceeded {
		t.Errorf("over quota: %q", Message(err))
	}
	fx.lim.MaxBytes = 1000
	_, err = fx.attach(fx.bob, "big.bin", make([]byte, 1001))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(Message(err), "at most 1000 bytes") {
		t.Errorf("over max_attachment_bytes: %v", err)
	}
	for i := 1; i < MaxNoteAttachments; i++ {
		fx.mustAttach(t, fx.bob, "f.txt", []byte("x"))
	}
	_, err = fx.attach(fx.bob, "21.txt", []byte("x"))
	wantErr(t, err, ErrConflict)
}

// The orphan sweep keeps attachment and thumbnail blobs; deleting the
// note, purging notes and deleting the group free them and the quota.
func TestNoteAttachmentBlobsLifetime(t *testing.T) {
	ctx := context.Background()
	for _, how := range []string{"delete note", "purge", "delete group"} {
		t.Run(how, func(t *testing.T) {
			fx := newAttachFixture(t)
			at := fx.mustAttach(t, fx.bob, "p.png", testPNG(t, 64, 64))
			file := fx.mustAttach(t, fx.bob, "a.pdf", []byte("%PDF"))
			fx.s.opts.Now = func() time.Time { return time.Now().Add(time.Hour) }
			if n, err := fx.s.SweepFolderBlobs(ctx, time.Minute); err != nil || n != 0 {
				t.Fatalf("the sweep removed %d blobs (%v)", n, err)
			}
			for _, b := range []string{at.blob, at.thumb, file.blob} {
				if !hasBlob(t, fx.s, b) {
					t.Fatalf("blob %s swept", b)
				}
			}
			var err error
			switch how {
			case "delete note":
				err = fx.s.DeleteNote(ctx, fx.bob, "team", fx.nid)
			case "purge":
				err = fx.s.Purge(ctx, fx.alice, "team", []string{FeatureNote})
			default:
				err = fx.s.DeleteGroup(ctx, fx.alice, "team")
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range []string{at.blob, at.thumb, file.blob} {
				if hasBlob(t, fx.s, b) {
					t.Errorf("blob %s still there", b)
				}
			}
			if how != "delete group" {
				var used, quota int64
				gid := int64(0)
				fx.s.rdb.QueryRow(`SELECT gid FROM groups WHERE id = 'team'`).Scan(&gid)
				used, quota, err = groupUsage(ctx, fx.s.rdb, gid, 1<<30)
				if err != nil || used != 0 || quota != 1<<30 {
					t.Errorf("usage %d of %d (%v) after %s", used, quota, err, how)
				}
			}
		})
	}
}
