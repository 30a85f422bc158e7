package mail_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/sandbox"
)

// plainReader hides every interface but io.Reader.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// TestLargeAttachmentsOnExistingDraft adds large attachments to a draft that
// exists already (a path, and a reader that cannot seek), saves, edits and
// sends it, on both protocols.
func TestLargeAttachmentsOnExistingDraft(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			alice := mailbox(t, srv, proto, sandbox.DemoUser)
			d := alice.NewMessage()
			d.Subject = "Draft with files"
			must(t, d.AddTo(sandbox.DemoCarol))
			must(t, d.Save(ctx))

			fileData := payload(7<<20+5, 1)
			path := filepath.Join(t.TempDir(), "video.mp4")
			must(t, os.WriteFile(path, fileData, 0o600))
			a1, err := d.AttachFile(path)
			must(t, err)
			if a1.ContentType != "video/mp4" {
				t.Fatalf("content type %q", a1.ContentType)
			}
			streamData := payload(3<<20+1, 2)
			_, err = d.AttachReader("stream.bin", plainReader{bytes.NewReader(streamData)}, int64(len(streamData)))
			must(t, err)
			small := []byte("small")
			_, err = d.AttachBytes("small.txt", small)
			must(t, err)
			must(t, d.Save(ctx))
			for _, a := range d.Attachments {
				if a.ID == "" {
					t.Fatalf("attachment %q has no id after Save", a.Name)
				}
			}
			d.Subject = "Draft with files (final)"
			must(t, d.Send(ctx, nil))

			carol := mailbox(t, srv, proto, sandbox.DemoCarol)
			got := collect(t, carol.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Draft with files (final)"))))
			if len(got) != 1 {
				t.Fatalf("Carol got %d", len(got))
			}
			want := map[string][]byte{"video.mp4": fileData, "stream.bin": streamData, "small.txt": small}
			for _, a := range collect(t, got[0].ListAttachments(ctx, nil)) {
				var buf bytes.Buffer
				_, err := a.Download(ctx, &buf)
				must(t, err)
				if !bytes.Equal(buf.Bytes(), want[a.Name]) {
					t.Fatalf("%s: %d bytes differ", a.Name, buf.Len())
				}
				delete(want, a.Name)
			}
			if len(want) != 0 {
				t.Fatalf("missing attachments %v", want)
			}
		})
	}
}

func TestAttachmentLimits(t *testing.T) {
	srv := newSandbox(t)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	m := alice.NewMessage()
	if _, err := m.AttachReader("huge", bytes.NewReader(nil), 151<<20); !errors.Is(err, mail.ErrTooLarge) {
		t.Fatalf("151 MB attachment: %v", err)
	}
	if _, err := m.AttachFile(t.TempDir()); err == nil {
		t.Fatal("attaching a directory")
	}
	var unbound mail.Message
	if _, err := unbound.AttachBytes("x", nil); !errors.Is(err, mail.ErrUnbound) {
		t.Fatalf("unbound: %v", err)
	}
}

// TestBulkUnderThrottling marks and moves messages while a third of all
// requests (sub-requests of $batch included) are throttled: the engine
// retries the throttled items alone and every message ends up done.
func TestBulkUnderThrottling(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	mb := mailbox(t, srv, graph, sandbox.DemoUser)
	var ids []string
	for range 30 {
		m := mb.NewMessage()
		m.Subject = "throttled bulk"
		must(t, m.Save(ctx))
		ids = append(ids, m.ID)
	}
	must(t, srv.SetFaults("429=30%,retry-after=0,seed=4"))
	must(t, mb.MarkMessages(ctx, ids, false))
	moved, err := mb.MoveMessages(ctx, ids, mail.Archive)
	must(t, err)
	must(t, srv.SetFaults(""))
	got := collect(t, mb.Archive().ListMessages(ctx, o365.NewQuery().Filter(o365.And(o365.Eq("subject", "throttled bulk"), o365.Eq("isRead", false))).Top(100)))
	if len(got) != 30 || len(moved) != 30 {
		t.Fatalf("%d unread in Archive, %d moved", len(got), len(moved))
	}
}
