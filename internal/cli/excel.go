package cli

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/excel"
)

// fileHelp says how a FILE argument is written.
const fileHelp = "FILE is a path in the drive of --resource (your OneDrive, or a site's library with\n" +
	"--resource sharepoint:HOST:/sites/NAME), such as /Reports/Q3.xlsx, or a drive item id."

// newExcelCommand is `o365 excel ...`.
func newExcelCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "excel",
		Short: "Read and write Excel workbooks in OneDrive and SharePoint",
		Long:  "Read and write Excel workbooks in OneDrive and SharePoint libraries.\n" + fileHelp,
	}
	cmd.AddCommand(newExcelSheetsCommand(s), newExcelGetCommand(s), newExcelSetCommand(s),
		newExcelTablesCommand(s), newExcelAppendCommand(s))
	return cmd
}

// isItemID tells a drive item id from a path: paths have a '/' or an
// extension.
func isItemID(file string) bool {
	return !strings.Contains(file, "/") && path.Ext(file) == ""
}

// openWorkbook opens FILE without a session: each command makes one or two
// calls, which a session would only slow down.
func openWorkbook(ctx context.Context, s *Session, file string) (*excel.Workbook, error) {
	file = strings.TrimSpace(file)
	if file == "" {
		return nil, UsageError("FILE is empty: give a drive path such as /Reports/Q3.xlsx, or an item id")
	}
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	if acct.Resource().Kind() == o365.KindPath && !strings.HasPrefix(acct.Resource().String(), "drives/") {
		return nil, UsageError("--resource %s has no drive: use me, a user, a group or a site", acct.Resource())
	}
	opts := &excel.Options{Session: excel.SessionNone}
	if isItemID(file) {
		return excel.OpenItem(ctx, acct, file, opts)
	}
	return excel.OpenPath(ctx, acct, file, opts)
}

// notFoundHint adds where to look when FILE, a sheet or a table is missing.
func notFoundHint(err error, file string) error {
	if isNotFound(err) {
		return WithHint(err, fmt.Sprintf("check FILE (%s) and the sheet or table name: \"o365 excel sheets %s\" lists the sheets", file, file))
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, o365.ErrNotFound) }

func newExcelSheetsCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "sheets FILE",
		Short:   "List a workbook's worksheets",
		Example: "  o365 excel sheets /Reports/Q3.xlsx\n  o365 --resource sharepoint:contoso.sharepoint.com:/sites/team excel sheets /Budget.xlsx",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			wb, err := openWorkbook(ctx, s, args[0])
			if err != nil {
				return err
			}
			sheets, err := o365.Collect(wb.ListWorksheets(ctx))
			if err != nil {
				return notFoundHint(err, args[0])
			}
			return s.Out().Print(sheets, func() *Table {
				t := NewTable("#", "Sheet", "Visibility")
				for _, ws := range sheets {
					t.Add(ws.Position, ws.Name, ws.Visibility)
				}
				return t
			})
		},
	}
}

// resolveAddress makes RANGE a workbook-level address: "A1:C10" alone is
// on the first worksheet.
func resolveAddress(ctx context.Context, wb *excel.Workbook, address string) (string, error) {
	if strings.Contains(address, "!") || !looksLikeAddress(address) {
		return address, nil
	}
	for ws, err := range wb.ListWorksheets(ctx) {
		if err != nil {
			return "", err
		}
		return quoteSheet(ws.Name) + "!" + address, nil
	}
	return "", fmt.Errorf("the workbook has no worksheet")
}

// looksLikeAddress reports whether s is an A1 address (A1, A1:C4, A:C, 2:4).
func looksLikeAddress(s string) bool {
	for _, part := range strings.Split(strings.ReplaceAll(s, "$", ""), ":") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// quoteSheet quotes a sheet name for an address when it needs it.
func quoteSheet(name string) string {
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return "'" + strings.ReplaceAll(name, "'", "''") + "'"
		}
	}
	return name
}

