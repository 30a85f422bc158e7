package drive

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// knobFiles is the knob of generated files in Alice's drive.
const knobFiles = "drive.filesPerUser"

// seed gives every demo person a OneDrive with Documents and Pictures and a
// welcome file, Alice a few documents and a picture (and knobFiles
// generated files in Documents/Generated), and the Engineering group a
// document library with design notes. Seeding again adds only what is
// missing.
func seed(ctx context.Context, tx *core.Tx, sd *core.SeedContext) error {
	for _, p := range demo.People() {
		d, err := core.EnsureUserDrive(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		by := map[string]any{"user": map[string]any{"id": p.ID, "displayName": p.DisplayName()}}
		s := &seeder{ctx: ctx, tx: tx, d: d, by: by, at: sd.Epoch}
		root, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
		if err != nil {
			return err
		}
		docs := s.folder(root, "Documents", "documents")
		pics := s.folder(root, "Pictures", "photos")
		s.file(root, "Welcome.txt", []byte("Welcome to OneDrive, "+p.Given+".\n"))
		if p.ID == demo.UserID {
			s.file(docs, "Quarterly report.md", []byte("# Quarterly report\n\nRevenue grew 12% over the quarter.\n\n- Engineering shipped the sandbox.\n- Sales closed three new accounts.\n"))
			s.file(docs, "Budget.csv", []byte("item,amount\nlaptops,12000\nsoftware,4500\ntravel,3000\n"))
			s.file(pics, "Logo.png", logoPNG())
			if n := sd.Size(knobFiles); n > 0 {
				gen := s.folder(docs, "Generated", "")
				for i := range n {
					s.file(gen, fmt.Sprintf("file-%06d.txt", i), []byte(fmt.Sprintf("Generated file %d.\n", i)))
				}
			}
		}
		if s.err != nil {
			return s.err
		}
	}
	d, err := core.EnsureGroupDrive(ctx, tx, demo.EngineeringGroupID)
	if err != nil {
		return err
	}
	root, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
	if err != nil {
		return err
	}
	s := &seeder{ctx: ctx, tx: tx, d: d, at: sd.Epoch,
		by: map[string]any{"user": map[string]any{"id": demo.UserID, "displayName": "Alice Adams"}}}
	s.file(root, "Design notes.md", []byte("# Design notes\n\nOne request path; every id escaped.\n"))
	return s.err
}

// seeder adds seeded items to one drive, keeping the first error.
type seeder struct {
	ctx context.Context
	tx  *core.Tx
	d   *core.Drive
	by  map[string]any
	at  time.Time
	err error
}

// change is a seeded change creating the item name in parent, whose id is
// derived from the drive, the parent and the name.
func (s *seeder) change(parent *core.Object, name string) core.DriveChange {
	return core.DriveChange{By: s.by, Now: s.at, ID: core.DriveItemIDFor(s.d.ID + "\x00" + parent.ID + "\x00" + strings.ToLower(name))}
}

// folder is the folder name in parent, made when missing and recorded as
// special folder special ("" for none).
func (s *seeder) folder(parent *core.Object, name, special string) *core.Object {
	if s.err != nil {
		return parent
	}
	f, err := core.DriveChild(s.ctx, s.tx, s.d.ID, parent.ID, name)
	if core.IsNotFound(err) {
		f, err = core.CreateDriveFolder(s.ctx, s.tx, s.d, parent, name, core.ConflictFail, s.change(parent, name))
		if err == nil && special != "" {
			f.Data["specialFolder"] = map[string]any{"name": special}
			err = core.SaveDriveItemMeta(s.ctx, s.tx, f)
			if err == nil {
				err = s.recordSpecial(special, f.ID)
			}
		}
	}
	if err != nil {
		s.err = err
		return parent
	}
	return f
}

// recordSpecial notes a special folder's id in the drive's document.
func (s *seeder) recordSpecial(name, id string) error {
	d, err := core.GetDrive(s.ctx, s.tx, s.d.ID)
	if err != nil {
		return err
	}
	special, _ := d.Object.Data["_special"].(map[string]any)
	if special == nil {
		special = map[string]any{}
	}
	special[name] = id
	d.Object.Data["_special"] = special
	if err := s.tx.Put(s.ctx, d.Object); err != nil {
		return err
	}
	s.d = d
	return nil
}

// file is the file name in parent with content, made when missing.
func (s *seeder) file(parent *core.Object, name string, content []byte) {
	if s.err != nil {
		return
	}
	if _, err := core.DriveChild(s.ctx, s.tx, s.d.ID, parent.ID, name); !core.IsNotFound(err) {
		s.err = err
		return
	}
	c, err := core.WriteDriveBlob(s.ctx, s.tx, s.d.ID, bytes.NewReader(content))
	if err == nil {
		c.Facets, err = facets(s.ctx, s.tx, name, c.Blob)
	}
	if err == nil {
		d, derr := core.GetDrive(s.ctx, s.tx, s.d.ID)
		if derr != nil {
			s.err = derr
			return
		}
		s.d = d
		_, _, err = core.PutDriveFile(s.ctx, s.tx, s.d, parent, name, core.ConflictFail, c, s.change(parent, name))
	}
	s.err = err
}

// logoPNG is a small generated picture (64 x 48, a gradient).
func logoPNG() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 4), G: uint8(y * 5), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // an in-memory image always encodes
	return buf.Bytes()
}
