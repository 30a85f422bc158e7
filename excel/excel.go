// Package excel works with Excel workbooks stored in OneDrive and
// SharePoint through Microsoft Graph: worksheets, ranges by A1 address
// (values, formulas, number formats, text), tables with their rows and
// columns, sorting and filtering, named items, worksheet functions and
// recalculation, in a session or without one.
//
// Cells hold Values (numbers, text, booleans, error values such as #DIV/0!
// and blanks), read with typed accessors rather than as untyped JSON.
// A workbook is opened from a drive item (any bound model with a path,
// such as the drive package's items) or from a path in the account's
// drive; every call then carries the session's workbook-session-id, the
// session is refreshed while in use, and Close ends it.
//
//	wb, err := excel.OpenPath(ctx, acct, "/Reports/Q3.xlsx", nil)
//	defer wb.Close(ctx)
//	r, err := wb.GetRange(ctx, "Sheet1!A1:C10")
//	for _, row := range r.Values { ... }
//	_, err = wb.Table("Sales").AddRows(ctx, [][]excel.Value{{excel.Text("East"), excel.Number(42)}})
package excel

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/o365go/o365"
)

// ErrSessionExpired is returned when a session that keeps no changes
// (SessionTemporary) expired or was lost: its edits are gone. Persistent
// sessions are recreated by themselves.
var ErrSessionExpired = errors.New("excel: the workbook session expired; its unsaved changes are lost")

// ErrClosed is returned by calls on a workbook after Close.
var ErrClosed = errors.New("excel: the workbook is closed")

// SessionMode says how a workbook is worked on.
type SessionMode int

const (
	// SessionPersistent (the default) works in a session whose changes are
	// saved to the file as they are made.
	SessionPersistent SessionMode = iota
	// SessionTemporary works in a session whose changes are never saved:
	// they are lost at Close or when the session expires (after about five
	// minutes without a call). For what-if calculations.
	SessionTemporary
	// SessionNone sends each call on its own, without a session: every
	// write is saved, and the service opens the file for each call (slower
	// for many calls).
	SessionNone
)

// Options tune Open; nil means a persistent session.
type Options struct {
	Session SessionMode
	// RefreshAfter is how long the session may stay idle before the next
	// call refreshes it first; 0 means four minutes (Graph ends sessions
	// after about five idle minutes).
	RefreshAfter time.Duration
}

// Item is what a workbook is opened from: a drive item bound to an
// account, such as the drive package's items (any model embedding
// o365.Object has these methods).
type Item interface {
	Account() *o365.Account
	Path() string
}

// Workbook is an open workbook. It is safe for concurrent use; Close ends
// its session.
type Workbook struct {
	acct         *o365.Account
	base         string // the item's path + "/workbook"
	mode         SessionMode
	refreshAfter time.Duration

	mu      sync.Mutex
	session string
	lastUse time.Time
	closed  bool
}

// Open opens the workbook of a drive item.
//
// Graph: POST /me/drive/items/{id}/workbook/createSession
// (https://learn.microsoft.com/graph/api/workbook-createsession).
func Open(ctx context.Context, item Item, opts *Options) (*Workbook, error) {
	if item == nil || item.Account() == nil || item.Path() == "" {
		return nil, fmt.Errorf("excel: open: %w", o365.ErrUnbound)
	}
	return open(ctx, item.Account(), strings.TrimSuffix(item.Path(), "/")+"/workbook", opts)
}

// OpenPath opens the workbook at path in the drive of acct's resource (the
// signed-in user's OneDrive, a group's or a site's default library):
// "/Reports/Q3.xlsx".
//
// Graph: POST /me/drive/root:/{path}:/workbook/createSession
// (https://learn.microsoft.com/graph/api/workbook-createsession).
func OpenPath(ctx context.Context, acct *o365.Account, path string, opts *Options) (*Workbook, error) {
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(segs) == 0 {
		return nil, errors.New("excel: open: empty path")
	}
	for _, s := range segs {
		if s == "." || s == ".." {
			return nil, fmt.Errorf("excel: open %q: '.' and '..' are not allowed in a drive path", path)
		}
	}
	return open(ctx, acct, "drive/root:/"+o365.Path(segs...)+":/workbook", opts)
}