func newExcelGetCommand(s *Session) *cobra.Command {
	var asCSV bool
	cmd := &cobra.Command{
		Use:   "get FILE RANGE",
		Short: "Print a range's values: a table, CSV with --csv, JSON with --json",
		Long: "Print a range's values. RANGE is an address such as Sheet1!A1:C10, Sheet1!A:C, a defined\n" +
			"name, or A1:C10 on the first worksheet. The table shows the cells as Excel displays\n" +
			"them; --csv writes their values; --json the whole range (values, formulas, formats).\n" + fileHelp,
		Example: "  o365 excel get /Budget.xlsx Sheet1!A1:B4\n  o365 excel get /Budget.xlsx A1:E4 --csv > budget.csv",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asCSV && s.Out().JSONMode() {
				return UsageError("give --csv or --json, not both")
			}
			ctx := cmd.Context()
			wb, err := openWorkbook(ctx, s, args[0])
			if err != nil {
				return err
			}
			address, err := resolveAddress(ctx, wb, args[1])
			if err != nil {
				return notFoundHint(err, args[0])
			}
			r, err := wb.GetRange(ctx, address)
			if err != nil {
				return notFoundHint(err, args[0])
			}
			if r.Values == nil && !s.Out().JSONMode() {
				return WithHint(UsageError("%s is whole rows or columns: the service sends no cell values for it", r.Address),
					"give a bounded range such as A1:C100")
			}
			if asCSV {
				w := csv.NewWriter(s.Out().Writer())
				for _, row := range r.Values {
					rec := make([]string, len(row))
					for i, v := range row {
						rec[i] = v.String()
					}
					if err := w.Write(rec); err != nil {
						return err
					}
				}
				w.Flush()
				return w.Error()
			}
			return s.Out().Print(r, func() *Table {
				t := NewTable(columnLetters(r)...)
				for i, row := range r.Text {
					cells := []any{strconv.Itoa(r.RowIndex + i + 1)}
					for _, c := range row {
						cells = append(cells, c)
					}
					t.Add(cells...)
				}
				return t
			})
		},
	}
	cmd.Flags().BoolVar(&asCSV, "csv", false, "write the values as CSV")
	return cmd
}

// columnLetters is the header of a range's table: the row number column and
// the column letters.
func columnLetters(r *excel.Range) []string {
	out := []string{""}
	for i := range r.ColumnCount {
		out = append(out, columnName(r.ColumnIndex+i+1))
	}
	return out
}

// columnName is Excel's name of column n (1 is A).
func columnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

func newExcelSetCommand(s *Session) *cobra.Command {
	var values, fromCSV string
	cmd := &cobra.Command{
		Use:   "set FILE RANGE (--values CSV | --from-csv FILE)",
		Short: "Write values into a range (numbers, text and =formulas, as typed in Excel)",
		Long: "Write values into a range, one CSV record per row. Each value is read as Excel reads\n" +
			"typing: 12 is a number, =B2*2 a formula, TRUE a boolean. RANGE may be the top-left cell\n" +
			"alone: the range then takes the data's size. An empty field leaves its cell as it is.\n" + fileHelp,
		Example: "  o365 excel set /Budget.xlsx Sheet1!A6 --values 'Training,500'\n" +
			"  o365 excel set /Budget.xlsx Sheet1!G1 --values $'Q1,Q2\\n10,=G2*2'\n" +
			"  o365 excel set /Budget.xlsx Sheet1!A1 --from-csv data.csv",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var src io.Reader
			switch {
			case values != "":
				src = strings.NewReader(values)
			case fromCSV == "-":
				src = s.Stdin()
			default:
				f, err := os.Open(fromCSV)
				if err != nil {
					return UsageError("--from-csv: %v", err)
				}
				defer f.Close()
				src = f
			}
			rows, err := readCSV(src)
			if err != nil {
				return UsageError("the values are not CSV: %v", err)
			}
			ctx := cmd.Context()
			wb, err := openWorkbook(ctx, s, args[0])
			if err != nil {
				return err
			}
			address, err := resolveAddress(ctx, wb, args[1])
			if err != nil {
				return notFoundHint(err, args[0])
			}
			address = fitAddress(address, len(rows), len(rows[0]))
			r, err := wb.UpdateRange(ctx, address, excel.RangeUpdate{Values: rows})
			if err != nil {
				return notFoundHint(err, args[0])
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(r)
			}
			s.Out().Notef("wrote %d cells to %s", r.CellCount, r.Address)
			return nil
		},
	}
	cmd.Flags().StringVar(&values, "values", "", "the values as CSV, one record per row")
	cmd.Flags().StringVar(&fromCSV, "from-csv", "", "a CSV file of the values (- for stdin)")
	cmd.MarkFlagsOneRequired("values", "from-csv")
	cmd.MarkFlagsMutuallyExclusive("values", "from-csv")
	return cmd
}

