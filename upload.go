package o365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
)

// Chunk sizes of the two upload-session protocols.
const (
	// oneDriveChunkUnit is the multiple OneDrive requires for every chunk but
	// the last.
	oneDriveChunkUnit  = 320 << 10
	oneDriveChunkSize  = 32 * oneDriveChunkUnit // 10 MiB
	oneDriveChunkLimit = 191 * oneDriveChunkUnit
	// outlookChunkSize stays under the 4 MB Microsoft recommends for
	// attachment sessions.
	outlookChunkSize = 3 << 20
)

// UploadKind selects the upload-session protocol.
type UploadKind int

const (
	// UploadOneDrive is OneDrive and SharePoint's protocol: chunks in
	// multiples of 320 KiB, 202 with nextExpectedRanges ["N-"], the driveItem
	// in the final 200 or 201.
	UploadOneDrive UploadKind = iota
	// UploadOutlook is the large-attachment protocol: chunks under 4 MB, 200
	// with NextExpectedRanges ["N"], a final 201 with Location and no body.
	UploadOutlook
)

// UploadSession is what createUploadSession returns; decode its answer into
// one (any key case is accepted).
type UploadSession struct {
	// UploadURL is pre-authenticated: it receives no Authorization header and
	// must be kept as secret as a token.
	UploadURL          string    `json:"uploadUrl"`
	ExpirationDateTime time.Time `json:"expirationDateTime"`
	NextExpectedRanges []string  `json:"nextExpectedRanges"`
}

// UnmarshalJSON accepts the session in either key case and the service's date
// formats, some of which omit the zone.
func (s *UploadSession) UnmarshalJSON(b []byte) error {
	var w struct {
		UploadURL          string   `json:"uploadUrl"`
		ExpirationDateTime string   `json:"expirationDateTime"`
		NextExpectedRanges []string `json:"nextExpectedRanges"`
	}
	if err := json.Unmarshal(b, &w, decodeOptions); err != nil {
		return err
	}
	*s = UploadSession{UploadURL: w.UploadURL, NextExpectedRanges: w.NextExpectedRanges}
	if w.ExpirationDateTime != "" {
		s.ExpirationDateTime = parseGraphDate(w.ExpirationDateTime)
	}
	return nil
}

// UploadOptions tunes an upload. The zero value uploads with OneDrive's
// protocol in 10 MiB chunks.
type UploadOptions struct {
	Kind UploadKind
	// ChunkSize is the bytes per PUT. For OneDrive it is rounded down to a
	// multiple of 320 KiB (at least 320 KiB, at most 191 times that, under
	// the 60 MiB limit); default 10 MiB. For Outlook the default is 3 MiB.
	ChunkSize int64
	// Progress, if set, is called with the bytes the service holds and the
	// total: once as the first chunk is about to be sent (so a rate can be
	// timed from there), then after every chunk the service accepts.
	Progress func(sent, total int64)
	// KeepSession leaves the session open when the upload fails or ctx ends,
	// to resume it later with ResumeUpload; by default it is deleted.
	KeepSession bool
}

// UploadResult is the service's final answer.
type UploadResult struct {
	StatusCode int
	// Location is the created item's URL; Outlook sends it for attachments
	// (its last segment holds the attachment id) and no body.
	Location string
	Header   http.Header
}

// Upload sends size bytes of r to an upload session and decodes the created
// item into out (nil discards it). Chunks go to the pre-authenticated URL
// without the bearer token, each read from r through an io.SectionReader so
// memory stays constant whatever the size. After a failed chunk (transport
// error, 429, 5xx) or an overlap (416) the session's status says where to
// go on, within the account's RetryPolicy. When the upload fails or ctx ends
// the session is deleted unless opts.KeepSession.
func (a *Account) Upload(ctx context.Context, session *UploadSession, r io.ReaderAt, size int64, opts UploadOptions, out any) (*UploadResult, error) {
	if session == nil || session.UploadURL == "" {
		return nil, errors.New("o365: upload: no upload URL")
	}
	start := int64(0)
	if len(session.NextExpectedRanges) > 0 {
		var err error
		if start, err = rangeStart(session.NextExpectedRanges, size); err != nil {
			return nil, err
		}
	}
	return a.upload(ctx, session.UploadURL, start, readerAtSource{r}, size, opts, out)
}

// UploadFrom is Upload for a reader that cannot seek: it holds one chunk in
// memory at a time, so it can resume only within the current chunk or
// forward.
func (a *Account) UploadFrom(ctx context.Context, session *UploadSession, r io.Reader, size int64, opts UploadOptions, out any) (*UploadResult, error) {
	if session == nil || session.UploadURL == "" {
		return nil, errors.New("o365: upload: no upload URL")
	}
	chunk, err := opts.chunkSize()
	if err != nil {
		return nil, err
	}
	src := &streamSource{r: r, buf: make([]byte, min(chunk, max(size, 0)))}
	start := int64(0)
	if len(session.NextExpectedRanges) > 0 {
		if start, err = rangeStart(session.NextExpectedRanges, size); err != nil {
			return nil, err
		}
	}
	return a.upload(ctx, session.UploadURL, start, src, size, opts, out)
}

