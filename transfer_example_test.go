package o365_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/o365go/o365"
)

// exampleAccount returns an account whose service is srv.
func exampleAccount(srv *httptest.Server) *o365.Account {
	p := o365.Graph()
	p.BaseURL = srv.URL + "/"
	acct, err := o365.New(o365.WithProtocol(p), o365.WithTokenSource(o365.StaticToken("eyJ...")))
	if err != nil {
		log.Fatal(err)
	}
	return acct
}

// A large file goes through an upload session: create it, then let Upload send
// the chunks, resume after failures and decode the new driveItem.
func ExampleAccount_Upload() {
	var got int
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1.0/me/drive/root:/report.bin:/createUploadSession", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"uploadUrl":"http://%s/up/1?tempauth=xyz","expirationDateTime":"2026-11-28T10:00:00Z"}`, r.Host)
	})
	mux.HandleFunc("PUT /up/1", func(w http.ResponseWriter, r *http.Request) {
		fmt.Println(r.Header.Get("Content-Range"), "auth:", r.Header.Get("Authorization") != "")
		n, _ := io.Copy(io.Discard, r.Body)
		got += int(n)
		if got < 1<<20 {
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, `{"nextExpectedRanges":["%d-"]}`, got)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id":"01ABC","name":"report.bin","size":1048576}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	acct := exampleAccount(srv)
	ctx := context.Background()

	var session o365.UploadSession
	body := map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": "replace"}}
	if _, err := acct.Do(ctx, &o365.Request{Method: "POST", Path: "drive/root:/report.bin:/createUploadSession", Body: body}, &session); err != nil {
		log.Fatal(err)
	}
	file := bytes.NewReader(make([]byte, 1<<20)) // an *os.File in real use
	var item struct {
		ID   string
		Size int64
	}
	opts := o365.UploadOptions{ChunkSize: 3 * 320 << 10}
	if _, err := acct.Upload(ctx, &session, file, file.Size(), opts, &item); err != nil {
		log.Fatal(err)
	}
	fmt.Println(item.ID, item.Size)
	// Output:
	// bytes 0-983039/1048576 auth: false
	// bytes 983040-1048575/1048576 auth: false
	// 01ABC 1048576
}

// Download streams a file to any writer; the redirect to the download host
// carries no token, and a broken stream resumes where it stopped.
func ExampleAccount_Download() {
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("download host, auth:", r.Header.Get("Authorization") != "")
		io.WriteString(w, "file contents")
	}))
	defer cdn.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("service, auth:", r.Header.Get("Authorization") != "")
		http.Redirect(w, r, cdn.URL+"/f?tempauth=abc", http.StatusFound)
	}))
	defer srv.Close()
	acct := exampleAccount(srv)

	var out strings.Builder // an *os.File in real use
	n, err := acct.Download(context.Background(), &o365.Request{Path: o365.Path("drive", "items", "01ABC", "content")}, &out)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, out.String())
	// Output:
	// service, auth: true
	// download host, auth: false
	// 13 file contents
}

// Copying a driveItem is asynchronous: the 202's Location is a monitor to poll.
func ExampleAccount_WaitOperation() {
	polls := 0
	monitor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if polls++; polls < 3 {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"operation":"ItemCopy","percentageComplete":50,"status":"inProgress"}`)
			return
		}
		io.WriteString(w, `{"percentageComplete":100,"resourceId":"01NEW","status":"completed"}`)
	}))
	defer monitor.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", monitor.URL+"/monitor/1")
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	acct := exampleAccount(srv)
	ctx := context.Background()

	resp, err := acct.Do(ctx, &o365.Request{Method: "POST", Path: "drive/items/01ABC/copy", Body: map[string]any{"name": "copy.bin"}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	op, err := acct.WaitOperation(ctx, resp.Header.Get("Location"), &o365.WaitOptions{Poll: 10 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(op.Status, op.ResourceID, polls)
	// Output:
	// completed 01NEW 3
}
