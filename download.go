package o365

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrRangeIgnored is returned by Download when a resumed stream came back
// whole (200 instead of 206) and the writer cannot be rewound to start again.
var ErrRangeIgnored = errors.New("o365: download: the server ignored the Range header and the writer cannot be rewound (pass an *os.File or another io.WriteSeeker with Truncate to allow a restart)")

// DownloadOption tunes Download.
type DownloadOption func(*downloadConfig)

type downloadConfig struct {
	offset, length int64
	progress       func(written, total int64)
}

// DownloadRange downloads length bytes from offset (length <= 0: to the end).
func DownloadRange(offset, length int64) DownloadOption {
	return func(c *downloadConfig) {
		c.offset, c.length = max(offset, 0), max(length, 0)
	}
}

// DownloadProgress calls fn after every write with the bytes written so far
// and the total expected, -1 when the service did not say.
func DownloadProgress(fn func(written, total int64)) DownloadOption {
	return func(c *downloadConfig) { c.progress = fn }
}

// Download GETs req (such as drive/items/{id}/content) and streams the body to
// w in constant memory, returning the bytes written. The service's redirect to
// a pre-authenticated download URL is followed without the bearer token; when
// the stream breaks, the download resumes from the bytes already written with
// a Range request to that URL, within the account's RetryPolicy. A 401 gets
// one token refresh and replay, as in Do. A server that
// answers a resumed request with the whole file is restarted from the
// beginning when w is an io.WriteSeeker with Truncate (an *os.File); otherwise
// the error is ErrRangeIgnored.
func (a *Account) Download(ctx context.Context, req *Request, w io.Writer, opts ...DownloadOption) (int64, error) {
	if req == nil {
		return 0, errors.New("o365: Download: nil request")
	}
	var cfg downloadConfig
	for _, o := range opts {
		o(&cfg)
	}
	req, err := a.resolveRequest(ctx, req)
	if err != nil {
		return 0, err
	}
	target, err := a.URL(req)
	if err != nil {
		return 0, err
	}
	if req.Method != "" && req.Method != http.MethodGet {
		return 0, fmt.Errorf("o365: download: method %s; downloads are GET", req.Method)
	}
	base := a.baseHeader(req, "")
	if req.Header.Get("Accept") == "" {
		base.Set("Accept", "*/*")
	}
	d := &download{a: a, cfg: cfg, w: w, cur: target, noAuth: req.NoAuth, header: base, total: -1}
	return d.run(ctx)
}

// download is the state of one Download call.
type download struct {
	a       *Account
	cfg     downloadConfig
	w       io.Writer
	cur     string // where the content is fetched from: the download URL once known
	noAuth  bool
	header  http.Header
	written int64
	total   int64 // bytes this call will write, -1 when unknown
	werr    error // a failure of w, which no retry can fix
}

func (d *download) run(ctx context.Context) (int64, error) {
	policy := d.a.retry
	failures := 0
	var waited time.Duration
	for {
		before := d.written
		retry, err := d.attempt(ctx)
		if err == nil {
			return d.written, nil
		}
		var apiErr *Error
		if errors.As(err, &apiErr) {
			retry = retryable(true, apiErr.StatusCode, apiErr.Header.Get("Retry-After") != "")
		}
		if ctx.Err() != nil {
			retry = false
		}
		if d.written > before {
			failures = 0
		}
		failures++
		if !retry || failures >= policy.MaxAttempts {
			return d.written, err
		}
		delay := policy.backoff(failures)
		if apiErr != nil && apiErr.RetryAfter > 0 {
			delay = apiErr.RetryAfter
		}
		if waited+delay > policy.MaxTotalWait {
			return d.written, err
		}
		d.a.log.DebugContext(ctx, "o365: download interrupted; resuming", "written", d.written, "attempt", failures, "delay", delay, "error", err)
		if err := sleep(ctx, delay); err != nil {
			return d.written, fmt.Errorf("o365: download: %w", err)
		}
		waited += delay
	}
}