// ResumeUpload continues an upload session started earlier, perhaps by
// another process: it asks the session which bytes it still expects and
// uploads them from r, which must hold the whole content.
func (a *Account) ResumeUpload(ctx context.Context, uploadURL string, r io.ReaderAt, size int64, opts UploadOptions, out any) (*UploadResult, error) {
	st, err := a.UploadStatus(ctx, uploadURL)
	if err != nil {
		return nil, err
	}
	if len(st.NextExpectedRanges) == 0 {
		return nil, errors.New("o365: upload: the session expects no more bytes; it may have completed")
	}
	st.UploadURL = uploadURL
	return a.Upload(ctx, st, r, size, opts, out)
}

// UploadStatus asks an upload session which bytes it still expects.
func (a *Account) UploadStatus(ctx context.Context, uploadURL string) (*UploadSession, error) {
	var s UploadSession
	if _, err := a.Do(ctx, &Request{Method: http.MethodGet, Path: uploadURL, NoAuth: true}, &s); err != nil {
		return nil, fmt.Errorf("o365: upload status: %w", err)
	}
	return &s, nil
}

// CancelUpload deletes an upload session and the bytes it holds.
func (a *Account) CancelUpload(ctx context.Context, uploadURL string) error {
	if _, err := a.Do(ctx, &Request{Method: http.MethodDelete, Path: uploadURL, NoAuth: true}, nil); err != nil {
		return fmt.Errorf("o365: cancelling the upload: %w", err)
	}
	return nil
}

func (o UploadOptions) chunkSize() (int64, error) {
	n := o.ChunkSize
	switch o.Kind {
	case UploadOutlook:
		if n <= 0 {
			n = outlookChunkSize
		}
		return n, nil
	case UploadOneDrive:
		if n == 0 {
			return oneDriveChunkSize, nil
		}
		if n < oneDriveChunkUnit {
			return 0, fmt.Errorf("o365: upload: chunk size %d is under OneDrive's 320 KiB unit", n)
		}
		return min(n-n%oneDriveChunkUnit, oneDriveChunkLimit), nil
	}
	return 0, fmt.Errorf("o365: upload: unknown kind %d", o.Kind)
}

// chunkSource hands out the bytes of one chunk as a replayable body.
type chunkSource interface {
	section(off, n int64) (io.ReadSeeker, error)
}

type readerAtSource struct{ r io.ReaderAt }

func (s readerAtSource) section(off, n int64) (io.ReadSeeker, error) {
	return io.NewSectionReader(s.r, off, n), nil
}

// streamSource buffers the window [start, start+len(data)) of a plain reader.
type streamSource struct {
	r     io.Reader
	buf   []byte
	data  []byte
	start int64
}

func (s *streamSource) section(off, n int64) (io.ReadSeeker, error) {
	end := s.start + int64(len(s.data))
	switch {
	case off < s.start:
		return nil, fmt.Errorf("o365: upload: the service wants byte %d again but the reader is past %d; use Upload with an io.ReaderAt to resume", off, s.start)
	case off >= end:
		if _, err := io.CopyN(io.Discard, s.r, off-end); err != nil {
			return nil, fmt.Errorf("o365: upload: reading the content: %w", err)
		}
		s.data = s.buf[:0]
	default:
		s.data = s.buf[:copy(s.buf, s.data[off-s.start:])]
	}
	s.start = off
	if int64(len(s.data)) < n {
		got, err := io.ReadFull(s.r, s.buf[len(s.data):n])
		s.data = s.buf[:len(s.data)+got]
		if err != nil {
			return nil, fmt.Errorf("o365: upload: reading the content at byte %d: %w", off+int64(len(s.data)), err)
		}
	}
	return bytes.NewReader(s.data[:n]), nil
}