// readCSV reads CSV records as cell values, padding short records with
// cells left as they are.
func readCSV(r io.Reader) ([][]excel.Value, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	records, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(records) == 0 {
		return nil, fmt.Errorf("no rows")
	}
	width := 0
	for _, rec := range records {
		width = max(width, len(rec))
	}
	out := make([][]excel.Value, len(records))
	for i, rec := range records {
		out[i] = make([]excel.Value, width)
		for j := range width {
			switch {
			case j >= len(rec) || rec[j] == "":
				out[i][j] = excel.Unchanged()
			default:
				out[i][j] = excel.Text(rec[j])
			}
		}
	}
	return out, nil
}

// fitAddress turns a single cell address (Sheet1!B2) into the range of
// rows x cols starting there; other addresses stay.
func fitAddress(address string, rows, cols int) string {
	sheet, cell, ok := strings.Cut(address, "!")
	if !ok {
		return address
	}
	i := 0
	for i < len(cell) && (cell[i] >= 'A' && cell[i] <= 'Z' || cell[i] >= 'a' && cell[i] <= 'z') {
		i++
	}
	col := 0
	for _, r := range strings.ToUpper(cell[:i]) {
		col = col*26 + int(r-'A'+1)
	}
	row, err := strconv.Atoi(cell[i:])
	if i == 0 || i > 3 || err != nil || row < 1 {
		return address
	}
	return fmt.Sprintf("%s!%s:%s%d", sheet, cell, columnName(col+cols-1), row+rows-1)
}

func newExcelTablesCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:     "tables FILE",
		Short:   "List a workbook's tables",
		Example: "  o365 excel tables /Budget.xlsx",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			wb, err := openWorkbook(ctx, s, args[0])
			if err != nil {
				return err
			}
			tables, err := o365.Collect(wb.ListTables(ctx))
			if err != nil {
				return notFoundHint(err, args[0])
			}
			type row struct {
				t     *excel.Table
				rng   string
				count int
			}
			var rows []row
			for _, t := range tables {
				r, err := t.GetRange(ctx)
				if err != nil {
					return err
				}
				n := r.RowCount
				if t.ShowHeaders {
					n--
				}
				if t.ShowTotals {
					n--
				}
				rows = append(rows, row{t, r.Address, n})
			}
			return s.Out().Print(tables, func() *Table {
				tb := NewTable("Table", "Range", "Rows", "Style")
				for _, r := range rows {
					tb.Add(r.t.Name, r.rng, r.count, r.t.Style)
				}
				return tb
			})
		},
	}
}

func newExcelAppendCommand(s *Session) *cobra.Command {
	var rows []string
	cmd := &cobra.Command{
		Use:   "append FILE TABLE --row a,b,c...",
		Short: "Append rows to a table (values as typed in Excel)",
		Example: "  o365 excel append /Budget.xlsx Budget --row Training,500 --row Books,80\n" +
			"  o365 --resource sharepoint:contoso.sharepoint.com:/sites/team excel append /Budget.xlsx Budget --row '\"Desk, chair\",450'",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var values [][]excel.Value
			for _, r := range rows {
				rec, err := readCSV(strings.NewReader(r))
				if err != nil || len(rec) != 1 {
					return UsageError("--row %q: write one CSV record, such as a,b,c", r)
				}
				for i, v := range rec[0] {
					if v.Kind() == excel.KindUnchanged {
						rec[0][i] = excel.Blank()
					}
				}
				values = append(values, rec[0])
			}
			ctx := cmd.Context()
			wb, err := openWorkbook(ctx, s, args[0])
			if err != nil {
				return err
			}
			first, err := wb.Table(args[1]).AddRows(ctx, values)
			if err != nil {
				if isNotFound(err) {
					return WithHint(err, fmt.Sprintf("list the tables with \"o365 excel tables %s\"", args[0]))
				}
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(first)
			}
			s.Out().Notef("appended %d rows to %s (rows %d to %d)", len(values), args[1], first.Index+1, first.Index+len(values))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&rows, "row", nil, "a row as one CSV record (repeat for more)")
	_ = cmd.MarkFlagRequired("row")
	return cmd
}
