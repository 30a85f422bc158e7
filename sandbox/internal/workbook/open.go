package workbook

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Options bound what Open accepts from an untrusted file. The zero value
// means the defaults below.
type Options struct {
	// MaxFileSize is the largest .xlsx accepted, in bytes (default 100 MiB).
	MaxFileSize int64
	// MaxUnzippedSize bounds the sum of the parts' uncompressed sizes, which
	// is what refuses zip bombs (default 256 MiB).
	MaxUnzippedSize int64
	// MaxParts bounds the number of parts in the package (default 10,000).
	MaxParts int
	// MaxCells bounds the cells the spreadsheet library will hold in memory,
	// counted the way it lays sheets out: every row up to the last one used,
	// and in each row every column up to the last one used (default
	// 1,000,000, some 200 MB at most). A file that places one cell at
	// XFD1048576 is refused here.
	MaxCells int64
	// MaxRangeCells bounds the cells of one range whose cell-level
	// properties (values, text, formulas, numberFormat, valueTypes) are read
	// or written; larger ranges read those properties as null, as Graph does
	// past its limit, and refuse writes (default 1,000,000).
	MaxRangeCells int64
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = 100 << 20
	}
	if o.MaxUnzippedSize <= 0 {
		o.MaxUnzippedSize = 256 << 20
	}
	if o.MaxParts <= 0 {
		o.MaxParts = 10000
	}
	if o.MaxCells <= 0 {
		o.MaxCells = 1_000_000
	}
	if o.MaxRangeCells <= 0 {
		o.MaxRangeCells = 1_000_000
	}
	return o
}

// Workbook is an open .xlsx held in memory. It is not safe for concurrent
// use: callers serialise the calls on one workbook (the sandbox keeps one
// per session behind a mutex).
type Workbook struct {
	f    *excelize.File
	opts Options

	// extents over-approximates each sheet's used area (by sheetId), so
	// reads, used ranges and scans never walk the whole 1M x 16K grid.
	extents map[int]*extent
	// formulas indexes the formula cells of each sheet (by sheetId), kept
	// up to date by every write, so saving and shifting need not scan cells.
	formulas map[int]map[cellPos]struct{}

	scratch string // name of the hidden evaluation sheet while it exists
	changed bool   // something was written since Open
}

// extent is a sheet's bounding box of possibly used cells; zero when empty.
type extent struct{ rows, cols int }

func (e *extent) include(row, col int) {
	e.rows, e.cols = max(e.rows, row), max(e.cols, col)
}

// cellPos is a cell's position, 1-based.
type cellPos struct{ row, col int32 }

func pos(row, col int) cellPos { return cellPos{int32(row), int32(col)} }

// Open reads an .xlsx of the given size from r. It refuses, with an
// UnsupportedWorkbook *Error, what is not a readable .xlsx and what exceeds
// opts (zip bombs, absurd dimensions) before the spreadsheet library
// allocates anything for it.
func Open(r io.ReaderAt, size int64, opts ...Options) (*Workbook, error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	o = o.withDefaults()
	if size > o.MaxFileSize {
		return nil, unsupportedWorkbook("The file is %d bytes; the limit is %d.", size, o.MaxFileSize)
	}
	scan, err := prescan(r, size, o)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    o.MaxUnzippedSize,
		UnzipXMLSizeLimit: o.MaxUnzippedSize, // keep every part in memory: no temp files
	})
	if err != nil {
		return nil, unsupportedWorkbook("It is not a readable .xlsx workbook: %v.", err)
	}
	if len(f.GetSheetList()) == 0 {
		_ = f.Close()
		return nil, unsupportedWorkbook("It has no worksheet.")
	}
	wb := &Workbook{f: f, opts: o, extents: map[int]*extent{}, formulas: map[int]map[cellPos]struct{}{}}
	for name, s := range scan {
		id := wb.sheetID(name)
		if id == 0 {
			continue
		}
		wb.extents[id] = &extent{rows: s.rows, cols: s.cols}
		wb.formulas[id] = s.formulas
	}
	if err := wb.unshareFormulas(scan); err != nil {
		_ = f.Close()
		return nil, err
	}
	return wb, nil
}

// OpenBytes opens an .xlsx held in memory.
func OpenBytes(b []byte, opts ...Options) (*Workbook, error) {
	return Open(bytes.NewReader(b), int64(len(b)), opts...)
}

// New returns an empty workbook with one worksheet, Sheet1.
func New(opts ...Options) *Workbook {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	return &Workbook{f: excelize.NewFile(), opts: o.withDefaults(),
		extents: map[int]*extent{}, formulas: map[int]map[cellPos]struct{}{}}
}

// Close releases the workbook. It is safe to call more than once.
func (wb *Workbook) Close() error {
	if wb.f == nil {
		return nil
	}
	err := wb.f.Close()
	wb.f = nil
	return err
}

// Changed reports whether anything was written since Open (or New).
func (wb *Workbook) Changed() bool { return wb.changed }

