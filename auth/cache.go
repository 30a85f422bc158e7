package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// The sections of MSAL's token cache (the "Contract" shared by the MSAL
// libraries, and python-o365's o365_token.txt since 2.1).
const (
	secAccessToken  = "AccessToken"
	secRefreshToken = "RefreshToken"
	secIDToken      = "IdToken"
	secAccount      = "Account"
	secAppMetadata  = "AppMetadata"
)

var cacheSections = []string{secAccessToken, secRefreshToken, secIDToken, secAccount, secAppMetadata}

// cacheDoc is a parsed token cache: each section maps entry keys to raw JSON
// objects; other top-level keys are kept as they are.
type cacheDoc struct {
	sections map[string]map[string]json.RawMessage
	other    map[string]json.RawMessage
}

func newCacheDoc() *cacheDoc {
	return &cacheDoc{sections: map[string]map[string]json.RawMessage{}, other: map[string]json.RawMessage{}}
}

// parseCache reads a token cache. Empty input is an empty cache. The error
// never includes the input, which holds secrets.
func parseCache(data []byte) (*cacheDoc, error) {
	doc := newCacheDoc()
	if len(bytes.TrimSpace(data)) == 0 {
		return doc, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, describeJSONError(err)
	}
	if top == nil {
		return nil, errors.New("the top level is not a JSON object")
	}
	if _, ok := top["access_token"]; ok {
		return nil, errLegacyToken
	}
	for k, v := range top {
		if !isSection(k) {
			doc.other[k] = v
			continue
		}
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(v, &entries); err != nil {
			return nil, fmt.Errorf("section %q is not an object of entries", k)
		}
		for _, ev := range entries {
			if t := bytes.TrimSpace(ev); len(t) == 0 || t[0] != '{' {
				return nil, fmt.Errorf("section %q: entry is not an object", k)
			}
		}
		if entries == nil {
			entries = map[string]json.RawMessage{}
		}
		doc.sections[k] = entries
	}
	return doc, nil
}

var errLegacyToken = errors.New("python-o365 token from before version 2.1")

// describeJSONError turns a decoding error into words without echoing data.
func describeJSONError(err error) error {
	var syn *json.SyntaxError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("truncated JSON")
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at byte %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return errors.New("the top level is not a JSON object")
	}
	return errors.New("invalid JSON")
}

func isSection(k string) bool {
	for _, s := range cacheSections {
		if s == k {
			return true
		}
	}
	return false
}

// encode writes the cache as indented JSON with sorted keys, the way
// python-o365 writes o365_token.txt.
func (d *cacheDoc) encode() ([]byte, error) {
	top := make(map[string]any, len(d.sections)+len(d.other))
	for k, v := range d.other {
		top[k] = v
	}
	for k, v := range d.sections {
		top[k] = v
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(top); err != nil {
		return nil, fmt.Errorf("auth: encoding the token cache: %w", err)
	}
	return buf.Bytes(), nil
}

func (d *cacheDoc) clone() *cacheDoc {
	c := newCacheDoc()
	for k, v := range d.other {
		c.other[k] = v
	}
	for s, entries := range d.sections {
		m := make(map[string]json.RawMessage, len(entries))
		for k, v := range entries {
			m[k] = v
		}
		c.sections[s] = m
	}
	return c
}

// field reads one string (or number) field of a raw entry.
func field(raw json.RawMessage, name string) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	switch v := m[name].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func jsonEqual(a, b json.RawMessage) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// newer reports whether entry a was cached after entry b, by cached_at (access
// tokens) or last_modification_time (refresh tokens written by python msal).
// Entries without timestamps are not newer.
func newer(a, b json.RawMessage) bool {
	for _, f := range []string{"cached_at", "last_modification_time"} {
		ta, errA := strconv.ParseInt(field(a, f), 10, 64)
		tb, errB := strconv.ParseInt(field(b, f), 10, 64)
		if errA == nil && errB == nil {
			return ta > tb
		}
	}
	return false
}

// merge3 applies the changes between base (what this process loaded) and ours
// (what MSAL holds now) to disk (what the store holds now), so that entries
// written by other processes since base was loaded survive. Entries we removed
// are removed; entries we added or changed are written unless the store holds a
// newer version of the same entry.
func merge3(base, ours, disk *cacheDoc) *cacheDoc {
	out := disk.clone()
	for _, s := range cacheSections {
		b, o := base.sections[s], ours.sections[s]
		for k, ov := range o {
			if bv, ok := b[k]; ok && jsonEqual(bv, ov) {
				continue
			}
			if dv, ok := out.sections[s][k]; ok && newer(dv, ov) {
				continue
			}
			if out.sections[s] == nil {
				out.sections[s] = map[string]json.RawMessage{}
			}
			if dv, ok := out.sections[s][k]; ok && s == secRefreshToken {
				ov = keepPythonFields(ov, dv)
			}
			out.sections[s][k] = ov
		}
		for k := range b {
			if _, ok := o[k]; !ok {
				delete(out.sections[s], k)
			}
		}
	}
	for k, ov := range ours.other {
		if bv, ok := base.other[k]; !ok || !jsonEqual(bv, ov) {
			out.other[k] = ov
		}
	}
	for k := range base.other {
		if _, ok := ours.other[k]; !ok {
			delete(out.other, k)
		}
	}
	return out
}

// keepPythonFields carries the fields python msal writes on refresh tokens
// (target, last_modification_time) over to a rotated refresh token written by
// MSAL Go, which omits them: python-o365 reads the scopes to refresh from target.
func keepPythonFields(ours, old json.RawMessage) json.RawMessage {
	var o, d map[string]any
	if json.Unmarshal(ours, &o) != nil || json.Unmarshal(old, &d) != nil {
		return ours
	}
	changed := false
	if _, ok := o["target"]; !ok && d["target"] != nil {
		o["target"], changed = d["target"], true
	}
	if _, ok := d["last_modification_time"]; ok {
		if _, ok := o["last_modification_time"]; !ok {
			o["last_modification_time"], changed = strconv.FormatInt(time.Now().Unix(), 10), true
		}
	}
	if !changed {
		return ours
	}
	b, err := json.Marshal(o)
	if err != nil {
		return ours
	}
	return b
}

func docsEqual(a, b *cacheDoc) bool {
	if len(a.other) != len(b.other) {
		return false
	}
	for k, v := range a.other {
		if w, ok := b.other[k]; !ok || !jsonEqual(v, w) {
			return false
		}
	}
	for _, s := range cacheSections {
		x, y := a.sections[s], b.sections[s]
		if len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !jsonEqual(v, w) {
				return false
			}
		}
	}
	return true
}