// OpenItem opens the workbook of the drive item with this id in the drive
// of acct's resource.
//
// Graph: POST /me/drive/items/{id}/workbook/createSession
// (https://learn.microsoft.com/graph/api/workbook-createsession).
func OpenItem(ctx context.Context, acct *o365.Account, id string, opts *Options) (*Workbook, error) {
	if strings.TrimSpace(id) == "" {
		return nil, errors.New("excel: open: empty item id")
	}
	return open(ctx, acct, o365.Path("drive", "items", id)+"/workbook", opts)
}

// OpenDriveItem opens the workbook of item itemID of drive driveID,
// whoever owns the drive (a site library's file, from
// sharepoint.ListItem.GetDriveItem).
//
// Graph: POST /drives/{drive-id}/items/{id}/workbook/createSession
// (https://learn.microsoft.com/graph/api/workbook-createsession).
func OpenDriveItem(ctx context.Context, acct *o365.Account, driveID, itemID string, opts *Options) (*Workbook, error) {
	if strings.TrimSpace(driveID) == "" || strings.TrimSpace(itemID) == "" {
		return nil, errors.New("excel: open: a drive id and an item id are both needed")
	}
	return open(ctx, acct, "/"+o365.Path("drives", driveID, "items", itemID)+"/workbook", opts)
}

