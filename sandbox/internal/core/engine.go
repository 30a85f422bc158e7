package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/identity"
)

// Config configures an Engine.
type Config struct {
	// DBPath is the SQLite file; ":memory:" keeps everything in memory.
	DBPath string
	// TenantID (a GUID) and Domain name the tenant.
	TenantID, Domain string
	// Areas are the service areas served, in seeding order.
	Areas []Area
	// Faults is a fault-injection spec, see Engine.SetFaults.
	Faults string
	// DefaultUser is signed in without a form at the authorize and device
	// endpoints; "" shows the sign-in page.
	DefaultUser string
	// AccessTokenTTL and DeviceCodeInterval tune the identity platform; zero
	// values are its defaults.
	AccessTokenTTL, DeviceCodeInterval time.Duration
	// SeedEpoch is SeedContext.Epoch.
	SeedEpoch time.Time
	// Logger receives one record per request; nil discards.
	Logger *slog.Logger
	// Now is the time source; nil is time.Now.
	Now func() time.Time
}

// Engine is the sandbox's machinery: the store, the identity platform, the
// router with its areas, $batch, faults and change notifications, behind one
// http.Handler. It is safe for concurrent use.
type Engine struct {
	log      *slog.Logger
	now      func() time.Time
	tenantID string
	domain   string
	epoch    time.Time
	st       *Store
	idp      *identity.Provider
	router   *router
	areas    []Area
	faults   atomic.Pointer[faultInjector]
	injected struct {
		mu sync.Mutex
		n  map[string]int
	}
	tokenKey []byte // signs skip, delta and upload tokens
	verified struct {
		mu sync.Mutex
		m  map[string]*identity.Claims
	}
	notify *notifier
	once   sync.Once
	// bg runs the background work of Call.Go until Close.
	bg struct {
		ctx    context.Context
		cancel context.CancelFunc
		wg     sync.WaitGroup
	}
}

// New opens the store, migrates it and assembles the engine around the
// areas. It seeds nothing: see Seed.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	s := &Engine{log: cfg.Logger, now: cfg.Now, tenantID: cfg.TenantID, domain: cfg.Domain, epoch: cfg.SeedEpoch}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.SetFaults(cfg.Faults); err != nil {
		return nil, err
	}
	s.areas = append([]Area{builtinArea(cfg.Areas)}, cfg.Areas...)
	if err := checkAreas(s.areas); err != nil {
		return nil, err
	}
	rt, err := newRouter(s.areas)
	if err != nil {
		return nil, err
	}
	s.router = rt
	path := cfg.DBPath
	if path == "" {
		path = ":memory:"
	}
	st, err := openStore(ctx, path, s.now)
	if err != nil {
		return nil, err
	}
	s.st = st
	fail := func(err error) (*Engine, error) {
		st.close()
		return nil, err
	}
	if s.tokenKey, err = s.secret(ctx, "sandbox:secret:token-key"); err != nil {
		return fail(err)
	}
	// Grants (codes, refresh tokens) expire; a long-lived database sheds them.
	if err := st.Write(ctx, func(tx *Tx) error { return tx.kvPurge(ctx) }); err != nil {
		return fail(err)
	}
	s.idp, err = identity.New(identity.Config{
		TenantID:           s.tenantID,
		TenantDomain:       s.domain,
		Directory:          idpDirectory{s.st},
		KV:                 idpKV{s.st},
		DefaultUser:        cfg.DefaultUser,
		Now:                s.now,
		AccessTokenTTL:     cfg.AccessTokenTTL,
		DeviceCodeInterval: cfg.DeviceCodeInterval,
		Logger:             s.log,
	})
	if err != nil {
		return fail(fmt.Errorf("sandbox: identity provider: %w", err))
	}
	s.notify = newNotifier(s)
	st.onCommit = s.notify.enqueue
	s.bg.ctx, s.bg.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return s, nil
}

// secret returns a random 32-byte key stored under name, creating it once.
func (s *Engine) secret(ctx context.Context, name string) ([]byte, error) {
	var key []byte
	err := s.st.Write(ctx, func(tx *Tx) error {
		v, ok, err := tx.KVGet(ctx, name)
		if err != nil || ok {
			key = v
			return err
		}
		key = make([]byte, 32)
		rand.Read(key)
		return tx.KVPut(ctx, name, key, time.Time{})
	})
	return key, err
}

// Close waits for pending notifications and closes the store.
func (s *Engine) Close() error {
	var err error
	s.once.Do(func() {
		s.bg.cancel()
		s.bg.wg.Wait()
		s.notify.close()
		err = s.st.close()
	})
	return err
}

// Store is the tenant's store.
func (s *Engine) Store() *Store { return s.st }

// goBackground runs fn until it returns or the engine closes (see Call.Go).
func (s *Engine) goBackground(fn func(ctx context.Context)) {
	s.bg.wg.Add(1)
	go func() {
		defer s.bg.wg.Done()
		fn(s.bg.ctx)
	}()
}

// ApproveDevice approves a pending device code sign-in as login, as a person
// would on the verification page.
func (s *Engine) ApproveDevice(ctx context.Context, userCode, login string) error {
	return s.idp.ApproveDevice(ctx, userCode, login)
}

// Handler serves the whole sandbox: identity endpoints, /v1.0, /beta,
// /api/v2.0 and $batch.
func (s *Engine) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