// replaceMode changes what MSAL is shown on the next Replace calls made with
// the context that carries it.
type replaceMode struct {
	// cacheOnly hides refresh tokens (and refresh_on hints), so that MSAL can
	// answer from cached access tokens but cannot go to the network.
	cacheOnly bool
	// dropAccessTokens hides this client's access tokens for homeID ("" for
	// application tokens), so that MSAL must redeem the refresh token (or the
	// client credential) again: a forced refresh.
	dropAccessTokens bool
	homeID           string
}

type replaceModeKey struct{}

func withReplaceMode(ctx context.Context, m replaceMode) context.Context {
	return context.WithValue(ctx, replaceModeKey{}, m)
}

// cacheAdapter connects a Store to MSAL's cache.ExportReplace. It remembers
// what MSAL was last given so that Export writes only MSAL's own changes,
// merged into whatever the store holds by then.
type cacheAdapter struct {
	store    Store
	clientID string
	log      *slog.Logger

	mu   sync.Mutex
	base *cacheDoc

	sem chan struct{} // the lock for stores that are not Lockers
}

func newCacheAdapter(s Store, clientID string, log *slog.Logger) *cacheAdapter {
	return &cacheAdapter{store: s, clientID: clientID, log: log, base: newCacheDoc(), sem: make(chan struct{}, 1)}
}

// storeName names a store in errors.
func storeName(s Store) string {
	if n, ok := s.(fmt.Stringer); ok {
		return n.String()
	}
	return fmt.Sprintf("token store %T", s)
}

// load reads and parses the store.
func (a *cacheAdapter) load(ctx context.Context) (*cacheDoc, error) {
	data, err := a.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	doc, err := parseCache(data)
	if err != nil {
		return nil, &CorruptCacheError{Source: storeName(a.store), Legacy: errors.Is(err, errLegacyToken), Err: err}
	}
	return doc, nil
}

// Replace implements cache.ExportReplace.
func (a *cacheAdapter) Replace(ctx context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	doc, err := a.load(ctx)
	if err != nil {
		return storeError{err}
	}
	shown, base := doc, doc
	if m, ok := ctx.Value(replaceModeKey{}).(replaceMode); ok {
		shown = doc.clone()
		a.apply(shown, m)
		if !m.dropAccessTokens {
			// Hidden refresh tokens are not deletions: Export must not remove them.
			base = shown
		}
		// Dropped access tokens are superseded by the forced refresh: Export
		// removes them from the store even when MSAL does not cache the new
		// token (it skips tokens that expire within 5 minutes).
	}
	data, err := shown.encode()
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.base = base
	a.mu.Unlock()
	if err := u.Unmarshal(data); err != nil {
		return storeError{&CorruptCacheError{Source: storeName(a.store), Err: errors.New("MSAL cannot read an entry")}}
	}
	return nil
}

