package drive_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/drive"
	"github.com/o365go/o365/o365test"
	"github.com/o365go/o365/sandbox"
)

// A large transfer runs in a process of its own (the test binary again),
// whose peak resident memory (VmHWM, the kernel's count for the process) is
// what it reports: the library and the sandbox it talks to (on loopback,
// its database on disk) together.

// largeResult is what a transfer process reports.
type largeResult struct {
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
	PeakKB  int64   `json:"peakKB"`
	Hash    string  `json:"hash"` // quickXorHash of the bytes sent or received
	Remote  string  `json:"remote"`
}

// TestLargeTransferProcess is the transfer process: it does nothing unless
// started by runLarge.
func TestLargeTransferProcess(t *testing.T) {
	mode := os.Getenv("O365_DRIVE_LARGE")
	if mode == "" {
		t.Skip("started by TestLargeTransfer")
	}
	size, _ := strconv.ParseInt(os.Getenv("O365_DRIVE_LARGE_SIZE"), 10, 64)
	srv := o365test.NewSandbox(t, func(o *sandbox.Options) { o.DBPath = os.Getenv("O365_DRIVE_LARGE_DB") })
	ctx := ctxT(t)
	d := newDrive(t, srv, sandbox.DemoUser, nil)
	src := pattern{n: size, seed: 42}
	h := drive.NewQuickXorHash()
	start := time.Now()
	var res largeResult
	switch mode {
	case "upload":
		it, err := d.Upload(ctx, "/large.bin", src, size, nil)
		must(t, err)
		// The library checked the service's hash against what it sent;
		// the parent checks it against the source.
		res.Remote = it.File.Hashes.QuickXorHash
		_, err = io.Copy(h, io.NewSectionReader(src, 0, size))
		must(t, err)
		res.Bytes = it.Size
	case "download":
		it, err := d.GetItemByPath(ctx, "/large.bin", nil)
		must(t, err)
		res.Remote = it.File.Hashes.QuickXorHash
		n, err := it.Download(ctx, h, nil)
		must(t, err)
		res.Bytes = n
	}
	res.Seconds = time.Since(start).Seconds()
	res.Hash = base64.StdEncoding.EncodeToString(h.Sum(nil))
	res.PeakKB = o365test.PeakRSSKB()
	out, _ := json.Marshal(res)
	os.Stdout.Write(append([]byte("LARGE "), append(out, '\n')...))
}

// runLarge runs one transfer process and returns its report.
func runLarge(t *testing.T, mode, db string, size int64) largeResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLargeTransferProcess$", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), "O365_DRIVE_LARGE="+mode, "O365_DRIVE_LARGE_DB="+db, "O365_DRIVE_LARGE_SIZE="+strconv.FormatInt(size, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s process: %v\n%s\n%s", mode, err, out, stderr.Bytes())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line, ok := strings.CutPrefix(sc.Text(), "LARGE "); ok {
			var r largeResult
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatalf("%s process reported nothing:\n%s", mode, out)
	return largeResult{}
}

// TestLargeTransfer uploads then downloads a file through the library, each
// in a process of its own, and checks the bytes by hash and each process's
// peak memory: 64 MiB always, 1 GiB unless -short.
func TestLargeTransfer(t *testing.T) {
	sizes := []int64{64 << 20}
	if !testing.Short() {
		sizes = append(sizes, 1<<30)
	}
	for _, size := range sizes {
		t.Run(strconv.FormatInt(size>>20, 10)+"MiB", func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "sandbox.db")
			h := drive.NewQuickXorHash()
			_, err := io.Copy(h, io.NewSectionReader(pattern{n: size, seed: 42}, 0, size))
			must(t, err)
			want := base64.StdEncoding.EncodeToString(h.Sum(nil))
			for _, mode := range []string{"upload", "download"} {
				r := runLarge(t, mode, db, size)
				t.Logf("%s of %d MiB: %.1f s, %.0f MB/s, peak RSS %d MB (library and sandbox in one process)",
					mode, size>>20, r.Seconds, float64(r.Bytes)/1e6/r.Seconds, r.PeakKB>>10)
				if r.Bytes != size || r.Hash != want || r.Remote != want {
					t.Fatalf("%s: %d bytes, hash %s (service %s), want %d bytes, %s", mode, r.Bytes, r.Hash, r.Remote, size, want)
				}
				if r.PeakKB > 64<<10 && !raceDetector {
					t.Fatalf("%s: peak RSS %d KiB, above 64 MiB", mode, r.PeakKB)
				}
			}
		})
	}
}
