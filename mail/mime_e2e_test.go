package mail_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/sandbox"
)

const rawEML = "From: Alice Adams <" + sandbox.DemoUser + ">\r\n" +
	"To: Bob Baker <" + sandbox.DemoBob + ">\r\n" +
	"Subject: =?utf-8?q?Caf=C3=A9_menu?=\r\n" +
	"X-Menu-Version: 3\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=b1\r\n" +
	"\r\n" +
	"--b1\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Soup of the day.\r\n" +
	"--b1\r\n" +
	"Content-Type: text/csv; name=menu.csv\r\n" +
	"Content-Disposition: attachment; filename=menu.csv\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"ZGlzaCxwcmljZQpzb3VwLDQK\r\n" +
	"--b1--\r\n"

func TestMIMESendExportAndItemAttachments(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			alice := mailbox(t, srv, proto, sandbox.DemoUser)
			bob := mailbox(t, srv, proto, sandbox.DemoBob)
			must(t, alice.SendMIME(ctx, strings.NewReader(rawEML)))
			got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Café menu"))))
			if len(got) != 1 || !strings.Contains(got[0].Body.Content, "Soup of the day") || !got[0].HasAttachments {
				t.Fatalf("MIME message delivered as %d", len(got))
			}
			if err := alice.SendMIME(ctx, strings.NewReader("not a message")); err == nil {
				t.Fatal("garbage MIME accepted")
			}

			// Export as .eml and read it back with the package's parser.
			var eml bytes.Buffer
			_, err := got[0].DownloadMIME(ctx, &eml)
			must(t, err)
			parsed, err := mail.ParseMIME(bytes.NewReader(eml.Bytes()))
			must(t, err)
			if parsed.Subject != "Café menu" || parsed.From.EmailAddress.Address != sandbox.DemoUser || len(parsed.Attachments) != 1 ||
				string(parsed.Attachments[0].ContentBytes) != "dish,price\nsoup,4\n" {
				t.Fatalf("parsed export %+v", parsed)
			}

			// Forward it as an item attachment and as an attached .eml file.
			fw := bob.NewMessage()
			fw.Subject = "Attached items"
			must(t, fw.AddTo(sandbox.DemoCarol))
			inner := bob.NewMessage()
			inner.Subject = "Inner note"
			inner.SetText("inside")
			must(t, inner.AddTo(sandbox.DemoDan))
			_, err = fw.AttachItem("Inner note", inner)
			must(t, err)
			_, err = fw.AttachBytes("menu.eml", eml.Bytes())
			must(t, err)
			must(t, fw.Send(ctx, nil))
			carol := mailbox(t, srv, proto, sandbox.DemoCarol)
			in := collect(t, carol.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Attached items"))))
			if len(in) != 1 {
				t.Fatalf("Carol got %d", len(in))
			}
			atts := collect(t, in[0].ListAttachments(ctx, nil))
			var kinds []string
			for _, a := range atts {
				kinds = append(kinds, a.Kind())
				m, err := mail.ReadAttachedMessage(ctx, a)
				must(t, err)
				switch a.Kind() {
				case "item":
					if m.Subject != "Inner note" || m.Body.Content != "inside" || m.ToRecipients[0].EmailAddress.Address != sandbox.DemoDan {
						t.Fatalf("item attachment as message %+v", m)
					}
				case "file":
					if m.Subject != "Café menu" {
						t.Fatalf(".eml attachment as message %+v", m)
					}
				}
			}
			slices.Sort(kinds)
			if !slices.Equal(kinds, []string{"file", "item"}) {
				t.Fatalf("attachment kinds %v", kinds)
			}

			// Save them: sanitised names, no overwrite.
			dir := t.TempDir()
			paths, err := in[0].DownloadAttachments(ctx, dir)
			must(t, err)
			again, err := in[0].DownloadAttachments(ctx, dir)
			must(t, err)
			var names []string
			for _, p := range append(paths, again...) {
				if filepath.Dir(p) != dir {
					t.Fatalf("saved outside the directory: %s", p)
				}
				names = append(names, filepath.Base(p))
			}
			slices.Sort(names)
			if !slices.Equal(names, []string{"Inner note (1).eml", "Inner note.eml", "menu (1).eml", "menu.eml"}) {
				t.Fatalf("saved %v", names)
			}
			data, err := os.ReadFile(filepath.Join(dir, "menu.eml"))
			must(t, err)
			if !bytes.Equal(data, eml.Bytes()) {
				t.Fatal("saved .eml differs")
			}
		})
	}
}

func TestSaveAttachmentHostileNames(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	alice := mailbox(t, srv, graph, sandbox.DemoUser)
	m := alice.NewMessage()
	m.Subject = "hostile"
	must(t, m.AddTo(sandbox.DemoBob))
	for _, name := range []string{"../../etc/passwd", `..\..\boot.ini`, "CON.txt", "a\x00b.txt", ".."} {
		_, err := m.AttachBytes(name, []byte(name))
		must(t, err)
	}
	must(t, m.Send(ctx, nil))
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	got := collect(t, bob.Inbox().ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "hostile"))))
	dir := t.TempDir()
	paths, err := got[0].DownloadAttachments(ctx, dir)
	must(t, err)
	var names []string
	for _, p := range paths {
		if filepath.Dir(p) != dir {
			t.Fatalf("escaped: %s", p)
		}
		names = append(names, filepath.Base(p))
	}
	slices.Sort(names)
	want := []string{"_CON.txt", "a_b.txt", "attachment", "boot.ini", "passwd"}
	if !slices.Equal(names, want) {
		t.Fatalf("saved %q, want %q", names, want)
	}
}