func (s *Engine) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	identityPath := s.idp.Owns(r.URL.Path)
	out := w
	if !identityPath {
		var finish func()
		out, finish = compressResponse(w, r)
		defer finish() // after the answer, panics included, is written
	}
	rec := &statusRecorder{ResponseWriter: out}
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
				writeError(rec, s.now(), Errorf(http.StatusInternalServerError, "generalException", "An internal server error occurred."))
			}
		}
		s.log.Info("sandbox request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"request-id", h.Get("request-id"), "duration", s.now().Sub(start))
	}()
	proceed, drop, dropAfter := s.applyFaults(rec, r, identityPath)
	if !proceed {
		return
	}
	if drop && dropAfter > 0 {
		s.serveAPIOrIdentity(&cutWriter{ResponseWriter: rec, left: dropAfter}, r, identityPath)
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

func (s *Engine) serveAPIOrIdentity(w http.ResponseWriter, r *http.Request, identityPath bool) {
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
func (s *Engine) serveAPI(w http.ResponseWriter, r *http.Request) {
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
		writeError(w, s.now(), Errorf(http.StatusNotFound, "NotFound",
			"No API here: use /v1.0/, /beta/, /api/v2.0/ or the identity endpoints under /{tenant}/."))
		return
	}
	w.Header().Set("OData-Version", "4.0")
	ctx := r.Context()
	// Graph serves "/v1.0//sites/{id}/drive" as "/v1.0/sites/{id}/drive":
	// python-o365 builds such URLs (a resource with a leading '/' after
	// its service URL's '/').
	rest = strings.TrimLeft(rest, "/")
	path, err := parsePath(rest)
	if err != nil {
		writeError(w, s.now(), BadRequest("Invalid request path: %v.", err))
		return
	}
	if aerr := inflateBody(r); aerr != nil {
		writeError(w, s.now(), aerr)
		return
	}
	segs := path.segs
	if len(segs) == 1 && segs[0] == "$batch" && r.Method == http.MethodPost {
		if _, aerr := s.authenticate(ctx, r, root); aerr != nil {
			writeError(w, s.now(), aerr)
			return
		}
		s.serveBatch(w, r, root)
		return
	}
	m, allowed := s.router.find(r.Method, segs)
	countOnly := false
	if cm := s.router.countRoute(r.Method, segs, m); cm != nil {
		m, allowed, countOnly = cm, nil, true
	}
	var claims *identity.Claims
	if m == nil || !m.route.Public {
		var aerr *Error
		if claims, aerr = s.authenticate(ctx, r, root); aerr != nil {
			writeError(w, s.now(), aerr)
			return
		}
	}
	if m == nil {
		writeError(w, s.now(), s.noRoute(r.Method, segs, allowed))
		return
	}
	var tail []string
	if m.rest != nil {
		tail = path.tail(len(segs) - len(m.rest))
	}
	c := &Call{W: w, R: r, s: s, root: root, route: m.route, params: m.params, rest: tail, args: path.args, Claims: claims, countOnly: countOnly}
	if err := s.dispatch(ctx, c, m); err != nil {
		ae := asError(err)
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
func (s *Engine) dispatch(ctx context.Context, c *Call, m *match) error {
	if !m.route.Public {
		err := s.admit(ctx, c, m.route, m.login)
		if ae := (*Error)(nil); errors.As(err, &ae) && ae.Code == "ErrorInvalidUser" && len(m.route.segs) == 1 {
			// The user itself is the resource: the directory's wording.
			return ResourceNotFound(m.login)
		}
		if err != nil {
			return err
		}
	}
	return m.route.Handle(ctx, c)
}

// admit resolves the {user} of a non-public route r (login "" is me) into
// c.User and checks that c.Claims grant r; a delegated call addressing
// another user needs r's shared scopes and, on a mailbox route, that
// user's grant.
func (s *Engine) admit(ctx context.Context, c *Call, r *Route, login string) error {
	other := false
	if r.isUserRoute() {
		u, err := s.resolvePrincipal(ctx, c.Claims, login)
		if err != nil {
			return err
		}
		c.User = u
		other = !c.Claims.AppOnly && !strings.EqualFold(u.ID, c.Claims.ObjectID)
	}
	if err := authorize(c.Claims, r, other); err != nil {
		return err
	}
	if r.Mailbox == NotMailbox || !r.isUserRoute() {
		return nil
	}
	// Read the grants now, outside the handler's transactions.
	a, err := c.MailboxAccess(ctx)
	if err != nil {
		return err
	}
	return checkMailbox(r.Mailbox, a)
}

// isUserRoute reports whether the route addresses a user through {user}.
func (r *Route) isUserRoute() bool { return len(r.segs) > 0 && r.segs[0] == principalUser }

// resolvePrincipal turns "me" (login "") or a users/{login} segment into
// a directory user.
func (s *Engine) resolvePrincipal(ctx context.Context, claims *identity.Claims, login string) (*User, error) {
	if login == "" {
		if claims.AppOnly {
			return nil, BadRequest("/me request is only valid with delegated authentication flow.")
		}
		login = claims.ObjectID
	}
	// Outlook REST addresses users as "{object id}@{tenant id}".
	if id, tenant, ok := strings.Cut(login, "@"); ok && strings.EqualFold(tenant, s.tenantID) {
		login = id
	}
	var u *User
	err := s.st.Read(ctx, func(tx *Tx) error {
		var err error
		u, err = LookupUser(ctx, tx, login)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return nil, Errorf(http.StatusNotFound, "ErrorInvalidUser", "The requested user '%s' is invalid.", login)
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
