package ical

import (
	"fmt"
	"io"
	"strings"

	"github.com/o365go/o365/internal/contentline"
)

// Write writes components to w, usually one VCALENDAR: BEGIN:NAME, the
// properties in order, the child components, END:NAME; parameters in name
// order, quoted and caret-encoded (RFC 6868) where needed; lines folded at
// 75 octets without splitting a UTF-8 sequence; CRLF line ends. Values are
// written as they are (see Property.Value). Equal components give equal
// bytes.
//
// Each top-level component is checked before any of it is written: an
// invalid name or a value that cannot be written (a raw line break, a
// control character, invalid UTF-8) is an error naming where it is.
func Write(w io.Writer, cs ...*Component) error {
	return contentline.WriteEach(w, cs, "ical: ", "component", func(dst []byte, c *Component) ([]byte, error) {
		return appendComponent(dst, c, "")
	})
}

func appendComponent(dst []byte, c *Component, path string) ([]byte, error) {
	if c == nil {
		return dst, fmt.Errorf("%snil component", path)
	}
	name := strings.ToUpper(c.Name)
	if err := contentline.CheckName("component name", name); err != nil {
		return dst, fmt.Errorf("%s%w", path, err)
	}
	path += name + ": "
	dst = append(dst, "BEGIN:"+name+"\r\n"...)
	for i, p := range c.Properties {
		pname := strings.ToUpper(p.Name)
		if pname == "BEGIN" || pname == "END" {
			return dst, fmt.Errorf("%sproperty %d: %s is not a property", path, i+1, pname)
		}
		var err error
		dst, err = contentline.AppendLine(dst, "", pname, p.Params, p.Value)
		if err != nil {
			return dst, fmt.Errorf("%sproperty %d (%s): %w", path, i+1, pname, err)
		}
	}
	for _, sub := range c.Components {
		var err error
		dst, err = appendComponent(dst, sub, path)
		if err != nil {
			return dst, err
		}
	}
	return append(dst, "END:"+name+"\r\n"...), nil
}
