package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mattn/go-isatty"
	"github.com/rivo/uniseg"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Output writes a command's results to stdout: aligned tables for people, or
// JSON for scripts when --json is given. Messages for people (progress, notes,
// prompts) go to stderr through Notef and NewProgress.
type Output struct {
	out, err io.Writer
	errMu    sync.Mutex // Notef may be called from several goroutines (retry notices)
	json     bool       // --json
	tty      bool       // stdout is a terminal
	errTTY   bool       // stderr is a terminal
	color    bool       // stdout may carry ANSI colour
	width    int        // columns available to a table; 0 is unlimited
}

// newOutput looks at the writers to learn whether they are terminals, how
// wide stdout is, and whether colour is allowed (never with NO_COLOR, never
// on a pipe, never with TERM=dumb).
func newOutput(stdout, stderr io.Writer, jsonOut bool, getenv func(string) string) *Output {
	o := &Output{out: stdout, err: stderr, json: jsonOut}
	o.tty, o.width = terminal(stdout)
	o.errTTY, _ = terminal(stderr)
	o.color = o.tty && getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
	if !o.tty {
		if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
			o.width = n
		}
	}
	return o
}

// terminal reports whether w is a terminal and, if so, its width.
func terminal(w any) (bool, int) {
	f, ok := w.(*os.File)
	if !ok {
		return false, 0
	}
	fd := f.Fd()
	if !isatty.IsTerminal(fd) && !isatty.IsCygwinTerminal(fd) {
		return false, 0
	}
	width, _, err := term.GetSize(int(fd))
	if err != nil || width <= 0 {
		width = 80
	}
	return true, width
}

// Writer is stdout, for commands that stream raw bytes (a download, a MIME
// message).
func (o *Output) Writer() io.Writer { return o.out }

// JSONMode reports whether --json was given: print machine output only.
func (o *Output) JSONMode() bool { return o.json }

// IsTerminal reports whether stdout is a terminal.
func (o *Output) IsTerminal() bool { return o.tty }

// Print writes v as one JSON document with --json; otherwise it writes the
// table that table builds. This is the one call most commands need.
func (o *Output) Print(v any, table func() *Table) error {
	if o.json {
		return o.JSON(v)
	}
	return o.Table(table())
}

// JSON writes v as one JSON document (indented on a terminal, compact
// otherwise) followed by a newline.
func (o *Output) JSON(v any) error {
	var data []byte
	var err error
	if o.tty {
		data, err = json.MarshalIndent(v, "", "  ")
	} else {
		data, err = json.Marshal(v)
	}
	if err != nil {
		return fmt.Errorf("encoding JSON output: %w", err)
	}
	data = append(data, '\n')
	_, err = o.out.Write(data)
	return err
}

// JSONLine writes v as one compact JSON line: the streaming form of --json
// (one item per line), used for lists that are printed as they arrive.
func (o *Output) JSONLine(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding JSON output: %w", err)
	}
	_, err = o.out.Write(append(data, '\n'))
	return err
}

// Notef writes a message for people to stderr (never with the results, so
// pipes stay clean).
func (o *Output) Notef(format string, args ...any) {
	msg := fmt.Sprintf(format+"\n", args...)
	o.errMu.Lock()
	defer o.errMu.Unlock()
	io.WriteString(o.err, msg)
}

// ErrTerminal reports whether stderr is a terminal (a person watches it).
func (o *Output) ErrTerminal() bool { return o.errTTY }

// Table is rows of cells under a header, printed aligned.
type Table struct {
	Header []string
	Rows   [][]string
}

// NewTable returns a table with the given column names.
func NewTable(header ...string) *Table { return &Table{Header: header} }

// Add appends a row; cells are formatted with Cell.
func (t *Table) Add(cells ...any) {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = Cell(c)
	}
	t.Rows = append(t.Rows, row)
}

// Cell formats a value for a table: times in the local zone to the minute,
// nil as "", everything else with fmt.
func Cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		if x == nil {
			return ""
		}
		return *x
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Local().Format("2006-01-02 15:04")
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// KeyValues is a one-record table: "Key: value" lines, keys aligned.
func KeyValues(pairs ...[2]string) *Table {
	t := &Table{}
	for _, p := range pairs {
		t.Rows = append(t.Rows, []string{p[0] + ":", p[1]})
	}
	return t
}

// SetValues is KeyValues of the pairs whose value is not empty: a card
// shows what is known and leaves out the rest.
func SetValues(pairs ...[2]string) *Table {
	var kept [][2]string
	for _, p := range pairs {
		if p[1] != "" {
			kept = append(kept, p)
		}
	}
	return KeyValues(kept...)
}

const tableGap = 2

// Table prints t aligned in columns. On a terminal the widest columns are
// shortened (with "…") to fit its width; headers are bold when colour is
// allowed. Control characters in cells are replaced, so data cannot move the
// cursor or change the terminal.
func (o *Output) Table(t *Table) error {
	if t == nil {
		return nil
	}
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		return nil
	}
	rows := make([][]string, 0, len(t.Rows)+1)
	if len(t.Header) > 0 {
		h := make([]string, ncol)
		for i, c := range t.Header {
			h[i] = strings.ToUpper(sanitize(c))
		}
		rows = append(rows, h)
	}
	for _, r := range t.Rows {
		row := make([]string, ncol)
		for i, c := range r {
			row[i] = sanitize(c)
		}
		rows = append(rows, row)
	}
	widths := make([]int, ncol)
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], uniseg.StringWidth(c))
		}
	}
	fitWidths(widths, o.width)

	var buf bytes.Buffer
	for n, r := range rows {
		header := n == 0 && len(t.Header) > 0
		if header && o.color {
			buf.WriteString("\x1b[1m")
		}
		last := len(r) - 1
		for last > 0 && r[last] == "" {
			last--
		}
		for i := 0; i <= last; i++ {
			c := truncate(r[i], widths[i])
			buf.WriteString(c)
			if i < last {
				buf.WriteString(strings.Repeat(" ", widths[i]-uniseg.StringWidth(c)+tableGap))
			}
		}
		if header && o.color {
			buf.WriteString("\x1b[0m")
		}
		buf.WriteByte('\n')
	}
	_, err := o.out.Write(buf.Bytes())
	return err
}

