package sandbox

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/identity"
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

// SeedSize scales the demo tenant. Zero values give the small default.
type SeedSize struct {
	// MessagesPerInbox adds that many generated messages to one folder:
	// the inbox of DemoUser (Alice), newest first a minute apart, after the
	// three samples every demo mailbox holds; the other mailboxes keep only
	// the samples. 100,000 (the "100,000 messages in one folder")
	// seeds in a few seconds.
	MessagesPerInbox int
	// ExtraUsers adds that many generated users to the directory.
	ExtraUsers int
}

// Server is a local, stateful Microsoft Graph with its own identity
// platform. It is safe for concurrent use.
type Server struct {
	opts     Options
	log      *slog.Logger
	now      func() time.Time
	tenantID string
	domain   string
	st       *store
	idp      *identity.Provider
	router   *router
	areas    []area
	faults   atomic.Pointer[faultInjector]
	injected struct {
		mu sync.Mutex
		n  map[string]int
	}
	tokenKey []byte // signs skip and delta tokens
	verified struct {
		mu sync.Mutex
		m  map[string]*identity.Claims
	}
	notify   *notifier
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
	s := &Server{opts: opts, log: opts.Logger, now: opts.Clock, tenantID: opts.TenantID, domain: opts.TenantDomain,
		closed: make(chan struct{})}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.tenantID == "" {
		s.tenantID = DemoTenantID
	}
	if s.domain == "" {
		s.domain = DemoTenantDomain
	}
	if _, err := uuid.Parse(s.tenantID); err != nil {
		return nil, fmt.Errorf("sandbox: TenantID %q must be a GUID: %w", s.tenantID, err)
	}
	if opts.Seed != "" && opts.Seed != "demo" {
		return nil, fmt.Errorf("sandbox: unknown seed %q; use \"demo\" or \"\"", opts.Seed)
	}
	if err := s.SetFaults(opts.Faults); err != nil {
		return nil, err
	}
	s.areas = registeredAreas
	rt, err := newRouter(s.areas)
	if err != nil {
		return nil, err
	}
	s.router = rt
	path := opts.DBPath
	if path == "" {
		path = ":memory:"
	}
	st, err := openStore(ctx, path, s.now)
	if err != nil {
		return nil, err
	}
	s.st = st
	fail := func(err error) (*Server, error) {
		st.close()
		return nil, err
	}
	if s.tokenKey, err = s.secret(ctx, "sandbox:secret:token-key"); err != nil {
		return fail(err)
	}
	// Grants (codes, refresh tokens) expire; a long-lived database sheds them.
	if err := st.write(ctx, func(tx *txn) error { return tx.kvPurge(ctx) }); err != nil {
		return fail(err)
	}
	defaultUser := DemoUser
	if opts.InteractiveSignIn {
		defaultUser = ""
	}
	s.idp, err = identity.New(identity.Config{
		TenantID:           s.tenantID,
		TenantDomain:       s.domain,
		Directory:          idpDirectory{s},
		KV:                 idpKV{s.st},
		DefaultUser:        defaultUser,
		Now:                s.now,
		AccessTokenTTL:     opts.AccessTokenTTL,
		DeviceCodeInterval: opts.DeviceCodeInterval,
		Logger:             s.log,
	})
	if err != nil {
		return fail(fmt.Errorf("sandbox: identity provider: %w", err))
	}
	if opts.TLS {
		if err := s.loadCert(ctx, path); err != nil {
			return fail(err)
		}
	}
	s.notify = newNotifier(s)
	st.onCommit = s.notify.enqueue
	if opts.Seed != "" {
		if err := s.Seed(ctx, opts.Seed); err != nil {
			return fail(err)
		}
	}
	return s, nil
}

// secret returns a random 32-byte key stored under name, creating it once.
func (s *Server) secret(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	err := s.st.write(ctx, func(tx *txn) error {
		v, ok, err := tx.kvGet(ctx, name)
		if err != nil || ok {
			key = v
			return err
		}
		key = make([]byte, 32)
		rand.Read(key)
		return tx.kvPut(ctx, name, key, time.Time{})
	})
	return key, err
}

// Handler serves the whole sandbox: identity endpoints, /v1.0, /beta,
// /api/v2.0 and $batch. It works without Start, e.g. under httptest.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	rec := &statusRecorder{ResponseWriter: w}
	h := w.Header()
	rid := uuid.NewString()
	h.Set("request-id", rid)
	// Graph echoes the caller's id, or reuses its own when there is none.
	if id := r.Header.Get("client-request-id"); id != "" && len(id) <= 128 {
		h.Set("client-request-id", id)
	} else {
		h.Set("client-request-id", rid)
	}
	h.Set("Cache-Control", "no-store")
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("sandbox: handler panic", "panic", fmt.Sprint(v), "path", r.URL.Path)
			if !rec.wrote {
				writeError(rec, s.now(), errorf(http.StatusInternalServerError, "generalException", "An internal server error occurred."))
			}
		}
		s.log.Info("sandbox request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"request-id", h.Get("request-id"), "duration", s.now().Sub(start))
	}()
	identityPath := s.idp.Owns(r.URL.Path)
	proceed, drop := s.applyFaults(rec, r, identityPath)
	if !proceed {
		return
	}
	if drop {
		// Do the work, then lose the answer: the handler writes into the void
		// and the connection is closed.
		s.serveAPIOrIdentity(&discardWriter{header: http.Header{}}, r, identityPath)
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return
		}
		panic(http.ErrAbortHandler)
	}
	s.serveAPIOrIdentity(rec, r, identityPath)
}

