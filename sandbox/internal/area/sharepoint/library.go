package sharepoint

import (
	"context"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/workbook"
)

// Document libraries: a site's libraries are drives of the core's drive
// store (the drive area serves them); the library's list holds the drive's
// id (_drive), and its list items mirror the drive's files and folders,
// numbered as they are first seen. Everything about a library's files
// (sites/{site}/drive/..., items/{id}/driveItem) is forwarded to the drive
// area.

// libraryColumns are the columns a document library adds to the built-in
// ones (its items are named by FileLeafRef; Title is optional there).
var libraryColumns = []builtinColumn{
	{id: "8553196d-ec8d-4564-9861-3dbe931050c8", name: "FileLeafRef", display: "Name", kind: kindText, readOnly: true, indexed: true},
	{id: "5d36727b-bcb2-47d2-a231-1f0bc63b7439", name: "DocIcon", display: "Type", kind: kindComputed, readOnly: true},
	{id: "78a07ba4-bda8-4357-9e0f-580d64487583", name: "FileSizeDisplay", display: "File Size", kind: kindComputed, readOnly: true},
}

// libraryDrive is the id of a library list's drive ("" for other lists).
func libraryDrive(list *core.Object) string { return core.Str(list.Data, "_drive") }

// siteDrives are the ids of a site's libraries' drives, the default first.
func siteDrives(s *core.Object) []string { return stringList(s.Data["_drives"]) }

// createLibrary makes a document library for site s: its drive (or the
// given one, a group's) and its list.
func createLibrary(ctx context.Context, tx *core.Tx, s *core.Object, title, description, driveID string, who caller, at time.Time) (*core.Object, error) {
	if driveID == "" {
		d, err := core.CreateDrive(ctx, tx, core.DriveSpec{
			ID:    core.DriveIDFor("site:" + s.ID + ":" + title),
			Owner: core.DriveOwner{Kind: core.DriveOwnerSite, ID: s.ID}, Name: title, DriveType: "documentLibrary",
			Description: description, Access: map[string]string{"everyone": "write"},
			WebPath: core.Str(s.Data, "_path") + "/" + urlName(title), Created: at,
			OwnerIdentity: map[string]any{"user": map[string]any{"displayName": "System Account"}},
		})
		if err != nil {
			return nil, err
		}
		driveID = d.ID
	}
	l, err := createListObjects(ctx, tx, s, core.SeedID("sharepoint", "library", driveID), title, description, templateLibrary, nil, who, at)
	if err != nil {
		return nil, err
	}
	l.Data["_drive"] = driveID
	if err := tx.Put(ctx, l); err != nil {
		return nil, err
	}
	s.Data["_drives"] = append(stringAny(siteDrives(s)), driveID)
	return l, putSite(ctx, tx, s)
}