func open(ctx context.Context, acct *o365.Account, base string, opts *Options) (*Workbook, error) {
	if acct == nil {
		return nil, fmt.Errorf("excel: open: %w", o365.ErrUnbound)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.RefreshAfter <= 0 {
		o.RefreshAfter = 4 * time.Minute
	}
	wb := &Workbook{acct: acct, base: base, mode: o.Session, refreshAfter: o.RefreshAfter}
	if o.Session != SessionNone {
		if err := wb.createSession(ctx); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// sessionInfo is Graph's workbookSessionInfo.
type sessionInfo struct {
	ID             string `json:"id"`
	PersistChanges bool   `json:"persistChanges"`
}

// createSession starts a session. A session whose answer was lost simply
// expires, so the request may be repeated.
func (wb *Workbook) createSession(ctx context.Context) error {
	var info sessionInfo
	req := &o365.Request{Method: http.MethodPost, Path: wb.base + "/createSession",
		Body: map[string]bool{"persistChanges": wb.mode == SessionPersistent}, Idempotent: true}
	if _, err := wb.acct.Do(ctx, req, &info); err != nil {
		return fmt.Errorf("excel: open %s: %w", wb.base, err)
	}
	if info.ID == "" {
		return fmt.Errorf("excel: open %s: the service returned no session id", wb.base)
	}
	wb.mu.Lock()
	wb.session, wb.lastUse = info.ID, time.Now()
	wb.mu.Unlock()
	return nil
}

// SessionID is the id of the workbook's session ("" without one).
func (wb *Workbook) SessionID() string {
	wb.mu.Lock()
	defer wb.mu.Unlock()
	return wb.session
}

// Account returns the account the workbook's requests go through.
func (wb *Workbook) Account() *o365.Account { return wb.acct }

// Refresh keeps the session alive; calls do it by themselves when the
// session has been idle for Options.RefreshAfter.
//
// Graph: POST /me/drive/items/{id}/workbook/refreshSession
// (https://learn.microsoft.com/graph/api/workbook-refreshsession).
func (wb *Workbook) Refresh(ctx context.Context) error {
	wb.mu.Lock()
	sid, closed := wb.session, wb.closed
	wb.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if sid == "" {
		return nil
	}
	err := wb.send(ctx, sid, &o365.Request{Method: http.MethodPost, Path: wb.base + "/refreshSession", Idempotent: true}, nil)
	if err != nil {
		return wb.sessionLost(ctx, sid, err)
	}
	return nil
}

// Close ends the workbook's session (a persistent session's changes are
// already saved; a temporary session's are dropped). Calls after Close
// fail with ErrClosed; closing twice does nothing.
//
// Graph: POST /me/drive/items/{id}/workbook/closeSession
// (https://learn.microsoft.com/graph/api/workbook-closesession).
func (wb *Workbook) Close(ctx context.Context) error {
	wb.mu.Lock()
	sid, closed := wb.session, wb.closed
	wb.closed, wb.session = true, ""
	wb.mu.Unlock()
	if closed || sid == "" {
		return nil
	}
	err := wb.send(ctx, sid, &o365.Request{Method: http.MethodPost, Path: wb.base + "/closeSession", Idempotent: true}, nil)
	if err != nil && !isSessionGone(err) {
		return fmt.Errorf("excel: close session: %w", err)
	}
	return nil
}

// send sends req in session sid (none when "").
func (wb *Workbook) send(ctx context.Context, sid string, req *o365.Request, out any) error {
	if sid != "" {
		req.SetHeader("workbook-session-id", sid)
	}
	_, err := wb.acct.Do(ctx, req, out)
	if err == nil {
		wb.mu.Lock()
		wb.lastUse = time.Now()
		wb.mu.Unlock()
	}
	return err
}

// isSessionGone reports whether the service says the session no longer
// exists (expired, closed, or lost on its side).
func isSessionGone(err error) bool {
	var e *o365.Error
	if !errors.As(err, &e) {
		return false
	}
	if strings.HasPrefix(strings.ToLower(e.Code), "invalidsession") {
		return true
	}
	for _, in := range e.Inner {
		if strings.HasPrefix(strings.ToLower(in.Code), "invalidsession") {
			return true
		}
	}
	return false
}

// sessionLost handles a failure of a call in session sid: a persistent
// session is recreated (nil: the caller tries again), a temporary one is
// ErrSessionExpired, other failures pass.
func (wb *Workbook) sessionLost(ctx context.Context, sid string, err error) error {
	if !isSessionGone(err) {
		return err
	}
	if wb.mode != SessionPersistent {
		return fmt.Errorf("%w: %w", ErrSessionExpired, err)
	}
	wb.mu.Lock()
	current := wb.session
	wb.mu.Unlock()
	if current != sid { // another call recreated it already
		return nil
	}
	return wb.createSession(ctx)
}

// call sends a request below the workbook ("worksheets", ...) in the
// workbook's session, refreshing an idle session first and recreating a
// lost persistent one.
func (wb *Workbook) call(ctx context.Context, method, sub string, body, out any) error {
	wb.mu.Lock()
	sid, closed, idle := wb.session, wb.closed, time.Since(wb.lastUse)
	wb.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if sid != "" && idle > wb.refreshAfter {
		if err := wb.Refresh(ctx); err != nil {
			return err
		}
		sid = wb.SessionID()
	}
	req := func() *o365.Request {
		return &o365.Request{Method: method, Path: wb.base + "/" + sub, Body: body,
			Idempotent: method == http.MethodPatch || method == http.MethodGet || method == http.MethodDelete}
	}
	err := wb.send(ctx, sid, req(), out)
	if err != nil && sid != "" {
		if err = wb.sessionLost(ctx, sid, err); err == nil {
			err = wb.send(ctx, wb.SessionID(), req(), out)
		}
	}
	return err
}

// odataString quotes s for an OData key or function parameter in a path
// ('It”s'), escaping what a path segment cannot hold.
func odataString(s string) string {
	s = strings.ReplaceAll(s, "'", "''")
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,;=:@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	b.WriteByte('\'')
	return b.String()
}

// Application is the workbook's calculation settings (Graph's
// workbookApplication).
type Application struct {
	// CalculationMode is Automatic, AutomaticExceptTables or Manual.
	CalculationMode string `json:"calculationMode"`
}

// GetApplication reads the workbook's calculation mode.
//
// Graph: GET /me/drive/items/{id}/workbook/application
// (https://learn.microsoft.com/graph/api/workbookapplication-get).
func (wb *Workbook) GetApplication(ctx context.Context) (*Application, error) {
	var a Application
	if err := wb.call(ctx, http.MethodGet, "application", nil, &a); err != nil {
		return nil, fmt.Errorf("excel: get application: %w", err)
	}
	return &a, nil
}

// Calculation types for Calculate.
const (
	CalculateRecalculate = "Recalculate"
	CalculateFull        = "Full"
	CalculateFullRebuild = "FullRebuild"
)

// Calculate recalculates the workbook's formulas; calculationType is
// CalculateRecalculate (formulas whose inputs changed), CalculateFull or
// CalculateFullRebuild ("" is Recalculate).
//
// Graph: POST /me/drive/items/{id}/workbook/application/calculate
// (https://learn.microsoft.com/graph/api/workbookapplication-calculate).
func (wb *Workbook) Calculate(ctx context.Context, calculationType string) error {
	if calculationType == "" {
		calculationType = CalculateRecalculate
	}
	if err := wb.call(ctx, http.MethodPost, "application/calculate", map[string]string{"calculationType": calculationType}, nil); err != nil {
		return fmt.Errorf("excel: calculate: %w", err)
	}
	return nil
}
