package contentline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Scanner reads physical lines from untrusted input: it accepts LF or CRLF
// line ends and a leading UTF-8 byte order mark, numbers the lines from 1,
// and refuses a line longer than its limit before holding more of it in
// memory. Unfolding is the caller's job, because vCard 2.1 unfolds
// differently (quoted-printable soft breaks, base64 runs); Peek makes that
// one line of lookahead cheap.
type Scanner struct {
	r       *bufio.Reader
	maxLine int
	line    int   // number of the last line returned by Next
	offset  int64 // bytes consumed by the lines returned by Next
	started bool
	err     error // sticky: once reading failed, it keeps failing

	peeked   bool
	peekText string
	peekSize int
	peekErr  error
}

// NewScanner returns a Scanner over r that refuses lines longer than
// maxLine bytes (line end not counted).
func NewScanner(r io.Reader, maxLine int) *Scanner {
	return &Scanner{r: bufio.NewReaderSize(r, 64<<10), maxLine: maxLine}
}

// Next returns the next line without its line end and its number. At the
// end of input it returns io.EOF; any other error is about the line whose
// number it returns.
func (s *Scanner) Next() (string, int, error) {
	if !s.peeked {
		s.peekText, s.peekSize, s.peekErr = s.read()
	}
	s.peeked = false
	if s.peekErr != nil {
		if s.peekErr == io.EOF {
			return "", s.line, io.EOF
		}
		return "", s.line + 1, s.peekErr
	}
	s.line++
	s.offset += int64(s.peekSize)
	return s.peekText, s.line, nil
}

// Peek returns the line Next would return, and false at the end of input or
// on an error (which Next then reports).
func (s *Scanner) Peek() (string, bool) {
	if !s.peeked {
		s.peekText, s.peekSize, s.peekErr = s.read()
		s.peeked = true
	}
	return s.peekText, s.peekErr == nil
}

// Line returns the number of the last line Next returned.
func (s *Scanner) Line() int { return s.line }

// Offset returns how many bytes of input the lines Next returned took.
func (s *Scanner) Offset() int64 { return s.offset }

// ErrLineTooLong is wrapped by the error for a line over the limit.
var ErrLineTooLong = errors.New("line too long")

func (s *Scanner) read() (string, int, error) {
	if s.err != nil {
		return "", 0, s.err
	}
	var buf []byte
	size := 0
	for {
		chunk, err := s.r.ReadSlice('\n')
		size += len(chunk)
		if len(buf)+len(chunk) > s.maxLine+2 { // +2: the line end is not counted
			s.err = fmt.Errorf("%w: longer than the %d-byte limit", ErrLineTooLong, s.maxLine)
			return "", 0, s.err
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(buf) == 0 {
				s.err = io.EOF
				return "", 0, io.EOF
			}
			break
		}
		if err != nil {
			s.err = err
			return "", 0, err
		}
		break
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	if !s.started {
		s.started = true
		buf = bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf"))
	}
	if len(buf) > s.maxLine {
		s.err = fmt.Errorf("%w: longer than the %d-byte limit", ErrLineTooLong, s.maxLine)
		return "", 0, s.err
	}
	if bytes.IndexByte(buf, '\r') >= 0 {
		s.err = errors.New("carriage return not followed by a line feed (convert the line ends to CRLF or LF)")
		return "", 0, s.err
	}
	return string(buf), size, nil
}

// IsFolded reports whether a physical line continues the previous one
// (it starts with a space or a tab).
func IsFolded(line string) bool {
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")
}