func stringAny(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// refuseLibrary answers writes of list items that belong to the drive.
func refuseLibrary(st *listState) error {
	if libraryDrive(st.list) != "" {
		return invalid("Files and folders should only be added to a DocumentLibrary via the OneDrive API")
	}
	return nil
}

// syncLibrary brings a library's list items in line with its drive: a new
// file or folder gets the next item id, a changed one new fields, a
// deleted one loses its item. Custom column values are kept.
func syncLibrary(ctx context.Context, c *core.Call, siteRef, listRef string) error {
	return c.Store().Write(ctx, func(tx *core.Tx) error {
		s, err := resolveSite(ctx, tx, tenantHost(c.Domain()), siteRef)
		if err != nil {
			return err
		}
		l, err := findList(ctx, tx, s.ID, listRef)
		if err != nil || libraryDrive(l) == "" {
			return err
		}
		d, err := core.GetDrive(ctx, tx, libraryDrive(l))
		if err != nil {
			return err
		}
		files, err := tx.List(ctx, core.Scope{Collection: core.DriveItemsCollection, Owner: d.ID}, false, 0, 0)
		if err != nil {
			return err
		}
		items, err := tx.List(ctx, core.Scope{Collection: collItems, Owner: l.ID}, false, 0, 0)
		if err != nil {
			return err
		}
		byFile := map[string]*core.Object{}
		for _, it := range items {
			byFile[core.Str(it.Data, "_driveItem")] = it
		}
		seen := map[string]bool{}
		now := c.Now()
		for _, f := range files {
			if f.ID == d.RootID {
				continue
			}
			seen[f.ID] = true
			it := byFile[f.ID]
			if it != nil && core.Str(it.Data, "_fileETag") == core.Str(f.Data, "eTag") {
				continue
			}
			p, err := core.DriveItemPath(ctx, tx, f)
			if err != nil {
				return err
			}
			if it == nil {
				n := int(number(l.Data, "_nextItem", 1))
				l.Data["_nextItem"] = float64(n + 1)
				id := strconv.Itoa(n)
				doc := newItemDoc(s, l, id, core.SeedID("sharepoint", "libraryItem", l.ID, f.ID), map[string]any{}, "Document",
					caller{identity: identityOf(f.Data["createdBy"]), lookupID: appLookupID}, timeOf(f.Data["createdDateTime"], now))
				it = &core.Object{Collection: collItems, Owner: l.ID, ID: id, Data: doc, Created: now, Sort: itemSort(n)}
			} else {
				touchItem(it, caller{identity: identityOf(f.Data["lastModifiedBy"]), lookupID: appLookupID}, timeOf(f.Data["lastModifiedDateTime"], now))
			}
			fileFields(it, s, f, p)
			if err := tx.Put(ctx, it); err != nil {
				return err
			}
		}
		for _, it := range items {
			if !seen[core.Str(it.Data, "_driveItem")] {
				if err := tx.Delete(ctx, collItems, l.ID, it.ID); err != nil {
					return err
				}
			}
		}
		return tx.Put(ctx, l)
	})
}

// fileFields sets the fields a library item takes from its file.
func fileFields(it, s, f *core.Object, filePath string) {
	name := core.Str(f.Data, "name")
	folder := core.IsDriveFolder(f)
	fields := it.Data["fields"].(map[string]any)
	ct := "Document"
	if folder {
		ct = "Folder"
	}
	ext := strings.TrimPrefix(path.Ext(name), ".")
	size := int64(number(f.Data, "size", 0))
	for k, v := range map[string]any{
		"FileLeafRef": name, "LinkFilename": name, "LinkFilenameNoMenu": name, "ContentType": ct, "DocIcon": ext,
		"FileSizeDisplay": strconv.FormatInt(size, 10), "Created": core.Str(f.Data, "createdDateTime"),
		"Modified": core.Str(f.Data, "lastModifiedDateTime"),
	} {
		fields[k] = v
	}
	if folder {
		fields["DocIcon"] = ""
		fields["FileSizeDisplay"] = ""
	}
	it.Data["_driveItem"] = f.ID
	it.Data["_fileETag"] = core.Str(f.Data, "eTag")
	it.Data["webUrl"] = core.Str(s.Data, "webUrl") + escapePath(filePath)
	it.Data["contentType"] = map[string]any{"id": it.Data["contentType"].(map[string]any)["id"], "name": ct}
	it.Data["lastModifiedDateTime"] = core.Str(f.Data, "lastModifiedDateTime")
}

// escapePath escapes the segments of a drive path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = strings.ReplaceAll(s, " ", "%20")
	}
	return strings.Join(segs, "/")
}

// identityOf reads an identitySet of a drive item.
func identityOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{"user": map[string]any{"displayName": "System Account"}}
	}
	return m
}

// timeOf reads an instant of a drive item, else def.
func timeOf(v any, def time.Time) time.Time {
	s, _ := v.(string)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	return def
}

// Routes of a site's drives: everything is forwarded to the drive area.

// siteDriveID picks a site's drive: its default library, or the one named.
func siteDriveID(ctx context.Context, c *core.Call) (string, error) {
	s, err := site(ctx, c)
	if err != nil {
		return "", err
	}
	drives := siteDrives(s)
	want := c.Param("drive")
	if want == "" {
		if len(drives) == 0 {
			return "", notFound("The site has no document library.")
		}
		return drives[0], nil
	}
	for _, d := range drives {
		if d == want {
			return d, nil
		}
	}
	return "", core.DriveItemNotFound()
}

// forwardDrive serves sites/{site}/drive[/...] and
// sites/{site}/drives/{drive}[/...] as drives/{id}[/...].
func forwardDrive(ctx context.Context, c *core.Call) error {
	id, err := siteDriveID(ctx, c)
	if err != nil {
		return err
	}
	return c.Forward(ctx, append([]string{"drives", id}, c.Segments()...)...)
}

// listDrives answers GET sites/{site}/drives.
func listDrives(ctx context.Context, c *core.Call) error {
	s, err := site(ctx, c)
	if err != nil {
		return err
	}
	var out []any
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		for _, id := range siteDrives(s) {
			d, err := core.GetDrive(ctx, tx, id)
			if core.IsNotFound(err) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, c.PresentDrive(d))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if out == nil {
		out = []any{}
	}
	return c.WriteJSON(http.StatusOK, map[string]any{"@odata.context": c.RootURL() + "$metadata#drives", "value": out})
}

