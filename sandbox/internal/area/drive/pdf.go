package drive

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// pdfSources are the extensions Graph converts to PDF (?format=pdf).
var pdfSources = map[string]bool{
	".doc": true, ".docx": true, ".epub": true, ".eml": true, ".htm": true, ".html": true, ".md": true, ".msg": true,
	".odp": true, ".ods": true, ".odt": true, ".pps": true, ".ppsx": true, ".ppt": true, ".pptx": true, ".rtf": true,
	".tif": true, ".tiff": true, ".xls": true, ".xlsm": true, ".xlsx": true,
}

// convertible reports whether Graph converts a file of that name to PDF.
func convertible(name string) bool { return pdfSources[extOf(name)] }

// extOf is a name's extension, lower-cased, with its dot.
func extOf(name string) string { return strings.ToLower(path.Ext(name)) }

// maxConvert bounds the bytes read for a conversion.
const maxConvert = 20 << 20

// servePDF renders a file as a PDF: its text where the sandbox can read it
// (Markdown, HTML, mail, RTF, and the text of Office Open XML and
// OpenDocument files), else its name and size.
func servePDF(ctx context.Context, c *core.Call, tok dlToken) error {
	blob, err := c.Store().OpenBlob(ctx, tok.Blob)
	if core.IsNotFound(err) {
		return core.DriveItemNotFound()
	}
	if err != nil {
		return err
	}
	title := strings.TrimSuffix(tok.Name, ".pdf")
	var text string
	if blob.Size() <= maxConvert {
		data, err := io.ReadAll(blob)
		if err != nil {
			return err
		}
		text = documentText(data)
	}
	if strings.TrimSpace(text) == "" {
		text = fmt.Sprintf("(%d bytes)", blob.Size())
	}
	out := renderPDF(title, text)
	c.W.Header().Set("Content-Type", "application/pdf")
	c.W.Header().Set("Content-Length", fmt.Sprint(len(out)))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(out)
	return err
}

var (
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	breakRE = regexp.MustCompile(`(?i)</(w:p|a:p|text:p|p|div|br|li|tr|h[1-6])>|<br\s*/?>`)
	rtfRE   = regexp.MustCompile(`\\[a-z]+-?\d* ?|[{}]`)
)

// documentText is the readable text of a file's bytes.
func documentText(data []byte) string {
	if r, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		return zipText(r)
	}
	s := string(data)
	switch {
	case strings.HasPrefix(s, "{\\rtf"):
		return rtfRE.ReplaceAllString(s, "")
	case strings.Contains(strings.ToLower(s[:min(len(s), 512)]), "<html"), strings.Contains(s, "</p>"):
		return xmlText(s)
	}
	return s
}

// zipText reads the text of an Office Open XML or OpenDocument file.
func zipText(r *zip.Reader) string {
	var names []string
	for _, f := range r.File {
		switch {
		case f.Name == "word/document.xml", f.Name == "content.xml", f.Name == "xl/sharedStrings.xml",
			strings.HasPrefix(f.Name, "ppt/slides/slide") && strings.HasSuffix(f.Name, ".xml"):
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		f, err := r.Open(name)
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(f, maxConvert))
		f.Close()
		if err == nil {
			b.WriteString(xmlText(string(data)))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// xmlText strips markup, keeping paragraph breaks.
func xmlText(s string) string {
	s = breakRE.ReplaceAllString(s, "\n")
	s = tagRE.ReplaceAllString(s, "")
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", "\"", "&apos;", "'", "&amp;", "&").Replace(s)
}

// renderPDF is a small, valid PDF: the title and the text in Helvetica,
// wrapped at 95 characters, 60 lines a page.
func renderPDF(title, text string) []byte {
	lines := []string{title, ""}
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimRight(l, " \t")
		for len([]rune(l)) > 95 {
			rs := []rune(l)
			lines = append(lines, string(rs[:95]))
			l = string(rs[95:])
		}
		lines = append(lines, l)
	}
	const perPage = 60
	var pages [][]string
	for len(lines) > 0 {
		n := min(perPage, len(lines))
		pages = append(pages, lines[:n])
		lines = lines[n:]
	}
	var buf bytes.Buffer
	offsets := []int{0}
	obj := func(body string) {
		offsets = append(offsets, buf.Len())
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", len(offsets)-1, body)
	}
	buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	kids := make([]string, len(pages))
	for i := range pages {
		kids[i] = fmt.Sprintf("%d 0 R", 4+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages)))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	for _, page := range pages {
		var content strings.Builder
		content.WriteString("BT /F1 10 Tf 12 TL 50 750 Td\n")
		for _, l := range page {
			content.WriteString("(" + pdfString(l) + ") Tj T*\n")
		}
		content.WriteString("ET")
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>", len(offsets)+1))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.String()))
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(offsets))
	for _, off := range offsets[1:] {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets), xref)
	return buf.Bytes()
}

// pdfString escapes a line for a PDF string literal; characters outside
// Latin-1 become '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '(' || r == ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r > 0xff:
			b.WriteByte('?')
		default:
			b.WriteByte(byte(r))
		}
	}
	return b.String()
}
