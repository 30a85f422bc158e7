package sandbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/area"
	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/demo"
)

// Options configure a Server. The zero value is an empty in-memory tenant
// with the demo tenant's identity, listening on a random loopback port.
type Options struct {
	// Addr is the listen address for Start; "" is "127.0.0.1:0".
	Addr string
	// DBPath is the SQLite file; "" or ":memory:" keeps everything in
	// memory. The CLI uses DefaultDBPath.
	DBPath string
	// TLS serves https with a self-signed certificate for 127.0.0.1, ::1
	// and localhost, generated once and kept next to DBPath (in memory for
	// an in-memory store). MSAL needs an https authority.
	TLS bool
	// TenantID (a GUID) and TenantDomain name the tenant; "" uses
	// DemoTenantID and DemoTenantDomain.
	TenantID     string
	TenantDomain string
	// Seed names the data to load at New: "demo" or "" for none.
	Seed string
	// SeedSize scales the demo data, for benchmarks.
	SeedSize SeedSize
	// Faults is a fault-injection spec, see SetFaults.
	Faults string
	// InteractiveSignIn shows the sign-in page at the authorize and device
	// endpoints; by default DemoUser is signed in without a form.
	InteractiveSignIn bool
	// AccessTokenTTL is the lifetime of issued access tokens; zero is one
	// hour.
	AccessTokenTTL time.Duration
	// DeviceCodeInterval is the device code flow's polling interval; zero
	// is five seconds. Tests shorten it.
	DeviceCodeInterval time.Duration
	// Logger receives one record per request; nil discards.
	Logger *slog.Logger
	// Clock is the time source; nil is time.Now.
	Clock func() time.Time
}

// Server is a local, stateful Microsoft Graph with its own identity
// platform. It is safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	tenantID string
	eng      *core.Engine
	certPEM  []byte
	certFile string // where certPEM is kept, "" in memory
	cert     *tls.Certificate

	mu      sync.Mutex
	srv     *http.Server
	baseURL string
	closed  chan struct{} // closed by Close
	once    sync.Once
}

// DefaultDBPath is where `o365 sandbox serve` keeps its database:
// $XDG_DATA_HOME/o365/sandbox.db, else ~/.local/share/o365/sandbox.db.
func DefaultDBPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("sandbox: no XDG_DATA_HOME and no home directory: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "o365", "sandbox.db"), nil
}

