package o365

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSession is an upload session as OneDrive (or Outlook, with outlook set)
// runs it: it keeps the bytes received in order and answers PUT, GET and
// DELETE on /up?tempauth=secret. fault, when set, may answer a request itself.
type fakeSession struct {
	size    int64
	outlook bool
	fault   func(n int, w http.ResponseWriter, r *http.Request, body []byte) bool

	mu      sync.Mutex
	got     bytes.Buffer
	log     []string
	deleted bool
}

func (s *fakeSession) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	entry := r.Method + " " + r.URL.RequestURI()
	if cr := r.Header.Get("Content-Range"); cr != "" {
		entry += " " + cr + " len=" + r.Header.Get("Content-Length") + " type=" + r.Header.Get("Content-Type")
	}
	if r.Header.Get("Authorization") != "" || r.TransferEncoding != nil {
		entry += " BAD:auth-or-chunked"
	}
	s.log = append(s.log, entry)
	// Read the whole body first, as a real service does: answering early
	// makes net/http's client wait for the rest.
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if s.fault != nil && s.fault(len(s.log), w, r, body) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodGet:
		s.status(w, http.StatusOK)
	case http.MethodDelete:
		s.deleted = true
		w.WriteHeader(http.StatusNoContent)
	case http.MethodPut:
		var start, end, total int64
		if _, err := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); err != nil || total != s.size {
			w.WriteHeader(400)
			return
		}
		if start != int64(s.got.Len()) {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			io.WriteString(w, `{"error":{"code":"invalidRange","message":"Uploaded fragment overlaps with existing data."}}`)
			return
		}
		s.got.Write(body)
		switch {
		case int64(s.got.Len()) < s.size && s.outlook:
			s.status(w, http.StatusOK)
		case int64(s.got.Len()) < s.size:
			s.status(w, http.StatusAccepted)
		case s.outlook:
			w.Header().Set("Location", "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('att-1')")
			w.WriteHeader(http.StatusCreated)
		default:
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":"item-1","name":"big.bin","size":%d}`, s.size)
		}
	}
}

func (s *fakeSession) status(w http.ResponseWriter, code int) {
	w.WriteHeader(code)
	if s.outlook {
		fmt.Fprintf(w, `{"@odata.context":"x","ExpirationDateTime":"2026-11-27T10:00:00Z","NextExpectedRanges":["%d"]}`, s.got.Len())
		return
	}
	fmt.Fprintf(w, `{"expirationDateTime":"2026-11-27T10:00:00.123Z","nextExpectedRanges":["%d-%d"]}`, s.got.Len(), s.size-1)
}

func (s *fakeSession) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func content(n int64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7 / 3)
	}
	return b
}

const unit = 320 << 10

type driveItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Size int64  `json:"size"`
}

func uploadServer(t *testing.T, s *fakeSession) (*Account, *UploadSession) {
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	// The account's service is elsewhere: the upload URL is a foreign host.
	return newTestAccount(t, "https://graph.invalid"), &UploadSession{UploadURL: srv.URL + "/up?tempauth=secret"}
}

func put(from, to, total int64) string {
	return fmt.Sprintf("PUT /up?tempauth=secret bytes %d-%d/%d len=%d type=application/octet-stream", from, to, total, to-from+1)
}

func TestUploadOneDriveChunks(t *testing.T) {
	size := int64(3*unit + 1000)
	data := content(size)
	fs := &fakeSession{size: size}
	a, sess := uploadServer(t, fs)
	var progress [][2]int64
	var item driveItem
	res, err := a.Upload(context.Background(), sess, bytes.NewReader(data), size, UploadOptions{
		ChunkSize: unit + 5, // rounded down to 320 KiB
		Progress:  func(sent, total int64) { progress = append(progress, [2]int64{sent, total}) },
	}, &item)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{put(0, unit-1, size), put(unit, 2*unit-1, size), put(2*unit, 3*unit-1, size), put(3*unit, size-1, size)}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
	if !bytes.Equal(fs.got.Bytes(), data) {
		t.Error("the session holds other bytes")
	}
	if res.StatusCode != 201 || item != (driveItem{"item-1", "big.bin", size}) {
		t.Errorf("result %+v item %+v", res, item)
	}
	wantProgress := [][2]int64{{0, size}, {unit, size}, {2 * unit, size}, {3 * unit, size}, {size, size}}
	if !reflect.DeepEqual(progress, wantProgress) {
		t.Errorf("progress %v", progress)
	}
}

