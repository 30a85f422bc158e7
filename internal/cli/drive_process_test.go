package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// These tests run the o365 command in processes of their own (this test
// binary again): to read each run's peak memory (VmHWM, the kernel's count
// for the process) and to kill one midway with SIGKILL.

// TestDriveProcess is the o365 process: it runs the command in
// O365_TEST_CLI_ARGS (JSON) and prints its peak memory last, on stderr.
func TestDriveProcess(t *testing.T) {
	raw := os.Getenv("O365_TEST_CLI_ARGS")
	if raw == "" {
		t.Skip("started by the drive process tests")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	code := NewApp().Run(context.Background(), args)
	fmt.Fprintf(os.Stderr, "\nO365_TEST_PEAK_KB=%d\n", o365test.PeakRSSKB())
	os.Exit(code)
}

// cliProcess is the command for one o365 run in its own process, with the
// harness's environment.
func (h *harness) cliProcess(args ...string) *exec.Cmd {
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestDriveProcess$", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), "O365_TEST_CLI_ARGS="+string(raw))
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// runProcess runs one o365 process to its end and returns its output and
// peak memory.
func (h *harness) runProcess(args ...string) (stdout string, peakKB int64) {
	h.t.Helper()
	cmd := h.cliProcess(args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		h.t.Fatalf("o365 %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out, errb.Bytes())
	}
	sc := bufio.NewScanner(&errb)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "O365_TEST_PEAK_KB="); ok {
			peakKB, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return string(out), peakKB
}

// writePattern writes size bytes that vary from position to position, and
// returns their quickXorHash.
func writePattern(t *testing.T, file string, size int64) string {
	t.Helper()
	f, err := os.Create(file)
	must(t, err)
	defer f.Close()
	h := drive.NewQuickXorHash()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	buf := make([]byte, 1<<16)
	for off := int64(0); off < size; off += int64(len(buf)) {
		n := min(int64(len(buf)), size-off)
		for i := range n {
			x := off + i
			buf[i] = byte(x*7+x/251) ^ 9
		}
		_, err := w.Write(buf[:n])
		must(t, err)
	}
	must(t, w.Flush())
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// hashFile is a file's quickXorHash.
func hashFile(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	must(t, err)
	defer f.Close()
	h := drive.NewQuickXorHash()
	_, err = io.Copy(h, f)
	must(t, err)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// `o365 --sandbox drive put` and `get` of a large file: the bytes arrive
// whole (by hash), and each process (the command and its embedded sandbox,
// with its database on disk) stays under 64 MB: 64 MiB always, 1 GiB
// unless -short.
func TestDrivePutGetLarge(t *testing.T) {
	sizes := []int64{64 << 20}
	if !testing.Short() {
		sizes = append(sizes, 1<<30)
	}
	for _, size := range sizes {
		t.Run(strconv.FormatInt(size>>20, 10)+"MiB", func(t *testing.T) {
			h := newHarness(t)
			dir := t.TempDir()
			src := filepath.Join(dir, "large.bin")
			want := writePattern(t, src, size)
			start := time.Now()
			out, peakPut := h.runProcess("--sandbox", "--json", "drive", "put", src, "/large.bin")
			put := time.Since(start)
			var item struct {
				Size int64 `json:"size"`
				File struct {
					Hashes struct {
						QuickXorHash string `json:"quickXorHash"`
					} `json:"hashes"`
				} `json:"file"`
			}
			must(t, json.Unmarshal([]byte(out), &item))
			if item.Size != size || item.File.Hashes.QuickXorHash != want {
				t.Fatalf("put: %s", out)
			}
			must(t, os.Remove(src))
			back := filepath.Join(dir, "back.bin")
			start = time.Now()
			_, peakGet := h.runProcess("--sandbox", "drive", "get", "/large.bin", back)
			get := time.Since(start)
			if got := hashFile(t, back); got != want {
				t.Fatalf("get: hash %s, want %s", got, want)
			}
			t.Logf("o365 drive put %d MiB: %.1f s, peak RSS %d MB; get: %.1f s, peak RSS %d MB (the command and its embedded sandbox)",
				size>>20, put.Seconds(), peakPut>>10, get.Seconds(), peakGet>>10)
			if (peakPut > 64<<10 || peakGet > 64<<10) && !raceDetector {
				t.Fatalf("peak RSS put %d KiB, get %d KiB: above 64 MiB", peakPut, peakGet)
			}
		})
	}
}

// logCounter counts the fragments a served sandbox accepted, from its
// request log, and calls at when the count reaches n.
type logCounter struct {
	mu       sync.Mutex
	accepted int // 202 answers to PUTs on upload URLs
	puts     int // every PUT on an upload URL
	sessions int // createUploadSession calls
	n        int
	at       func()
}

func (c *logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (c *logCounter) WithAttrs([]slog.Attr) slog.Handler       { return c }
func (c *logCounter) WithGroup(string) slog.Handler            { return c }
func (c *logCounter) Handle(_ context.Context, r slog.Record) error {
	var method, path string
	var status int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "method":
			method = a.Value.String()
		case "path":
			path = a.Value.String()
		case "status":
			status = a.Value.Int64()
		}
		return true
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case method == "PUT" && strings.Contains(path, "/uploadSessions/"):
		c.puts++
		if status == 202 {
			c.accepted++
			if c.accepted == c.n && c.at != nil {
				c.at()
			}
		}
	case method == "POST" && strings.HasSuffix(path, "/createUploadSession"):
		c.sessions++
	}
	return nil
}

// `o365 drive put` killed with SIGKILL at about 40% resumes on the next run
// from the saved session, sending at most one fragment twice.
func TestDrivePutResumesAfterKill(t *testing.T) {
	h := newHarness(t)
	const fragment = 320 << 10
	const fragments = 40
	counter := &logCounter{n: fragments * 4 / 10}
	srv, err := sandbox.New(sandbox.Options{Seed: "demo", TLS: true, Logger: slog.New(counter)})
	must(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); srv.Close() })
	must(t, srv.Start(ctx))
	cert := filepath.Join(t.TempDir(), "cert.pem")
	must(t, os.WriteFile(cert, srv.CertPEM(), 0o600))
	h.env["SSL_CERT_FILE"] = cert
	h.env["XDG_STATE_HOME"] = filepath.Join(t.TempDir(), "state")

	src := filepath.Join(t.TempDir(), "resume.bin")
	want := writePattern(t, src, fragments*fragment-1000)
	args := []string{"--sandbox-url", srv.URL(), "drive", "put", src, "/resume.bin", "--chunk-size", "320KiB"}
	h.mustRun("--sandbox-url", srv.URL(), "whoami") // sign in once, before the clock starts

	cmd := h.cliProcess(args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	must(t, cmd.Start())
	killed := make(chan struct{})
	counter.mu.Lock()
	counter.at = func() {
		// Closed first: Wait may return as soon as the signal lands.
		close(killed)
		cmd.Process.Signal(syscall.SIGKILL)
	}
	counter.mu.Unlock()
	err = cmd.Wait()
	select {
	case <-killed:
	default:
		t.Fatalf("the upload ended before it was killed: %v\n%s", err, out.Bytes())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the process was not killed: %v", cmd.ProcessState)
	}
	counter.mu.Lock()
	sentBefore := counter.puts
	counter.mu.Unlock()

	r := h.mustRun(append([]string{"--json"}, args...)...)
	if !strings.Contains(r.stderr, "resuming the interrupted upload") {
		t.Fatalf("the second run did not resume: %s", r.stderr)
	}
	var item struct {
		File struct {
			Hashes struct {
				QuickXorHash string `json:"quickXorHash"`
			} `json:"hashes"`
		} `json:"file"`
	}
	must(t, json.Unmarshal([]byte(r.stdout), &item))
	if item.File.Hashes.QuickXorHash != want {
		t.Fatalf("the resumed file's hash %s, want %s", item.File.Hashes.QuickXorHash, want)
	}
	counter.mu.Lock()
	defer counter.mu.Unlock()
	t.Logf("killed after %d of %d fragments; %d fragments sent in all", sentBefore, fragments, counter.puts)
	if counter.sessions != 1 || counter.puts > fragments+1 {
		t.Fatalf("%d sessions, %d fragments sent for %d: more than one sent twice", counter.sessions, counter.puts, fragments)
	}
	files, _ := filepath.Glob(filepath.Join(h.env["XDG_STATE_HOME"], "o365", "drive-uploads", "*"))
	if len(files) != 0 {
		t.Fatalf("the saved session was not removed: %v", files)
	}
}