func (s *Server) serveAPIOrIdentity(w http.ResponseWriter, r *http.Request, identityPath bool) {
	if identityPath {
		s.idp.Handler().ServeHTTP(w, r)
		return
	}
	s.serveAPI(w, r)
}

// discardWriter is where a dropped answer goes.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// serveAPI routes a Graph or Outlook REST request and runs its handler.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	escaped := r.URL.EscapedPath()
	var root apiRoot
	var rest string
	found := false
	for _, ar := range apiRoots {
		if after, ok := strings.CutPrefix(escaped, "/"+ar.Path+"/"); ok {
			root, rest, found = ar, after, true
			break
		}
		if escaped == "/"+ar.Path {
			root, found = ar, true
			break
		}
	}
	if !found {
		writeError(w, s.now(), errorf(http.StatusNotFound, "NotFound",
			"No API here: use /v1.0/, /beta/, /api/v2.0/ or the identity endpoints under /{tenant}/."))
		return
	}
	w.Header().Set("OData-Version", "4.0")
	ctx := r.Context()
	segs, err := splitPath(rest)
	if err != nil {
		writeError(w, s.now(), errBadRequest("Invalid request path: %v.", err))
		return
	}
	if len(segs) == 1 && segs[0] == "$batch" && r.Method == http.MethodPost {
		if _, aerr := s.authenticate(ctx, r); aerr != nil {
			writeError(w, s.now(), aerr)
			return
		}
		s.serveBatch(w, r, root)
		return
	}
	m, allowed := s.router.find(r.Method, segs)
	var claims *identity.Claims
	if m == nil || !m.route.Public {
		var aerr *apiError
		if claims, aerr = s.authenticate(ctx, r); aerr != nil {
			writeError(w, s.now(), aerr)
			return
		}
	}
	if m == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, s.now(), errorf(http.StatusMethodNotAllowed, "BadRequest",
				"The HTTP method '%s' is not supported for this resource; use %s.", r.Method, strings.Join(allowed, " or ")))
			return
		}
		last := "/"
		if len(segs) > 0 {
			last = segs[len(segs)-1]
		}
		writeError(w, s.now(), errBadRequest("Resource not found for the segment '%s'.", last))
		return
	}
	c := &call{w: w, r: r, s: s, root: root, route: m.route, params: m.params, claims: claims}
	if err := s.dispatch(ctx, c, m); err != nil {
		ae := asAPIError(err)
		if ae.Status >= 500 {
			s.log.Error("sandbox: handler failed", "path", r.URL.Path, "err", err)
		}
		if sr, ok := w.(*statusRecorder); ok && sr.wrote {
			return // the answer is under way; a stream error cannot become a status
		}
		writeError(w, s.now(), ae)
	}
}

// dispatch resolves the principal, checks permissions and runs the handler.
func (s *Server) dispatch(ctx context.Context, c *call, m *match) error {
	if !m.route.Public {
		err := s.admit(ctx, c, m.route, m.login)
		if ae := (*apiError)(nil); errors.As(err, &ae) && ae.Code == "ErrorInvalidUser" && len(m.route.segs) == 1 {
			// The user itself is the resource: the directory's wording.
			return errResourceNotFound(m.login)
		}
		if err != nil {
			return err
		}
	}
	return m.route.Handle(ctx, c)
}

// admit resolves the {user} of a non-public route r (login "" is me) into
// c.user and checks that c.claims grant r; a delegated call addressing
// another user needs r's shared scopes.
func (s *Server) admit(ctx context.Context, c *call, r *route, login string) error {
	other := false
	if r.isUserRoute() {
		u, err := s.resolvePrincipal(ctx, c.claims, login)
		if err != nil {
			return err
		}
		c.user = u
		other = !c.claims.AppOnly && !strings.EqualFold(u.ID, c.claims.ObjectID)
	}
	if err := authorize(c.claims, r, other); err != nil {
		return err
	}
	return nil
}

// isUserRoute reports whether the route addresses a user through {user}.
func (r *route) isUserRoute() bool { return len(r.segs) > 0 && r.segs[0] == principalUser }

// resolvePrincipal turns "me" (login "") or a users/{login} segment into
// a directory user.
func (s *Server) resolvePrincipal(ctx context.Context, claims *identity.Claims, login string) (*dirUser, error) {
	if login == "" {
		if claims.AppOnly {
			return nil, errBadRequest("/me request is only valid with delegated authentication flow.")
		}
		login = claims.ObjectID
	}
	// Outlook REST addresses users as "{object id}@{tenant id}".
	if id, tenant, ok := strings.Cut(login, "@"); ok && strings.EqualFold(tenant, s.tenantID) {
		login = id
	}
	var u *dirUser
	err := s.st.read(ctx, func(tx *txn) error {
		var err error
		u, err = lookupUser(ctx, tx, login)
		return err
	})
	if errors.Is(err, errNotFound) {
		return nil, errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", login)
	}
	return u, err
}

// statusRecorder remembers the status for logging and whether a header was
// written, and passes hijacking and flushing through.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if !r.wrote {
		r.status, r.wrote = http.StatusOK, true
	}
	return r.ResponseWriter.Write(p)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

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
		s.notify.close()
		err = s.st.close()
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
	return s.idp.ApproveDevice(ctx, userCode, login)
}

// Client returns an HTTP client that trusts the sandbox's certificate.
func (s *Server) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if pool := s.CertPool(); pool != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr}
}