// upload drives the chunks from start to size.
func (a *Account) upload(ctx context.Context, uploadURL string, start int64, src chunkSource, size int64, opts UploadOptions, out any) (res *UploadResult, err error) {
	chunk, err := opts.chunkSize()
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, errors.New("o365: upload: an upload session needs at least one byte; send empty files with a simple upload")
	}
	if a.err != nil {
		return nil, a.err
	}
	offset := start
	defer func() {
		if err == nil {
			return
		}
		err = fmt.Errorf("o365: upload stopped at byte %d of %d: %w", offset, size, err)
		if opts.KeepSession || offset >= size {
			return
		}
		// The caller's context may be over; the cleanup gets its own.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if cerr := a.CancelUpload(cctx, uploadURL); cerr != nil {
			a.log.DebugContext(ctx, "o365: cancelling a failed upload", "error", cerr)
		}
	}()

	// The driver retries itself, asking the session where to go on, so Do
	// must not replay chunks on its own.
	once := a.With(WithRetry(RetryPolicy{MaxAttempts: 1}))
	policy := a.retry
	if opts.Progress != nil {
		opts.Progress(offset, size)
	}
	failures := 0
	var waited time.Duration
	for {
		n := min(chunk, size-offset)
		body, err := src.section(offset, n)
		if err != nil {
			return nil, err
		}
		req := &Request{
			Method:      http.MethodPut,
			Path:        uploadURL,
			Body:        body,
			ContentType: "application/octet-stream",
			NoAuth:      true,
			Header:      http.Header{"Content-Range": {fmt.Sprintf("bytes %d-%d/%d", offset, offset+n-1, size)}},
		}
		var buf bytes.Buffer
		resp, err := once.Do(ctx, req, &buf)
		if err == nil {
			next, final, err := a.chunkAnswer(resp, buf.Bytes(), offset+n, size, out)
			if final != nil {
				// The item exists even if its answer could not be decoded.
				offset = size
				if err != nil {
					return final, err
				}
				if opts.Progress != nil {
					opts.Progress(size, size)
				}
				return final, nil
			}
			if err != nil {
				return nil, err
			}
			if next > offset {
				offset, failures, waited = next, 0, 0
				if opts.Progress != nil {
					opts.Progress(offset, size)
				}
				continue
			}
			err = fmt.Errorf("the service accepted bytes %d-%d but still expects byte %d", offset, offset+n-1, next)
			failures++
			if failures >= policy.MaxAttempts {
				return nil, err
			}
			offset = next
			continue
		}
		if ctx.Err() != nil {
			return nil, err
		}
		var apiErr *Error
		isAPI := errors.As(err, &apiErr)
		if isAPI && apiErr.StatusCode != http.StatusRequestedRangeNotSatisfiable &&
			apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode < 500 {
			return nil, err
		}
		failures++
		if failures >= policy.MaxAttempts {
			return nil, err
		}
		var delay time.Duration
		if !isAPI || apiErr.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			delay = policy.backoff(failures)
			if isAPI && apiErr.RetryAfter > 0 {
				delay = apiErr.RetryAfter
			}
		}
		if waited+delay > policy.MaxTotalWait {
			return nil, err
		}
		a.log.DebugContext(ctx, "o365: upload chunk failed; asking the session where to resume", "offset", offset, "attempt", failures, "delay", delay, "error", err)
		if err := sleep(ctx, delay); err != nil {
			return nil, err
		}
		waited += delay
		st, err := a.UploadStatus(ctx, uploadURL)
		if err != nil {
			return nil, err
		}
		if offset, err = rangeStart(st.NextExpectedRanges, size); err != nil {
			return nil, err
		}
	}
}

// chunkAnswer reads the answer to a chunk: either the next offset the
// session expects, or the final result with the item decoded into out (the
// result comes back even when decoding fails: the upload did complete).
func (a *Account) chunkAnswer(resp *Response, body []byte, sent, size int64, out any) (next int64, final *UploadResult, err error) {
	var st struct {
		NextExpectedRanges []string `json:"nextExpectedRanges"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		// Not every final answer is JSON; only a session status matters here.
		_ = json.Unmarshal(body, &st, decodeOptions)
	}
	if len(st.NextExpectedRanges) > 0 {
		next, err := rangeStart(st.NextExpectedRanges, size)
		return next, nil, err
	}
	if resp.StatusCode == http.StatusAccepted {
		if sent >= size {
			return 0, nil, errors.New("the service accepted the last chunk without completing the upload")
		}
		return sent, nil, nil
	}
	res := &UploadResult{StatusCode: resp.StatusCode, Location: resp.Header.Get("Location"), Header: resp.Header}
	if out == nil || len(bytes.TrimSpace(body)) == 0 {
		return 0, res, nil
	}
	if w, ok := out.(io.Writer); ok {
		_, err := w.Write(body)
		return 0, res, err
	}
	if err := a.unmarshalCased(body, out); err != nil {
		return 0, res, fmt.Errorf("the created item: %w", err)
	}
	return 0, res, nil
}

// rangeStart reads the first of nextExpectedRanges: "N-", "N-M" (OneDrive)
// or "N" (Outlook).
func rangeStart(ranges []string, size int64) (int64, error) {
	if len(ranges) == 0 {
		return 0, errors.New("o365: upload: the session reports no expected ranges")
	}
	first, _, _ := strings.Cut(strings.TrimSpace(ranges[0]), "-")
	n, err := strconv.ParseInt(strings.TrimSpace(first), 10, 64)
	if err != nil || n < 0 || n >= size {
		return 0, fmt.Errorf("o365: upload: unusable expected range %q for %d bytes", ranges[0], size)
	}
	return n, nil
}