// listDrive answers sites/{site}/lists/{list}/drive[/...]: a library's drive.
func listDrive(ctx context.Context, c *core.Call) error {
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	id := libraryDrive(st.list)
	if id == "" {
		return invalid("The list '%s' is not a document library: it has no drive.", core.Str(st.list.Data, "displayName"))
	}
	return c.Forward(ctx, append([]string{"drives", id}, c.Segments()...)...)
}

// itemDriveItem answers .../items/{item}/driveItem[/...]: the file of a
// library item, served by the drive area.
func itemDriveItem(ctx context.Context, c *core.Call) error {
	if err := syncLibrary(ctx, c, c.Param("site"), c.Param("list")); err != nil {
		return err
	}
	st, err := readList(ctx, c)
	if err != nil {
		return err
	}
	drive := libraryDrive(st.list)
	if drive == "" {
		return invalid("The list '%s' is not a document library: its items have no driveItem.", core.Str(st.list.Data, "displayName"))
	}
	var file string
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		it, err := tx.Get(ctx, collItems, st.list.ID, c.Param("item"))
		if core.IsNotFound(err) {
			return errItemNotFound()
		}
		file = core.Str(it.Data, "_driveItem")
		return err
	})
	if err != nil {
		return err
	}
	return c.Forward(ctx, append([]string{"drives", drive, "items", file}, c.Segments()...)...)
}

// seedLibraries gives every demo site its Documents library (the group's
// drive for a group site) and the team site a budget workbook.
func seedLibraries(ctx context.Context, tx *core.Tx, s *core.Object, group string, at time.Time, budget []byte) error {
	driveID := ""
	if group != "" {
		d, err := core.EnsureGroupDrive(ctx, tx, group)
		if err != nil && !core.IsNotFound(err) {
			return err
		}
		if d != nil {
			driveID = d.ID
		}
	}
	system := caller{identity: map[string]any{"user": map[string]any{"displayName": "System Account"}}, lookupID: "1073741823"}
	l, err := createLibrary(ctx, tx, s, "Documents", "", driveID, system, at)
	if err != nil {
		return err
	}
	if budget == nil {
		return nil
	}
	d, err := core.GetDrive(ctx, tx, libraryDrive(l))
	if err != nil {
		return err
	}
	root, err := core.DriveItem(ctx, tx, d.ID, d.RootID)
	if err != nil {
		return err
	}
	content, err := core.WriteDriveBlob(ctx, tx, d.ID, strings.NewReader(string(budget)))
	if err != nil {
		return err
	}
	by := map[string]any{"user": map[string]any{"id": demo.UserID, "displayName": "Alice Adams"}}
	_, _, err = core.PutDriveFile(ctx, tx, d, root, "Budget.xlsx", core.ConflictFail, content,
		core.DriveChange{By: by, Now: at, ID: core.DriveItemIDFor("sharepoint:team:Budget.xlsx")})
	if err != nil {
		return fmt.Errorf("sharepoint: seed Budget.xlsx: %w", err)
	}
	return nil
}

// budgetWorkbook is the team site's demo workbook: a Budget table of items
// and amounts, and their total by formula.
func budgetWorkbook() ([]byte, error) {
	wb := workbook.New()
	defer wb.Close()
	r, err := wb.Range("Sheet1!A1:B4")
	if err != nil {
		return nil, err
	}
	err = r.Update(workbook.RangeUpdate{Values: workbook.Rows([][]any{{"Item", "Amount"}, {"Rent", 1200}, {"Travel", 300}, {"Tools", 150}})})
	if err != nil {
		return nil, err
	}
	t, err := wb.AddTable("", "Sheet1!A1:B4", true)
	if err != nil {
		return nil, err
	}
	name := "Budget"
	if _, err := wb.UpdateTable(t.Name, workbook.TableUpdate{Name: &name}); err != nil {
		return nil, err
	}
	total, err := wb.Range("Sheet1!D1:E1")
	if err != nil {
		return nil, err
	}
	if err := total.Update(workbook.RangeUpdate{Values: workbook.Rows([][]any{{"Total", nil}}), Formulas: workbook.Rows([][]any{{nil, "=SUM(B2:B100)"}})}); err != nil {
		return nil, err
	}
	return wb.Bytes()
}