func (a *cacheAdapter) apply(doc *cacheDoc, m replaceMode) {
	if m.cacheOnly {
		delete(doc.sections, secRefreshToken)
		for k, v := range doc.sections[secAccessToken] {
			var entry map[string]json.RawMessage
			if json.Unmarshal(v, &entry) == nil && entry["refresh_on"] != nil {
				delete(entry, "refresh_on")
				if b, err := json.Marshal(entry); err == nil {
					doc.sections[secAccessToken][k] = b
				}
			}
		}
	}
	if m.dropAccessTokens {
		for k, v := range doc.sections[secAccessToken] {
			if strings.EqualFold(field(v, "client_id"), a.clientID) && strings.EqualFold(field(v, "home_account_id"), m.homeID) {
				delete(doc.sections[secAccessToken], k)
			}
		}
	}
}

// Export implements cache.ExportReplace.
func (a *cacheAdapter) Export(ctx context.Context, m cache.Marshaler, _ cache.ExportHints) error {
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("auth: reading MSAL's cache: %w", err)
	}
	ours, err := parseCache(data)
	if err != nil {
		return fmt.Errorf("auth: reading MSAL's cache: %w", err)
	}
	a.mu.Lock()
	base := a.base
	a.mu.Unlock()
	if docsEqual(base, ours) {
		return nil
	}
	err = a.update(ctx, func(disk *cacheDoc) (*cacheDoc, error) {
		merged := merge3(base, ours, disk)
		a.mu.Lock()
		a.base = ours
		a.mu.Unlock()
		return merged, nil
	})
	if err != nil {
		return storeError{err}
	}
	return nil
}

// update changes the store under its lock: load, change, save.
func (a *cacheAdapter) update(ctx context.Context, change func(*cacheDoc) (*cacheDoc, error)) error {
	ctx, unlock, err := a.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	disk, err := a.load(ctx)
	if err != nil {
		return err
	}
	doc, err := change(disk)
	if err != nil {
		return err
	}
	out, err := doc.encode()
	if err != nil {
		return err
	}
	if err := a.store.Save(ctx, out); err != nil {
		return err
	}
	a.log.DebugContext(ctx, "auth: token cache saved", "store", storeName(a.store))
	return nil
}

// storeError marks an error of the store (or of reading its content) on its
// way through MSAL, so that it reaches the caller unchanged.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }

func (e storeError) Unwrap() error { return e.err }

type adapterLockKey struct{ a *cacheAdapter }

// lock takes the store's lock (a Locker's, else one private to this adapter)
// unless ctx already carries it, so that nested calls do not deadlock.
func (a *cacheAdapter) lock(ctx context.Context) (context.Context, func(), error) {
	if ctx.Value(adapterLockKey{a}) != nil {
		return ctx, func() {}, nil
	}
	var unlock func()
	if l, ok := a.store.(Locker); ok {
		lctx, u, err := l.Lock(ctx)
		if err != nil {
			return nil, nil, err
		}
		ctx, unlock = lctx, u
	} else {
		select {
		case a.sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("auth: waiting for the token store: %w", ctx.Err())
		}
		unlock = func() { <-a.sem }
	}
	return context.WithValue(ctx, adapterLockKey{a}, true), unlock, nil
}

// storedAccount is one user found in the cache, with the MSAL account value
// used to ask for that user's tokens.
type storedAccount struct {
	username string
	account  public.Account
}

// accounts lists the users that hold tokens of this client, sorted by name.
func (a *cacheAdapter) accounts(ctx context.Context) ([]storedAccount, error) {
	doc, err := a.load(ctx)
	if err != nil {
		return nil, err
	}
	return doc.accounts(a.clientID), nil
}

func (d *cacheDoc) accounts(clientID string) []storedAccount {
	// An account belongs to this client when one of its credentials does: the
	// file may be shared with other applications.
	owned := map[string]bool{}
	for _, s := range []string{secRefreshToken, secIDToken, secAccessToken} {
		for _, v := range d.sections[s] {
			if strings.EqualFold(field(v, "client_id"), clientID) {
				owned[strings.ToLower(field(v, "home_account_id")+"|"+field(v, "environment"))] = true
			}
		}
	}
	var out []storedAccount
	for _, v := range d.sections[secAccount] {
		var acct public.Account
		if json.Unmarshal(v, &acct) != nil || acct.HomeAccountID == "" {
			continue
		}
		if !owned[strings.ToLower(acct.HomeAccountID+"|"+acct.Environment)] {
			continue
		}
		out = append(out, storedAccount{username: acct.PreferredUsername, account: acct})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].username != out[j].username {
			return out[i].username < out[j].username
		}
		return out[i].account.HomeAccountID < out[j].account.HomeAccountID
	})
	return out
}
