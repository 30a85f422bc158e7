package ical

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/o365go/o365/internal/contentline"
)

// The Reader's default limits: generous for real calendars, small enough
// that a hostile file cannot exhaust memory.
const (
	DefaultMaxLineBytes = 4 << 20  // one unfolded line (an inline ATTACH included)
	DefaultMaxBytes     = 64 << 20 // one top-level component, usually the VCALENDAR
	DefaultMaxDepth     = 8        // nesting: VCALENDAR > VEVENT > VALARM is 3
)

// Reader reads top-level components (usually one VCALENDAR) from an
// input. Set its limits, if the defaults do not suit, before the first
// Read.
type Reader struct {
	// MaxLineBytes caps one line, before and after unfolding.
	MaxLineBytes int
	// MaxBytes caps one top-level component's bytes in the input.
	MaxBytes int
	// MaxDepth caps the nesting of components.
	MaxDepth int

	src io.Reader
	sc  *contentline.Scanner
	err error
}

// NewReader returns a Reader with the default limits.
func NewReader(r io.Reader) *Reader {
	return &Reader{MaxLineBytes: DefaultMaxLineBytes, MaxBytes: DefaultMaxBytes, MaxDepth: DefaultMaxDepth, src: r}
}

// ReadAll reads every top-level component of r with the default limits.
// On any error it returns none.
func ReadAll(r io.Reader) ([]*Component, error) {
	return NewReader(r).ReadAll()
}

// ReadAll reads the remaining top-level components. On any error it
// returns none.
func (r *Reader) ReadAll() ([]*Component, error) {
	return contentline.Collect(r.Read)
}

// Read returns the next top-level component, or io.EOF when there is none.
// Errors are *Error values with a line number; after one, Read keeps
// returning it.
func (r *Reader) Read() (*Component, error) {
	if r.err != nil {
		return nil, r.err
	}
	c, err := r.read()
	if err != nil {
		r.err = err
	}
	return c, err
}

type open struct {
	c    *Component
	line int
}

func (r *Reader) read() (*Component, error) {
	if r.sc == nil {
		r.sc = contentline.NewScanner(r.src, r.MaxLineBytes)
	}
	start := r.sc.Offset()
	var stack []open
	for {
		l, n, err := r.next()
		if err == io.EOF {
			if len(stack) == 0 {
				return nil, io.EOF
			}
			top := stack[len(stack)-1]
			return nil, &Error{r.sc.Line(), fmt.Errorf("BEGIN:%s on line %d has no END:%s", top.c.Name, top.line, top.c.Name)}
		}
		if err != nil {
			return nil, err
		}
		if r.sc.Offset()-start > int64(r.MaxBytes) {
			return nil, &Error{n, fmt.Errorf("%w: the component begun on line %d is larger than %d bytes", ErrLimit, stack[0].line, r.MaxBytes)}
		}
		switch l.Name {
		case "BEGIN":
			name := strings.ToUpper(l.Value)
			if err := contentline.CheckName("component name", name); err != nil {
				return nil, &Error{n, err}
			}
			if len(stack) >= r.MaxDepth {
				return nil, &Error{n, fmt.Errorf("%w: components nested deeper than %d", ErrLimit, r.MaxDepth)}
			}
			c := &Component{Name: name}
			if len(stack) > 0 {
				parent := stack[len(stack)-1].c
				parent.Components = append(parent.Components, c)
			}
			stack = append(stack, open{c, n})
			continue
		case "END":
			if len(stack) == 0 {
				return nil, &Error{n, fmt.Errorf("END:%s without a BEGIN", l.Value)}
			}
			top := stack[len(stack)-1]
			if !strings.EqualFold(l.Value, top.c.Name) {
				return nil, &Error{n, fmt.Errorf("END:%s does not close BEGIN:%s on line %d", l.Value, top.c.Name, top.line)}
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return top.c, nil
			}
			continue
		}
		if len(stack) == 0 {
			return nil, &Error{n, fmt.Errorf("property %s outside a component (is BEGIN:VCALENDAR missing?)", l.Name)}
		}
		p, err := property(l)
		if err != nil {
			return nil, &Error{n, err}
		}
		top := stack[len(stack)-1].c
		top.Properties = append(top.Properties, p)
	}
}

func property(l contentline.Line) (Property, error) {
	p := Property{Name: l.Name, Value: l.Value}
	for _, lp := range l.Params {
		if lp.Values == nil {
			return p, fmt.Errorf("property %s: parameter %s has no value ('=' missing)", l.Name, lp.Name)
		}
		for _, v := range lp.Values {
			if err := contentline.CheckParamValue("parameter "+lp.Name, v); err != nil {
				return p, fmt.Errorf("property %s: %w", l.Name, err)
			}
		}
		p.Params.Add(lp.Name, lp.Values...)
	}
	if err := contentline.CheckValue("value", p.Value); err != nil {
		return p, fmt.Errorf("property %s: %w", l.Name, err)
	}
	return p, nil
}

// next returns the next unfolded line, blank lines skipped.
func (r *Reader) next() (contentline.Line, int, error) {
	var text string
	var start int
	for {
		t, n, err := r.sc.Next()
		if err != nil {
			return contentline.Line{}, n, r.wrap(n, err)
		}
		if strings.TrimSpace(t) == "" {
			continue
		}
		if contentline.IsFolded(t) {
			return contentline.Line{}, n, &Error{n, errors.New("continuation line (starting with white space) without a property before it")}
		}
		text, start = t, n
		break
	}
	var b strings.Builder
	b.WriteString(text)
	for {
		next, ok := r.sc.Peek()
		if !ok || !contentline.IsFolded(next) {
			break
		}
		if _, n, err := r.sc.Next(); err != nil {
			return contentline.Line{}, n, r.wrap(n, err)
		}
		b.WriteString(next[1:])
		if b.Len() > r.MaxLineBytes {
			return contentline.Line{}, start, &Error{start, fmt.Errorf("%w: the unfolded line is longer than %d bytes", ErrLimit, r.MaxLineBytes)}
		}
	}
	l, err := contentline.Parse(b.String(), false)
	if err != nil {
		return l, start, &Error{start, err}
	}
	return l, start, nil
}

func (r *Reader) wrap(n int, err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if errors.Is(err, contentline.ErrLineTooLong) {
		return &Error{n, fmt.Errorf("%w: line is longer than %d bytes", ErrLimit, r.MaxLineBytes)}
	}
	return &Error{n, err}
}
