// Package workbook is the sandbox's Excel engine: it opens an .xlsx held as
// bytes (Open, OpenBytes), answers Graph's workbook API on it with Graph's
// JSON shapes (Worksheet, RangeData, Table, TableRow, TableColumn,
// NamedItem, FunctionResult) and Graph's error codes (*Error), and writes
// the new file (Save) with every formula's result cached. It knows nothing
// of HTTP, drives or sessions; the drive area calls it in a few lines per
// route:
//
//	wb, err := workbook.Open(blob, size)
//	r, err := wb.SheetRange("Sheet1", "A1:C10")
//	err = r.Update(body)          // PATCH
//	data, err := r.Get()          // the answer
//	err = wb.Save(w)              // the item's new version
//
// Sessions belong to the area. A persistent session (persistChanges true)
// keeps its *Workbook in memory and saves it as the item's new version
// after each write (or on refresh/close), so later session-less reads see
// the changes. A non-persistent session keeps a *Workbook opened from the
// blob at createSession and never saves it: its edits live in that copy
// only and are discarded, with it, when the session closes or expires
// (about 5 minutes idle in Graph). Session-less calls open the blob, act,
// and save only when Changed reports a write. A Workbook is not safe for
// concurrent use, so the area holds one mutex per session.
//
// Known limits, from the spreadsheet library: defined names bound to
// constants can't be used inside formulas (they read #NAME?), structured
// table references in formulas are evaluated only as far as the library
// supports them, and error values typed into cells are stored as formulas
// yielding them (=NA()).
package workbook