func TestUploadResumesAfterFailedChunk(t *testing.T) {
	size := int64(3*unit + 10)
	for _, tc := range []struct {
		name  string
		fault func(w http.ResponseWriter)
		// kept: the server stored the chunk before failing.
		kept bool
	}{
		{"500", func(w http.ResponseWriter) { w.WriteHeader(500) }, false},
		{"reset after storing", func(w http.ResponseWriter) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, true},
		{"503 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(503)
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := content(size)
			fs := &fakeSession{size: size}
			fs.fault = func(n int, w http.ResponseWriter, r *http.Request, body []byte) bool {
				if n != 3 {
					return false
				}
				if tc.kept {
					fs.got.Write(body)
				}
				tc.fault(w)
				return true
			}
			a, sess := uploadServer(t, fs)
			var item driveItem
			if _, err := a.Upload(context.Background(), sess, bytes.NewReader(data), size, UploadOptions{ChunkSize: unit}, &item); err != nil {
				t.Fatal(err)
			}
			want := []string{put(0, unit-1, size), put(unit, 2*unit-1, size), put(2*unit, 3*unit-1, size), "GET /up?tempauth=secret"}
			if !tc.kept {
				want = append(want, put(2*unit, 3*unit-1, size))
			}
			want = append(want, put(3*unit, size-1, size))
			if got := fs.requests(); !reflect.DeepEqual(got, want) {
				t.Errorf("requests\n got %q\nwant %q", got, want)
			}
			if !bytes.Equal(fs.got.Bytes(), data) || item.ID != "item-1" {
				t.Errorf("content mismatch or item %+v", item)
			}
		})
	}
}