// fitWidths shrinks the widest columns until the row fits in total columns
// (0 is unlimited). No column goes below a few characters.
func fitWidths(widths []int, total int) {
	if total <= 0 {
		return
	}
	const minWidth = 6
	sum := func() int {
		s := tableGap * (len(widths) - 1)
		for _, w := range widths {
			s += w
		}
		return s
	}
	for over := sum() - total; over > 0; over = sum() - total {
		widest := 0
		for i, w := range widths {
			if w > widths[widest] {
				widest = i
			}
		}
		if widths[widest] <= minWidth {
			return
		}
		second := 0
		for i, w := range widths {
			if i != widest && w > second {
				second = w
			}
		}
		cut := min(over, widths[widest]-max(second, minWidth))
		if cut <= 0 {
			cut = 1
		}
		widths[widest] -= cut
	}
}

// truncate shortens s to width display columns, ending with "…" when cut.
func truncate(s string, width int) string {
	if uniseg.StringWidth(s) <= width {
		return s
	}
	if width <= 1 {
		return "…"[:min(width*3, 3)]
	}
	var b strings.Builder
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		w := g.Width()
		if used+w > width-1 {
			break
		}
		b.WriteString(g.Str())
		used += w
	}
	b.WriteString("…")
	return b.String()
}

// sanitize makes a cell safe to print: control characters (newlines, tabs,
// escapes) become spaces, and characters that reorder or hide text
// (bidirectional controls such as U+202E, zero-width spaces: see
// isInvisible) are shown escaped as <U+202E>, so data can neither move the
// cursor nor disguise itself.
func sanitize(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return isControl(r) || isInvisible(r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case isControl(r):
			b.WriteByte(' ')
		case isInvisible(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// isInvisible reports characters that change how the text around them
// reads without showing themselves: Unicode's format characters (Cf), such
// as the bidirectional controls U+202A-U+202E and U+2066-U+2069 and the
// zero-width space, except the joiners U+200C and U+200D that scripts and
// emoji need. mail.SafeFileName drops the same ones from file names.
func isInvisible(r rune) bool {
	return r >= 0xad && unicode.Is(unicode.Cf, r) && r != 0x200c && r != 0x200d
}

// humanSize formats a byte count for a table: "512 B", "57 MB", "1.2 GB"
// (decimal units, as file managers show them).
func humanSize(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	for _, unit := range []string{"kB", "MB", "GB", "TB", "PB"} {
		v /= 1000
		if v < 999.5 || unit == "PB" {
			if v < 9.95 {
				return fmt.Sprintf("%.1f %s", v, unit)
			}
			return fmt.Sprintf("%.0f %s", v, unit)
		}
	}
	return fmt.Sprintf("%d B", n)
}

// Progress shows a transfer's progress on stderr when stderr is a terminal
// (and not with --json); otherwise every method does nothing. A nil *Progress
// is valid and does nothing.
type Progress struct {
	bar *progressbar.ProgressBar
}

// NewProgress starts a progress bar for total bytes (-1 when unknown) with a
// short description such as the file name. Call Finish when done.
func (o *Output) NewProgress(total int64, description string) *Progress {
	if !o.errTTY || o.json {
		return &Progress{}
	}
	errw := o.err
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(errw),
		progressbar.OptionSetDescription(sanitize(description)),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
		progressbar.OptionUseANSICodes(true),
	)
	return &Progress{bar: bar}
}

// Set records that done bytes of total are transferred. Its signature fits
// the library's progress callbacks: o365's transfers call it with 0 as they
// start, then with what the service has accepted. The rate is timed from
// the first call, so call it with 0 before the first byte goes out (as the
// library does): a first call after a chunk was sent would show that
// chunk as sent in no time.
func (p *Progress) Set(done, total int64) {
	if p == nil || p.bar == nil {
		return
	}
	p.bar.StartWithoutRender()
	if total > 0 && total != p.bar.GetMax64() {
		p.bar.ChangeMax64(total)
	}
	_ = p.bar.Set64(done)
}

// Add records n more bytes transferred.
func (p *Progress) Add(n int64) {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Add64(n)
}

// Reader wraps r so that reading from it advances the bar.
func (p *Progress) Reader(r io.Reader) io.Reader {
	if p == nil || p.bar == nil {
		return r
	}
	return &progressReader{r: r, p: p}
}

// Writer wraps w so that writing to it advances the bar.
func (p *Progress) Writer(w io.Writer) io.Writer {
	if p == nil || p.bar == nil {
		return w
	}
	return io.MultiWriter(w, p.bar)
}

// Finish clears the bar.
func (p *Progress) Finish() {
	if p == nil || p.bar == nil {
		return
	}
	_ = p.bar.Finish()
}

type progressReader struct {
	r io.Reader
	p *Progress
}

func (r *progressReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	r.p.Add(int64(n))
	return n, err
}