// attempt makes one request, from the current position, and copies its body.
// retry reports a failure that resuming may overcome: the transport's, not
// the writer's or a protocol violation.
func (d *download) attempt(ctx context.Context) (retry bool, err error) {
	pos := d.cfg.offset + d.written
	h := d.header.Clone()
	ranged := d.cfg.offset > 0 || d.cfg.length > 0 || d.written > 0
	if ranged {
		r := "bytes=" + strconv.FormatInt(pos, 10) + "-"
		if d.cfg.length > 0 {
			r += strconv.FormatInt(d.cfg.offset+d.cfg.length-1, 10)
		}
		h.Set("Range", r)
	}
	// open, not Do: the status and Content-Range must be checked before a
	// byte reaches w, and resumes must go to the URL the redirect led to. One
	// attempt per call, as run does the retrying and resuming; open still
	// refreshes the token and replays once after a 401.
	resp, err := d.a.open(ctx, exchange{method: http.MethodGet, target: d.cur, header: h, replayable: true, repeatable: true, noAuth: d.noAuth}, RetryPolicy{MaxAttempts: 1})
	if err != nil {
		var final finalError
		if errors.As(err, &final) {
			return false, final.err
		}
		var apiErr *Error
		if !errors.As(err, &apiErr) || resp == nil {
			return true, err
		}
		// Resume from where the redirect led, even after an error answer.
		d.follow(resp.Request.URL)
		apiErr.URL = redactURL(d.cur)
		return false, apiErr
	}
	defer resp.Body.Close()
	d.follow(resp.Request.URL)
	want := resp.ContentLength // -1 when unknown
	switch {
	case resp.StatusCode == http.StatusPartialContent:
		start, total, err := parseContentRange(resp.Header.Get("Content-Range"))
		if err != nil {
			return false, err
		}
		if start != pos {
			return false, fmt.Errorf("o365: download: asked for byte %d, the server sent from %d", pos, start)
		}
		if d.total < 0 && total >= 0 {
			d.total = total - d.cfg.offset
		}
	case ranged:
		// A 200 to a Range request is the whole content.
		if d.written > 0 {
			if err := d.rewind(); err != nil {
				return false, err
			}
		}
		if _, err := io.CopyN(io.Discard, resp.Body, d.cfg.offset); err != nil {
			return true, fmt.Errorf("o365: download: skipping to byte %d: %w", d.cfg.offset, err)
		}
		if want >= 0 {
			d.total = want - d.cfg.offset
			want = d.total
		}
	default:
		d.total = want
	}
	if d.cfg.length > 0 {
		if d.total < 0 || d.total > d.cfg.length {
			d.total = d.cfg.length
		}
		rest := d.cfg.length - d.written
		if want < 0 || want > rest {
			want = rest
		}
	}
	if want < 0 {
		_, err = io.Copy(d, resp.Body)
	} else {
		_, err = io.CopyN(d, resp.Body, want)
	}
	if err != nil {
		if d.werr != nil {
			return false, fmt.Errorf("o365: download: writing: %w", d.werr)
		}
		return true, fmt.Errorf("o365: download: reading the stream at byte %d: %w", d.cfg.offset+d.written, err)
	}
	return false, nil
}

// follow remembers where a redirect led: resumed requests go straight to the
// pre-authenticated URL, without the token when it is on another host.
func (d *download) follow(final *url.URL) {
	if final == nil || final.String() == d.cur {
		return
	}
	if orig, err := url.Parse(d.cur); err == nil && !sameHost(orig, final) {
		d.noAuth = true
	}
	d.cur = final.String()
}

// rewind starts w over from where this download began writing.
func (d *download) rewind() error {
	ws, ok := d.w.(interface {
		io.Seeker
		Truncate(int64) error
	})
	if !ok {
		return ErrRangeIgnored
	}
	pos, err := ws.Seek(0, io.SeekCurrent)
	if err == nil {
		err = ws.Truncate(pos - d.written)
	}
	if err == nil {
		_, err = ws.Seek(pos-d.written, io.SeekStart)
	}
	if err != nil {
		d.werr = err
		return fmt.Errorf("o365: download: rewinding the writer: %w", err)
	}
	d.written = 0
	return nil
}

// Write counts the bytes and reports progress; it makes download the writer
// of io.Copy so a failure of w can be told from a broken stream.
func (d *download) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	d.written += int64(n)
	if err != nil {
		d.werr = err
	}
	if d.cfg.progress != nil && n > 0 {
		d.cfg.progress(d.written, d.total)
	}
	return n, err
}

// parseContentRange reads "bytes START-END/TOTAL" (TOTAL may be "*", -1).
func parseContentRange(v string) (start, total int64, err error) {
	spec, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if ok {
		rng, tot, ok2 := strings.Cut(spec, "/")
		first, last, ok3 := strings.Cut(rng, "-")
		if ok2 && ok3 {
			start, err1 := strconv.ParseInt(first, 10, 64)
			end, err2 := strconv.ParseInt(last, 10, 64)
			total := int64(-1)
			var err3 error
			if tot != "*" {
				total, err3 = strconv.ParseInt(tot, 10, 64)
			}
			if err1 == nil && err2 == nil && err3 == nil && start >= 0 && end >= start && (total < 0 || end < total) {
				return start, total, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("o365: download: bad Content-Range %q", v)
}