// New opens the store, migrates it, and seeds it when opts.Seed asks. It
// does not listen: use Start, or mount Handler yourself.
func New(opts Options) (*Server, error) {
	ctx := context.Background()
	s := &Server{opts: opts, log: opts.Logger, now: opts.Clock, tenantID: opts.TenantID, closed: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.tenantID == "" {
		s.tenantID = DemoTenantID
	}
	domain := opts.TenantDomain
	if domain == "" {
		domain = DemoTenantDomain
	}
	if _, err := uuid.Parse(s.tenantID); err != nil {
		return nil, fmt.Errorf("sandbox: TenantID %q must be a GUID: %w", s.tenantID, err)
	}
	if opts.Seed != "" && opts.Seed != "demo" {
		return nil, fmt.Errorf("sandbox: unknown seed %q; use \"demo\" or \"\"", opts.Seed)
	}
	defaultUser := DemoUser
	if opts.InteractiveSignIn {
		defaultUser = ""
	}
	path := opts.DBPath
	if path == "" {
		path = ":memory:"
	}
	eng, err := core.New(ctx, core.Config{
		DBPath:             path,
		TenantID:           s.tenantID,
		Domain:             domain,
		Areas:              area.All(),
		Faults:             opts.Faults,
		DefaultUser:        defaultUser,
		AccessTokenTTL:     opts.AccessTokenTTL,
		DeviceCodeInterval: opts.DeviceCodeInterval,
		SeedEpoch:          demo.Epoch(),
		Logger:             s.log,
		Now:                s.now,
	})
	if err != nil {
		return nil, err
	}
	s.eng = eng
	fail := func(err error) (*Server, error) {
		eng.Close()
		return nil, err
	}
	if opts.TLS {
		if err := s.loadCert(ctx, path); err != nil {
			return fail(err)
		}
	}
	if opts.Seed != "" {
		if err := s.Seed(ctx, opts.Seed); err != nil {
			return fail(err)
		}
	}
	return s, nil
}

// Handler serves the whole sandbox: identity endpoints, /v1.0, /beta,
// /api/v2.0 and $batch. It works without Start, e.g. under httptest.
func (s *Server) Handler() http.Handler { return s.eng.Handler() }

// SetFaults replaces the fault-injection spec at run time; "" turns rate
// faults off. The spec is "429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42":
// rates for 429, 500, 502, 503, 504, reset (connection closed before the
// request is handled) and drop (handled, then closed without the answer), a
// latency or latency range added to every request, the PRNG seed, and
// retry-after=N for the Retry-After of 429/503 (default 1). Rate faults
// never touch the identity endpoints nor a $batch envelope (its items draw
// their own); the X-Sandbox-Fault request header forces a fault on any
// request.
func (s *Server) SetFaults(spec string) error { return s.eng.SetFaults(spec) }

// FaultsInjected returns how many faults of each kind ("429", "reset",
// "drop", ...) the server has injected since it started, so a test can check
// that its fault spec actually fired.
func (s *Server) FaultsInjected() map[string]int { return s.eng.FaultsInjected() }

// Start listens on Options.Addr and serves until Close or ctx ends.
func (s *Server) Start(ctx context.Context) error {
	addr := s.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	scheme := "http"
	if s.cert != nil {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*s.cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.mu.Lock()
	if s.srv != nil {
		s.mu.Unlock()
		ln.Close()
		return errors.New("sandbox: already started")
	}
	s.srv = srv
	host := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
	}
	s.baseURL = scheme + "://" + host
	s.mu.Unlock()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("sandbox: serve", "err", err)
		}
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.shutdown()
		case <-s.closed:
		}
	}()
	return nil
}

func (s *Server) shutdown() {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
}

// Close stops serving, waits for pending notifications and closes the store.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.closed)
		s.shutdown()
		err = s.eng.Close()
	})
	return err
}

// URL is the base URL after Start, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// GraphURL is the Graph v1.0 root, "{URL}/v1.0/".
func (s *Server) GraphURL() string { return s.URL() + "/v1.0/" }

// BetaURL is the Graph beta root, "{URL}/beta/".
func (s *Server) BetaURL() string { return s.URL() + "/beta/" }

// OutlookURL is the Outlook REST v2.0 root, "{URL}/api/v2.0/".
func (s *Server) OutlookURL() string { return s.URL() + "/api/v2.0/" }

// AuthorityURL is the identity authority for tenant ("" is the tenant's
// id), e.g. "{URL}/{tenant}", as MSAL wants it.
func (s *Server) AuthorityURL(tenant string) string {
	if tenant == "" {
		tenant = s.tenantID
	}
	return s.URL() + "/" + tenant
}

// TenantID is the tenant's GUID.
func (s *Server) TenantID() string { return s.tenantID }

// CertPEM is the PEM of the self-signed TLS certificate, nil without TLS.
func (s *Server) CertPEM() []byte { return s.certPEM }

// CertFile is the path of the TLS certificate's PEM file (next to the
// database), for clients that trust certificates by file (e.g.
// SSL_CERT_FILE); "" without TLS or with an in-memory store.
func (s *Server) CertFile() string { return s.certFile }

// CertPool trusts the sandbox's TLS certificate; nil without TLS.
func (s *Server) CertPool() *x509.CertPool {
	if s.certPEM == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.certPEM)
	return pool
}

// ApproveDevice approves a pending device code sign-in (the code the
// device flow shows the user) as login, as a person would on the
// verification page; the error says when the code or user is unknown.
func (s *Server) ApproveDevice(ctx context.Context, userCode, login string) error {
	return s.eng.ApproveDevice(ctx, userCode, login)
}

// Client returns an HTTP client that trusts the sandbox's certificate.
func (s *Server) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if pool := s.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}
}