// sheetScan is what prescan learns of one worksheet part.
type sheetScan struct {
	rows, cols int
	formulas   map[cellPos]struct{}
	shared     bool // holds shared formulas, which unshareFormulas rewrites
}

// prescan checks the package against the limits and reads every worksheet
// once with a streaming decoder, returning per sheet name its extent and
// formula cells.
func prescan(r io.ReaderAt, size int64, o Options) (map[string]*sheetScan, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, unsupportedWorkbook("It is not an .xlsx (zip) package: %v. Encrypted workbooks and .xls files are not supported.", err)
	}
	if len(zr.File) > o.MaxParts {
		return nil, unsupportedWorkbook("The package has %d parts; the limit is %d.", len(zr.File), o.MaxParts)
	}
	var total uint64
	parts := map[string]*zip.File{}
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(o.MaxUnzippedSize) {
			return nil, unsupportedWorkbook("Its parts unpack to more than %d bytes (a zip bomb or a workbook too large for the sandbox).", o.MaxUnzippedSize)
		}
		parts[strings.ToLower(strings.ReplaceAll(zf.Name, `\`, "/"))] = zf
	}
	sheets, err := sheetParts(parts)
	if err != nil {
		return nil, err
	}
	out := map[string]*sheetScan{}
	var cells int64
	for name, p := range sheets {
		zf := parts[strings.ToLower(p)]
		if zf == nil {
			continue // a chartsheet or a missing part: excelize decides
		}
		s, n, err := scanSheet(zf, o.MaxCells-cells)
		if err != nil {
			var we *Error
			if errors.As(err, &we) {
				return nil, unsupportedWorkbook("Worksheet %q: %s", name, strings.TrimPrefix(we.Message, "The workbook can't be opened. "))
			}
			return nil, unsupportedWorkbook("Worksheet %q can't be read: %v.", name, err)
		}
		cells += n
		out[name] = s
	}
	return out, nil
}

// sheetParts maps sheet names to their part paths through workbook.xml and
// its relationships.
func sheetParts(parts map[string]*zip.File) (map[string]string, error) {
	var wbx struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodePart(parts["xl/workbook.xml"], &wbx); err != nil {
		return nil, unsupportedWorkbook("xl/workbook.xml is missing or damaged: %v.", err)
	}
	if err := decodePart(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		return nil, unsupportedWorkbook("xl/_rels/workbook.xml.rels is missing or damaged: %v.", err)
	}
	targets := map[string]string{}
	for _, r := range rels.Rel {
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wbx.Sheets {
		for _, a := range s.Attrs {
			if a.Name.Local == "id" {
				if t, ok := targets[a.Value]; ok {
					out[s.Name] = t
				}
			}
		}
	}
	return out, nil
}

func decodePart(zf *zip.File, v any) error {
	if zf == nil {
		return errors.New("part not found")
	}
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// scanSheet streams one worksheet part, counting the cells the library will
// lay out (rows up to the last, columns up to each row's last) and stopping
// as soon as budget is exceeded.
func scanSheet(zf *zip.File, budget int64) (*sheetScan, int64, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, 0, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	s := &sheetScan{formulas: map[cellPos]struct{}{}}
	var (
		row, col, rowMaxCol int
		laidOut             int64
		inCell              bool
		cellHasF            bool
	)
	endRow := func() error {
		laidOut += int64(rowMaxCol)
		if laidOut+int64(s.rows) > budget {
			return unsupportedWorkbook("it lays out more than the %d cells the sandbox holds in memory (its last used row is %d).", budget, s.rows)
		}
		return nil
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row++
				col, rowMaxCol = 0, 0
				if v := attr(t, "r"); v != "" {
					n, err := strconv.Atoi(v)
					if err != nil || n < 1 || n > MaxRows {
						return nil, 0, unsupportedWorkbook("row number %q is out of range.", v)
					}
					row = n
				}
				s.rows = max(s.rows, row)
				if int64(s.rows) > budget {
					return nil, 0, unsupportedWorkbook("its rows go to %d, beyond the %d cells the sandbox holds in memory.", row, budget)
				}
			case "c":
				col++
				if v := attr(t, "r"); v != "" {
					c, r, ok := parseCell(v)
					if !ok {
						return nil, 0, unsupportedWorkbook("cell reference %q is not valid.", v)
					}
					col = c
					if r != row && row != 0 {
						row = r
					}
				}
				if col > MaxColumns {
					return nil, 0, unsupportedWorkbook("a cell lies beyond column XFD.")
				}
				rowMaxCol = max(rowMaxCol, col)
				s.cols = max(s.cols, col)
				inCell, cellHasF = true, false
			case "f":
				if inCell {
					cellHasF = true
					if attr(t, "t") == "shared" {
						s.shared = true
					}
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				if err := endRow(); err != nil {
					return nil, 0, err
				}
			case "c":
				if cellHasF && row > 0 {
					s.formulas[pos(row, col)] = struct{}{}
				}
				inCell = false
			}
		}
	}
	return s, laidOut + int64(s.rows), nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
