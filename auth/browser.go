package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// BrowserOptions configures NewBrowser.
type BrowserOptions struct {
	// OpenURL opens the sign-in page; nil means OpenBrowser, the system
	// browser. A CLI on a machine without one can print the URL.
	OpenURL func(url string) error
	// Timeout bounds the wait for the browser's redirect; 0 means 5 minutes.
	Timeout time.Duration
	// Port is the loopback port; 0 picks a free one. The app registration must
	// list the redirect URI http://localhost (any port is accepted for it).
	Port int
}

// NewBrowser returns a credential for the authorization code flow with PKCE
// and a loopback redirect: Authenticate listens on 127.0.0.1, opens the
// sign-in page in the browser and waits (up to Timeout) for the identity
// platform to send the browser back with the code, checking the state.
func NewBrowser(cfg Config, opts BrowserOptions) (*Credential, error) {
	c, err := newUser(cfg, "browser", "")
	if err != nil {
		return nil, err
	}
	c.codeFlow = &codeFlow{responseMode: "form_post", prompt: "select_account"}
	open := opts.OpenURL
	if open == nil {
		open = OpenBrowser
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	c.signIn = func(ctx context.Context, scopes []string) (public.AuthResult, error) {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return c.browserSignIn(ctx, scopes, open, opts.Port, timeout)
	}
	return c, nil
}

// redirectResult is what the loopback server received.
type redirectResult struct {
	params url.Values
	err    error
}

func (c *Credential) browserSignIn(ctx context.Context, scopes []string, open func(string) error, port int, timeout time.Duration) (public.AuthResult, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return public.AuthResult{}, fmt.Errorf("auth: listening for the browser's redirect: %w", err)
	}
	port = ln.Addr().(*net.TCPAddr).Port
	// Browsers may resolve localhost to ::1 first; listen there too if we can.
	lns := []net.Listener{ln}
	if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
		lns = append(lns, ln6)
	}
	redirect := fmt.Sprintf("http://localhost:%d/", port)
	flow, err := c.authCodeURLFor(ctx, scopes, redirect)
	if err != nil {
		closeAll(lns)
		return public.AuthResult{}, err
	}

	results := make(chan redirectResult, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: loopbackHandler(flow.State, results)}
	for _, l := range lns {
		go func() { _ = srv.Serve(l) }()
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	if err := open(flow.URL); err != nil {
		return public.AuthResult{}, fmt.Errorf("auth: opening the browser: %w", err)
	}
	c.s.log.InfoContext(ctx, "auth: waiting for the browser", "redirect_uri", redirect)
	select {
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return public.AuthResult{}, fmt.Errorf("auth: no sign-in from the browser within %s: %w", timeout, ctx.Err())
		}
		return public.AuthResult{}, ctx.Err()
	case r := <-results:
		if r.err != nil {
			return public.AuthResult{}, r.err
		}
		return c.redeemParams(ctx, flow, r.params)
	}
}

func closeAll(lns []net.Listener) {
	for _, l := range lns {
		l.Close()
	}
}

const pageDone = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed in</title></head>
<body><p>You are signed in. You can close this tab and return to the application.</p></body></html>`

const pageFailed = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body><p>Sign-in failed: %s</p><p>Return to the application for details.</p></body></html>`

// loopbackHandler answers the browser's redirect: the code arrives as a form
// post (response_mode=form_post) or, from other identity providers, in the
// query. The first redirect that answers our state wins; others are refused.
func loopbackHandler(state string, results chan<- redirectResult) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost && r.Method != http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, pageFailed, "the redirect could not be read")
			return
		}
		params := r.Form
		if params.Get("code") == "" && params.Get("error") == "" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, pageFailed, "the redirect carries no authorization code")
			return
		}
		if params.Get("state") != state {
			// Not ours (or forged): do not end the wait on it.
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, pageFailed, "the redirect does not answer this sign-in request")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if e := params.Get("error"); e != "" {
			fmt.Fprintf(w, pageFailed, html.EscapeString(e))
		} else {
			fmt.Fprint(w, pageDone)
		}
		select {
		case results <- redirectResult{params: params}:
		default:
		}
	})
}

// OpenBrowser opens url in the desktop's browser (open on macOS, rundll32 on
// Windows, xdg-open elsewhere) and returns once the opener has started. The
// URL is passed as an argument, never parsed by a shell. It is what NewBrowser
// uses when BrowserOptions.OpenURL is nil.
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