func TestUploadOverlapAsksForStatus(t *testing.T) {
	size := int64(2*unit + 1)
	data := content(size)
	fs := &fakeSession{size: size}
	fs.got.Write(data[:unit]) // another process sent the first chunk
	a, sess := uploadServer(t, fs)
	sess.NextExpectedRanges = []string{"0-"}
	if _, err := a.Upload(context.Background(), sess, bytes.NewReader(data), size, UploadOptions{ChunkSize: unit}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{put(0, unit-1, size), "GET /up?tempauth=secret", put(unit, 2*unit-1, size), put(2*unit, size-1, size)}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
	if !bytes.Equal(fs.got.Bytes(), data) {
		t.Error("content mismatch")
	}
}

func TestUploadOutlookAttachment(t *testing.T) {
	size := int64(4<<20 + 100)
	data := content(size)
	fs := &fakeSession{size: size, outlook: true}
	a, sess := uploadServer(t, fs)
	var progress []int64
	res, err := a.Upload(context.Background(), sess, bytes.NewReader(data), size, UploadOptions{
		Kind: UploadOutlook, ChunkSize: 4 << 20,
		Progress: func(sent, _ int64) { progress = append(progress, sent) },
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{put(0, 4<<20-1, size), put(4<<20, size-1, size)}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
	if res.StatusCode != 201 || res.Location != "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('att-1')" {
		t.Errorf("result %+v", res)
	}
	if !reflect.DeepEqual(progress, []int64{0, 4 << 20, size}) || !bytes.Equal(fs.got.Bytes(), data) {
		t.Errorf("progress %v", progress)
	}

	// The default Outlook chunk stays under 4 MB, with no 320 KiB rounding.
	if n, err := (UploadOptions{Kind: UploadOutlook}).chunkSize(); err != nil || n != 3<<20 {
		t.Errorf("default Outlook chunk %d %v", n, err)
	}
	if n, err := (UploadOptions{Kind: UploadOutlook, ChunkSize: 1000}).chunkSize(); err != nil || n != 1000 {
		t.Errorf("Outlook chunk 1000: %d %v", n, err)
	}
}

func TestUploadChunkSizes(t *testing.T) {
	for _, tc := range []struct {
		in, want int64
		err      bool
	}{
		{0, 10 << 20, false},
		{unit, unit, false},
		{unit*3 + 1, unit * 3, false},
		{100 << 20, 191 * unit, false},
		{unit - 1, 0, true},
		{-5, 0, true},
	} {
		n, err := (UploadOptions{ChunkSize: tc.in}).chunkSize()
		if n != tc.want || (err != nil) != tc.err {
			t.Errorf("chunk %d: %d %v", tc.in, n, err)
		}
	}
}

func TestUploadCancelsOnFailure(t *testing.T) {
	size := int64(3 * unit)
	notFound := func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if n != 2 {
			return false
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"error":{"code":"itemNotFound","message":"The upload session was not found"}}`)
		return true
	}
	fs := &fakeSession{size: size, fault: notFound}
	a, sess := uploadServer(t, fs)
	_, err := a.Upload(context.Background(), sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit}, nil)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), fmt.Sprintf("stopped at byte %d of %d", unit, size)) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("err %v", err)
	}
	want := []string{put(0, unit-1, size), put(unit, 2*unit-1, size), "DELETE /up?tempauth=secret"}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}

	// KeepSession leaves it for a later ResumeUpload.
	fs = &fakeSession{size: size, fault: notFound}
	a, sess = uploadServer(t, fs)
	_, err = a.Upload(context.Background(), sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit, KeepSession: true}, nil)
	if err == nil || fs.deleted || len(fs.requests()) != 2 {
		t.Errorf("kept session: err %v, requests %q", err, fs.requests())
	}

	// A cancelled context stops the upload and still deletes the session.
	fs = &fakeSession{size: size}
	a, sess = uploadServer(t, fs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = a.Upload(ctx, sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit, Progress: func(sent, _ int64) {
		if sent > 0 {
			cancel()
		}
	}}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	want = []string{put(0, unit-1, size), "DELETE /up?tempauth=secret"}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests after cancel\n got %q\nwant %q", got, want)
	}
}

func TestUploadGivesUpAfterRetryPolicy(t *testing.T) {
	size := int64(2 * unit)
	fs := &fakeSession{size: size}
	fs.fault = func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if r.Method == http.MethodPut {
			w.WriteHeader(502)
			return true
		}
		return false
	}
	a, sess := uploadServer(t, fs) // MaxAttempts 4
	_, err := a.Upload(context.Background(), sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit}, nil)
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != 502 {
		t.Fatalf("err %v", err)
	}
	got := fs.requests()
	want := []string{put(0, unit-1, size), "GET /up?tempauth=secret", put(0, unit-1, size), "GET /up?tempauth=secret",
		put(0, unit-1, size), "GET /up?tempauth=secret", put(0, unit-1, size), "DELETE /up?tempauth=secret"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
}

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestUploadFromStream(t *testing.T) {
	size := int64(2*unit + 7)
	data := content(size)
	fs := &fakeSession{size: size}
	fs.fault = func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if n != 2 {
			return false
		}
		w.WriteHeader(500)
		return true
	}
	a, sess := uploadServer(t, fs)
	var item driveItem
	if _, err := a.UploadFrom(context.Background(), sess, onlyReader{bytes.NewReader(data)}, size, UploadOptions{ChunkSize: unit}, &item); err != nil {
		t.Fatal(err)
	}
	want := []string{put(0, unit-1, size), put(unit, 2*unit-1, size), "GET /up?tempauth=secret", put(unit, 2*unit-1, size), put(2*unit, size-1, size)}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
	if !bytes.Equal(fs.got.Bytes(), data) || item.ID != "item-1" {
		t.Error("content mismatch")
	}

	// A session that lost bytes the stream has passed cannot be served.
	fs = &fakeSession{size: size}
	fs.fault = func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		if n == 2 {
			fs.got.Reset() // the service forgot the first chunk
			w.WriteHeader(500)
			return true
		}
		return false
	}
	a, sess = uploadServer(t, fs)
	_, err := a.UploadFrom(context.Background(), sess, onlyReader{bytes.NewReader(data)}, size, UploadOptions{ChunkSize: unit}, nil)
	if err == nil || !strings.Contains(err.Error(), "io.ReaderAt") {
		t.Errorf("err %v", err)
	}

	// A stream shorter than announced is an error, not a short upload.
	fs = &fakeSession{size: size}
	a, sess = uploadServer(t, fs)
	_, err = a.UploadFrom(context.Background(), sess, onlyReader{bytes.NewReader(data[:unit+3])}, size, UploadOptions{ChunkSize: unit}, nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("short stream: %v", err)
	}
}

func TestResumeUpload(t *testing.T) {
	size := int64(2*unit + 3)
	data := content(size)
	fs := &fakeSession{size: size}
	fs.got.Write(data[:unit])
	a, sess := uploadServer(t, fs)
	st, err := a.UploadStatus(context.Background(), sess.UploadURL)
	if err != nil || !reflect.DeepEqual(st.NextExpectedRanges, []string{fmt.Sprintf("%d-%d", unit, size-1)}) || !st.ExpirationDateTime.Equal(time.Date(2026, 11, 27, 10, 0, 0, 123e6, time.UTC)) {
		t.Fatalf("status %+v %v", st, err)
	}
	if _, err := a.ResumeUpload(context.Background(), sess.UploadURL, bytes.NewReader(data), size, UploadOptions{ChunkSize: unit}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{"GET /up?tempauth=secret", "GET /up?tempauth=secret", put(unit, 2*unit-1, size), put(2*unit, size-1, size)}
	if got := fs.requests(); !reflect.DeepEqual(got, want) {
		t.Errorf("requests\n got %q\nwant %q", got, want)
	}
	if !bytes.Equal(fs.got.Bytes(), data) {
		t.Error("content mismatch")
	}
}

func TestUploadRefusesBadInput(t *testing.T) {
	a := newTestAccount(t, "https://graph.invalid")
	ctx := context.Background()
	r := bytes.NewReader([]byte("x"))
	at := func(ranges ...string) *UploadSession {
		return &UploadSession{UploadURL: "https://u.invalid/x", NextExpectedRanges: ranges}
	}
	for _, tc := range []struct {
		name string
		sess *UploadSession
		size int64
		opts UploadOptions
	}{
		{"no session", nil, 1, UploadOptions{}},
		{"no URL", &UploadSession{}, 1, UploadOptions{}},
		{"empty file", at(), 0, UploadOptions{}},
		{"range past the end", at("7-"), 1, UploadOptions{}},
		{"unknown kind", at(), 1, UploadOptions{Kind: 9}},
		{"tiny OneDrive chunk", at(), 1, UploadOptions{ChunkSize: 1000}},
	} {
		if _, err := a.Upload(ctx, tc.sess, r, tc.size, tc.opts, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	for _, tc := range []struct {
		in   []string
		want int64
	}{{[]string{"26-"}, 26}, {[]string{"4194304"}, 4194304}, {[]string{" 5-9", "20-"}, 5}, {[]string{"0-"}, 0}} {
		if n, err := rangeStart(tc.in, 1<<30); n != tc.want || err != nil {
			t.Errorf("rangeStart(%q) = %d %v", tc.in, n, err)
		}
	}
	for _, in := range [][]string{nil, {""}, {"-5"}, {"x-"}, {"100"}} {
		if _, err := rangeStart(in, 100); err == nil {
			t.Errorf("rangeStart(%q): no error", in)
		}
	}
}

// zeros is a ReaderAt of a size without the memory.
type zeros struct{}

func (zeros) ReadAt(p []byte, off int64) (int, error) {
	clear(p)
	return len(p), nil
}

func BenchmarkUpload100MB(b *testing.B) {
	const size = 100 << 20
	var got int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got += n
		var start, end int64
		fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/", &start, &end)
		if end == size-1 {
			w.WriteHeader(201)
			io.WriteString(w, `{"id":"x"}`)
			return
		}
		w.WriteHeader(202)
		io.WriteString(w, `{"nextExpectedRanges":["`+strconv.FormatInt(end+1, 10)+`-"]}`)
	}))
	defer srv.Close()
	a, err := New(WithProtocol(testProtocol(srv.URL)), WithTokenSource(StaticToken("t")))
	if err != nil {
		b.Fatal(err)
	}
	sess := &UploadSession{UploadURL: srv.URL + "/up"}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Upload(context.Background(), sess, zeros{}, size, UploadOptions{}, nil); err != nil {
			b.Fatal(err)
		}
	}
	if got%size != 0 {
		b.Fatalf("server got %d bytes", got)
	}
}

func FuzzRangeStart(f *testing.F) {
	for _, s := range []string{"0-", "26-", "4194304", "5-9", "-5", "x", "", "99999999999999999999-"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, s string, size int64) {
		n, err := rangeStart([]string{s}, size)
		if err == nil && (n < 0 || n >= size) {
			t.Errorf("rangeStart(%q, %d) = %d", s, size, n)
		}
	})
}

func TestUploadFinalAnswer(t *testing.T) {
	size := int64(unit + 1)
	final := func(body string) func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
		return func(n int, w http.ResponseWriter, r *http.Request, _ []byte) bool {
			if n != 2 {
				return false
			}
			w.WriteHeader(201)
			io.WriteString(w, body)
			return true
		}
	}
	// A PascalCase protocol gets the created item in camelCase.
	fs := &fakeSession{size: size, fault: final(`{"Id":"a1","Name":"b.bin","ParentReference":{"DriveId":"d"}}`)}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	p := Office365()
	p.BaseURL = "https://outlook.invalid/api/"
	a := newTestAccount(t, "https://graph.invalid", WithProtocol(p))
	var item map[string]any
	res, err := a.Upload(context.Background(), &UploadSession{UploadURL: srv.URL + "/up?tempauth=secret"}, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit}, &item)
	want := map[string]any{"id": "a1", "name": "b.bin", "parentReference": map[string]any{"driveId": "d"}}
	if err != nil || res.StatusCode != 201 || !reflect.DeepEqual(item, want) {
		t.Errorf("item %v, err %v", item, err)
	}

	// An undecodable item is an error, but the upload is done: no DELETE.
	fs = &fakeSession{size: size, fault: final(`{"id":`)}
	a, sess := uploadServer(t, fs)
	res, err = a.Upload(context.Background(), sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit}, &item)
	if err == nil || res == nil || res.StatusCode != 201 || len(fs.requests()) != 2 {
		t.Errorf("res %+v, err %v, requests %q", res, err, fs.requests())
	}
}

// The last chunk is stored and completes the upload, then its answer is
// lost: the session is gone when asked where to resume, so the upload ends
// with ErrUploadMayHaveCompleted (the caller looks for the item) and no
// DELETE of a session that no longer exists. A session gone earlier is a
// plain not-found.
func TestUploadLastAnswerLost(t *testing.T) {
	size := int64(2*unit + 10)
	for _, tc := range []struct {
		name     string
		failAt   int // the request whose answer is lost
		complete bool
	}{
		{"last chunk", 3, true},
		{"middle chunk", 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeSession{size: size}
			gone := false
			fs.fault = func(n int, w http.ResponseWriter, r *http.Request, body []byte) bool {
				switch {
				case n == tc.failAt:
					fs.got.Write(body)
					gone = true // completed, or expired in between
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return true
				case gone:
					w.WriteHeader(http.StatusNotFound)
					io.WriteString(w, `{"error":{"code":"itemNotFound","message":"The upload session was not found."}}`)
					return true
				}
				return false
			}
			a, sess := uploadServer(t, fs)
			_, err := a.Upload(context.Background(), sess, bytes.NewReader(content(size)), size, UploadOptions{ChunkSize: unit}, nil)
			if got := errors.Is(err, ErrUploadMayHaveCompleted); got != tc.complete {
				t.Fatalf("errors.Is(ErrUploadMayHaveCompleted) = %v, want %v: %v", got, tc.complete, err)
			}
			if !errors.Is(err, ErrNotFound) && !tc.complete {
				t.Errorf("a session gone mid-way: %v", err)
			}
			want := []string{put(0, unit-1, size), put(unit, 2*unit-1, size)}
			if tc.complete {
				want = append(want, put(2*unit, size-1, size), "GET /up?tempauth=secret")
			} else {
				want = append(want, "GET /up?tempauth=secret", "DELETE /up?tempauth=secret")
			}
			if got := fs.requests(); !reflect.DeepEqual(got, want) {
				t.Errorf("requests\n got %q\nwant %q", got, want)
			}
		})
	}
}
