// Package excel is the sandbox's Excel area: Graph's workbook API on the
// .xlsx files of the drive store, through sandbox/internal/workbook.
//
// Every address of a workbook (me/drive/items/{id}/workbook/...,
// me/drive/root:/Book.xlsx:/workbook/..., sites/{site}/drive/...) reaches
// drives/{drive}/items/{item}/workbook/{rest...}: the drive area forwards
// the others there. Reads open the file; writes change it and store a new
// version of the item (core.WriteDriveContent), so a workbook edited
// through the API and downloaded again opens with the edits in place.
//
// Sessions (createSession, the workbook-session-id header, refreshSession,
// closeSession) live in memory, per engine: a persistent session keeps its
// workbook open and saves it as a new version after each write; a
// non-persistent one works on a private copy that is dropped when the
// session closes or expires. Sessions expire after 7 minutes without a call
// (5 for non-persistent ones), as Graph's do; a call with an unknown,
// expired or closed session is 404 with the inner code
// invalidSessionReCreatable.
package excel

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/workbook"
)

// Session lifetimes without a call, as Graph's.
const (
	persistentIdle = 7 * time.Minute
	temporaryIdle  = 5 * time.Minute
	// maxSessions bounds the workbooks held open in memory.
	maxSessions = 256
)

// Permissions: Graph's workbook APIs take the file scopes; access to the
// item itself is checked with core.DriveAccess.
var (
	readPerm = core.Route{
		Scopes:       []string{"Files.Read", "Files.ReadWrite", "Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		SharedScopes: []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		Roles:        []string{"Files.Read.All", "Files.ReadWrite.All", "Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
	}
	writePerm = core.Route{
		Scopes:       []string{"Files.ReadWrite", "Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		SharedScopes: []string{"Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
		Roles:        []string{"Files.ReadWrite.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"},
	}
)

// Area is the Excel area, to serve with core.Config.Areas.
func Area() core.Area {
	x := &area{sessions: map[string]*session{}, locks: map[string]*sync.Mutex{}}
	const p = "drives/{drive}/items/{item}/workbook/{rest...}"
	return core.Area{
		Name: "excel",
		Routes: []core.Route{
			readPerm.On(http.MethodGet, p, x.serve),
			writePerm.On(http.MethodPost, p, x.serve),
			writePerm.On(http.MethodPatch, p, x.serve),
			writePerm.On(http.MethodDelete, p, x.serve),
		},
	}
}

// area is the state of one engine's Excel area: its sessions, and a lock
// per item that serialises saves of the same file.
type area struct {
	mu       sync.Mutex
	sessions map[string]*session
	locks    map[string]*sync.Mutex
}

// session is one workbook session.
type session struct {
	id, drive, item string
	persist         bool
	user            string // the caller who created it: "app:ID" for apps

	mu      sync.Mutex // serialises the calls on wb
	wb      *workbook.Workbook
	lastUse time.Time
	closed  bool
}

func (s *session) idle() time.Duration {
	if s.persist {
		return persistentIdle
	}
	return temporaryIdle
}

// itemLock is the lock that serialises writes to one item's content.
func (x *area) itemLock(drive, item string) *sync.Mutex {
	x.mu.Lock()
	defer x.mu.Unlock()
	k := drive + "\x00" + item
	l := x.locks[k]
	if l == nil {
		l = &sync.Mutex{}
		x.locks[k] = l
	}
	return l
}

// caller names who calls, for the ownership of sessions.
func caller(c *core.Call) string {
	if c.Claims.AppOnly {
		return "app:" + c.Claims.AppID
	}
	return c.Claims.ObjectID
}

// errSession is Graph's answer for a session that does not exist (any
// more), or not for this item or caller.
func errSession() *core.Error {
	e := core.Errorf(http.StatusNotFound, "ItemNotFound",
		"The session specified in the request does not exist or is invalid due to a transient error. Create a new session with createSession.")
	e.Inner = map[string]any{"code": "invalidSessionReCreatable"}
	return e
}

// expire drops the sessions idle for longer than their lifetime. A
// session in use (its lock taken) is not idle.
func (x *area) expire(now time.Time) {
	x.mu.Lock()
	list := make([]*session, 0, len(x.sessions))
	for _, s := range x.sessions {
		list = append(list, s)
	}
	x.mu.Unlock()
	for _, s := range list {
		if !s.mu.TryLock() {
			continue
		}
		gone := s.closed || now.Sub(s.lastUse) > s.idle()
		if gone && s.wb != nil {
			_ = s.wb.Close()
			s.wb = nil
		}
		s.closed = s.closed || gone
		s.mu.Unlock()
		if gone {
			x.mu.Lock()
			if x.sessions[s.id] == s {
				delete(x.sessions, s.id)
			}
			x.mu.Unlock()
		}
	}
}

// file is the drive item a request addresses, and the caller's role on it.
type file struct {
	drive *core.Drive
	item  *core.Object
	role  core.DriveRole
}

// load finds the item and checks that the caller may read it.
func load(ctx context.Context, c *core.Call) (*file, error) {
	var f file
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		d, err := core.GetDrive(ctx, tx, c.Param("drive"))
		if core.IsNotFound(err) {
			return core.DriveItemNotFound()
		}
		if err != nil {
			return err
		}
		it, err := core.DriveItem(ctx, tx, d.ID, c.Param("item"))
		if core.IsNotFound(err) {
			return core.DriveItemNotFound()
		}
		if err != nil {
			return err
		}
		role, err := core.DriveAccess(ctx, tx, c.Claims, d, it)
		if err != nil {
			return err
		}
		if role < core.DriveRoleRead {
			return core.DriveItemNotFound()
		}
		f = file{drive: d, item: it, role: role}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if core.IsDriveFolder(f.item) {
		return nil, unsupported("'%s' is a folder, not a workbook.", core.Str(f.item.Data, "name"))
	}
	return &f, nil
}

// unsupported is Excel's answer for a file it cannot open as a workbook.
func unsupported(format string, args ...any) *core.Error {
	e := core.Errorf(http.StatusBadRequest, "UnsupportedWorkbook", format, args...)
	e.Inner = map[string]any{"code": "unsupportedWorkbook"}
	return e
}

// open reads the item's .xlsx into a workbook.
func open(ctx context.Context, c *core.Call, f *file) (*workbook.Workbook, error) {
	r, err := core.OpenDriveContent(ctx, c.Store(), f.item)
	if err != nil {
		return nil, err
	}
	const limit = 100 << 20
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, unsupported("The file is larger than the %d bytes the sandbox opens as a workbook.", limit)
	}
	wb, err := workbook.OpenBytes(data)
	if err != nil {
		return nil, answer(err)
	}
	return wb, nil
}

// save stores wb as the item's new version.
func save(ctx context.Context, c *core.Call, f *file, wb *workbook.Workbook) error {
	var buf bytes.Buffer
	if err := wb.Save(&buf); err != nil {
		return answer(err)
	}
	return c.Store().Write(ctx, func(tx *core.Tx) error {
		item, err := core.DriveItem(ctx, tx, f.drive.ID, f.item.ID)
		if err != nil {
			return err
		}
		return core.WriteDriveContent(ctx, tx, f.drive, item, &buf, core.DriveChange{By: core.ActorIdentity(ctx, tx, c.Claims), Now: c.Now()})
	})
}

// answer turns the workbook engine's errors into Graph's answers.
func answer(err error) error {
	var we *workbook.Error
	if errors.As(err, &we) {
		e := core.Errorf(we.Status, we.Code, "%s", we.Message)
		if we.InnerCode != "" {
			e.Inner = map[string]any{"code": we.InnerCode}
		}
		return e
	}
	return err
}

// body reads the request's JSON body; absent is {}.
func body(c *core.Call) (json.RawMessage, error) {
	var m map[string]any
	if err := c.DecodeOptional(&m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// serve answers every workbook request.
func (x *area) serve(ctx context.Context, c *core.Call) error {
	x.expire(c.Now())
	segs := core.SplitKeys(c.Segments())
	f, err := load(ctx, c)
	if err != nil {
		return err
	}
	if len(segs) == 1 && c.R.Method == http.MethodPost {
		switch strings.ToLower(segs[0]) {
		case "createsession":
			return x.createSession(ctx, c, f)
		case "refreshsession":
			return x.touchSession(c, f, false)
		case "closesession":
			return x.touchSession(c, f, true)
		}
	}
	o, err := route(c.R.Method, segs)
	if err != nil {
		return err
	}
	in, err := body(c)
	if err != nil {
		return err
	}
	if sid := c.R.Header.Get("workbook-session-id"); sid != "" {
		s, err := x.session(c, f, sid)
		if err != nil {
			return err
		}
		defer s.mu.Unlock()
		if o.write && s.persist && f.role < core.DriveRoleWrite {
			return core.DriveAccessDenied()
		}
		res, err := o.run(s.wb, in)
		if err != nil {
			return answer(err)
		}
		if o.write && s.persist && s.wb.Changed() {
			l := x.itemLock(f.drive.ID, f.item.ID)
			l.Lock()
			err := save(ctx, c, f, s.wb)
			l.Unlock()
			if err != nil {
				return err
			}
		}
		s.lastUse = c.Now()
		return reply(c, res)
	}
	if o.write && f.role < core.DriveRoleWrite {
		return core.DriveAccessDenied()
	}
	// Without a session: open, act, save what changed.
	l := x.itemLock(f.drive.ID, f.item.ID)
	l.Lock()
	defer l.Unlock()
	wb, err := open(ctx, c, f)
	if err != nil {
		return err
	}
	defer wb.Close()
	res, err := o.run(wb, in)
	if err != nil {
		return answer(err)
	}
	if wb.Changed() {
		if err := save(ctx, c, f, wb); err != nil {
			return err
		}
	}
	return reply(c, res)
}

// session finds a live session of the caller for the item, locked.
func (x *area) session(c *core.Call, f *file, id string) (*session, error) {
	x.mu.Lock()
	s := x.sessions[id]
	x.mu.Unlock()
	if s == nil || s.drive != f.drive.ID || s.item != f.item.ID || s.user != caller(c) {
		return nil, errSession()
	}
	s.mu.Lock()
	if s.closed || s.wb == nil {
		s.mu.Unlock()
		return nil, errSession()
	}
	return s, nil
}

// createSession answers POST workbook/createSession.
func (x *area) createSession(ctx context.Context, c *core.Call, f *file) error {
	var in struct {
		PersistChanges *bool `json:"persistChanges"`
	}
	raw, err := body(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return core.BadRequest("Invalid createSession body: %v.", err)
	}
	persist := in.PersistChanges == nil || *in.PersistChanges
	if persist && f.role < core.DriveRoleWrite {
		return core.DriveAccessDenied()
	}
	x.mu.Lock()
	n := len(x.sessions)
	x.mu.Unlock()
	if n >= maxSessions {
		return core.Errorf(http.StatusServiceUnavailable, "serviceUnavailable",
			"The sandbox holds %d open workbook sessions; close some (closeSession) or wait for idle ones to expire.", maxSessions).WithHeader("Retry-After", "60")
	}
	wb, err := open(ctx, c, f)
	if err != nil {
		return err
	}
	var b [18]byte
	_, _ = rand.Read(b[:])
	s := &session{id: "sandbox-session=" + base64.RawURLEncoding.EncodeToString(b[:]), drive: f.drive.ID, item: f.item.ID,
		persist: persist, user: caller(c), wb: wb, lastUse: c.Now()}
	x.mu.Lock()
	x.sessions[s.id] = s
	x.mu.Unlock()
	return c.WriteJSON(http.StatusCreated, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#microsoft.graph.workbookSessionInfo",
		"id":             s.id, "persistChanges": persist,
	})
}

// touchSession answers refreshSession and closeSession (the session id in
// the workbook-session-id header).
func (x *area) touchSession(c *core.Call, f *file, close bool) error {
	id := c.R.Header.Get("workbook-session-id")
	if id == "" {
		return core.BadRequest("The workbook-session-id header is missing: give the id createSession returned.")
	}
	s, err := x.session(c, f, id)
	if err != nil {
		return err
	}
	if close {
		s.closed = true
		_ = s.wb.Close()
		s.wb = nil
	} else {
		s.lastUse = c.Now()
	}
	s.mu.Unlock()
	if close {
		x.mu.Lock()
		delete(x.sessions, id)
		x.mu.Unlock()
	}
	return c.NoContent()
}

// result is what an operation answers: status 0 is 204, else the body.
type result struct {
	status int
	body   any
	entity bool // a single object: sent with its @odata.context
}

// reply sends an operation's result.
func reply(c *core.Call, r result) error {
	if r.status == 0 {
		return c.NoContent()
	}
	if r.entity {
		doc, err := core.ToDoc(r.body)
		if err != nil {
			return fmt.Errorf("excel: encode answer: %w", err)
		}
		return c.Entity(r.status, doc)
	}
	return c.WriteJSON(r.status, r.body)
}
