package drive

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
)

// req is one request on a drive: the drive, how it was reached, and what
// the path below it names.
type req struct {
	c     *core.Call
	drive *core.Drive
	// canonical is true when the drive was named drives/{id} (no alias to
	// forward an unknown action to).
	canonical bool
	// grants is the access a sharing link gives (requests through /shares).
	grants []core.DriveGrant
	// share is the item a /shares request is confined to ("" otherwise).
	share string

	// What the path names: an item, or a path below an existing folder
	// that does not exist (yet).
	item    *core.Object
	parent  *core.Object // the deepest existing folder of a missing path
	missing []string     // the names below parent that do not exist
	action  []string     // the segments after the item
	// pathForm is true when the item was named by a path (root:/a:);
	// pathName is then the last name of the path as the request spelled it.
	pathForm bool
	pathName string

	paths map[string]string // folder id -> path, for parentReference
}

// serve answers every request below a drive; canonical is true for the
// drives/{drive} route.
func serve(find driveFinder, canonical bool) core.HandlerFunc {
	return func(ctx context.Context, c *core.Call) error {
		d, err := find(ctx, c)
		if err != nil {
			return err
		}
		r := &req{c: c, drive: d, canonical: canonical}
		return r.serve(ctx, c.Segments())
	}
}

// serve resolves segs (below the drive) and runs the action.
func (r *req) serve(ctx context.Context, segs []string) error {
	if len(segs) == 0 {
		return core.DriveInvalid("The request names no item.")
	}
	head := unqualified(segs[0])
	// Drive-level functions and collections.
	switch {
	case strings.EqualFold(head, "sharedWithMe") && len(segs) == 1:
		return r.sharedWithMe(ctx)
	case isFunction(head, "search"), isFunction(head, "delta"), strings.EqualFold(head, "delta"):
		if err := r.resolveRoot(ctx); err != nil {
			return err
		}
		r.action = segs
		return r.dispatch(ctx)
	}
	if err := r.resolve(ctx, segs); err != nil {
		return err
	}
	return r.dispatch(ctx)
}

// unqualified is an action or function segment without Graph's namespace,
// which clients may write before it (microsoft.graph.search(q='x')).
func unqualified(seg string) string {
	const ns = "microsoft.graph."
	if len(seg) > len(ns) && strings.EqualFold(seg[:len(ns)], ns) {
		return seg[len(ns):]
	}
	return seg
}

// isFunction reports whether seg is name or name(...), as Graph writes
// functions (search(q='x'), delta(), delta(token='t')).
func isFunction(seg, name string) bool {
	return len(seg) > len(name) && strings.EqualFold(seg[:len(name)], name) && seg[len(name)] == '('
}

// functionArg reads the argument arg of a function segment such as
// search(q='a b') (quotes doubled inside); ok is false when it is absent.
func functionArg(seg, arg string) (string, bool) {
	open := strings.IndexByte(seg, '(')
	if open < 0 || !strings.HasSuffix(seg, ")") {
		return "", false
	}
	inner := strings.TrimSpace(seg[open+1 : len(seg)-1])
	name, val, found := strings.Cut(inner, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(name), arg) {
		return "", false
	}
	val = strings.TrimSpace(val)
	if len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'' {
		val = strings.ReplaceAll(val[1:len(val)-1], "''", "'")
	}
	return val, true
}

// resolveRoot makes the drive's root the request's item.
func (r *req) resolveRoot(ctx context.Context) error {
	return r.c.Store().Read(ctx, func(tx *core.Tx) error {
		root, err := core.DriveItem(ctx, tx, r.drive.ID, r.drive.RootID)
		r.item = root
		return err
	})
}

// resolve reads the item part of segs: root, items/{id}, special/{name},
// each optionally followed by a path (root:/a/b: ...), and leaves the rest
// in r.action.
func (r *req) resolve(ctx context.Context, segs []string) error {
	head := segs[0]
	var base *core.Object
	rest := segs[1:]
	pathStart := false // the base's segment ended with ':' (a path follows)
	switch {
	case strings.EqualFold(head, "root"), strings.EqualFold(head, "root:"):
		pathStart = strings.HasSuffix(head, ":")
		if err := r.resolveRoot(ctx); err != nil {
			return err
		}
		base = r.item
	case strings.EqualFold(head, "items") && len(segs) > 1 && strings.EqualFold(segs[1], "root"):
		// items/root is the root.
		return r.resolve(ctx, append([]string{"root"}, segs[2:]...))
	case strings.EqualFold(head, "items") && len(segs) > 1 && strings.Contains(strings.TrimSuffix(segs[1], ":"), ":"):
		// The SDKs' form: the whole "root:/a/b:" or "{id}:/a/b:" as one
		// escaped key segment (items/root:%2Fa%2Fb:/content).
		key := segs[1]
		i := strings.IndexByte(key, ':')
		expanded := []string{key[:i] + ":"}
		for _, name := range strings.Split(key[i+1:], "/") {
			if name != "" {
				expanded = append(expanded, name)
			}
		}
		if strings.HasSuffix(key, ":") && len(expanded) > 1 && !strings.HasSuffix(expanded[len(expanded)-1], ":") {
			expanded[len(expanded)-1] += ":"
		}
		if strings.EqualFold(key[:i], "root") {
			return r.resolve(ctx, append(expanded, segs[2:]...))
		}
		return r.resolve(ctx, append(append([]string{"items"}, expanded...), segs[2:]...))
	case strings.EqualFold(head, "items") && len(segs) > 1:
		id := segs[1]
		pathStart = strings.HasSuffix(id, ":")
		id = strings.TrimSuffix(id, ":")
		rest = segs[2:]
		err := r.c.Store().Read(ctx, func(tx *core.Tx) error {
			var err error
			base, err = core.DriveItem(ctx, tx, r.drive.ID, id)
			return err
		})
		if core.IsNotFound(err) {
			if len(rest) == 1 && !pathStart && (strings.EqualFold(rest[0], "restore") || strings.EqualFold(rest[0], "permanentDelete")) {
				// Actions on items in the recycle bin.
				r.item = &core.Object{Collection: core.DriveItemsCollection, Owner: r.drive.ID, ID: id}
				r.action = rest
				return nil
			}
			return core.DriveItemNotFound()
		}
		if err != nil {
			return err
		}
	case strings.EqualFold(head, "special") && len(segs) > 1:
		name := segs[1]
		pathStart = strings.HasSuffix(name, ":")
		rest = segs[2:]
		f, err := r.special(ctx, strings.TrimSuffix(name, ":"))
		if err != nil {
			return err
		}
		base = f
	default:
		return core.BadRequest("Resource not found for the segment '%s'.", head)
	}
	r.item = base
	if !pathStart {
		r.action = rest
		return nil
	}
	// A path: names until one ends with ':' (or the end of the URL).
	var names []string
	end := len(rest)
	for i, s := range rest {
		if strings.HasSuffix(s, ":") {
			names = append(names, strings.TrimSuffix(s, ":"))
			end = i + 1
			break
		}
		names = append(names, s)
	}
	r.action = rest[end:]
	r.pathForm = true
	for _, n := range names {
		if n != "" {
			r.pathName = n
		}
	}
	return r.c.Store().Read(ctx, func(tx *core.Tx) error {
		cur := base
		for i, name := range names {
			if name == "" {
				continue
			}
			if !core.IsDriveFolder(cur) {
				return core.DriveItemNotFound()
			}
			next, err := core.DriveChild(ctx, tx, r.drive.ID, cur.ID, name)
			if core.IsNotFound(err) {
				r.item, r.parent = nil, cur
				for _, n := range names[i:] {
					if n != "" {
						r.missing = append(r.missing, n)
					}
				}
				return nil
			}
			if err != nil {
				return err
			}
			cur = next
		}
		r.item = cur
		return nil
	})
}

// forward sends a request the drive area does not serve to the canonical
// drives/{id}/items/{id}/... path, where another area (Excel's workbook)
// may serve it. Only that path itself is not forwarded again (it would
// loop): drives/{id}/root:/a.xlsx:/workbook/... is.
func (r *req) forward(ctx context.Context, action []string) error {
	if r.canonical && !r.pathForm || r.item == nil {
		last := action[len(action)-1]
		return core.BadRequest("Resource not found for the segment '%s'.", last)
	}
	segs := append([]string{"drives", r.drive.ID, "items", r.item.ID}, action...)
	return r.c.Forward(ctx, segs...)
}

// need loads the caller's role on item (nil: the request's) and refuses
// less than role; a caller who cannot read the item at all is told it is
// not there only when it came through a link to something else.
func (r *req) need(ctx context.Context, tx *core.Tx, item *core.Object, role core.DriveRole) error {
	if item == nil {
		item = r.item
	}
	if r.share != "" && !r.within(ctx, tx, item) {
		return core.DriveItemNotFound()
	}
	got, err := core.DriveAccess(ctx, tx, r.c.Claims, r.drive, item, r.grants...)
	if err != nil {
		return err
	}
	if got < role {
		return core.DriveAccessDenied()
	}
	return nil
}

// within reports whether item is the shared item of a /shares request or
// below it.
func (r *req) within(ctx context.Context, tx *core.Tx, item *core.Object) bool {
	if item.ID == r.share {
		return true
	}
	anc, err := core.DriveAncestors(ctx, tx, item)
	if err != nil {
		return false
	}
	for _, a := range anc {
		if a.ID == r.share {
			return true
		}
	}
	return false
}

// change is who changes what now.
func (r *req) change(ctx context.Context, tx *core.Tx) core.DriveChange {
	return core.DriveChange{By: core.ActorIdentity(ctx, tx, r.c.Claims), Now: r.c.Now()}
}

// conflict reads @microsoft.graph.conflictBehavior from the query, then
// from body, else def.
func conflict(c *core.Call, body map[string]any, def string) (string, error) {
	v := c.QueryValue("@microsoft.graph.conflictBehavior")
	if v == "" && body != nil {
		if x, ok := core.LookupFold(body, "@microsoft.graph.conflictBehavior"); ok {
			v, _ = x.(string)
		}
	}
	switch strings.ToLower(v) {
	case "":
		return def, nil
	case core.ConflictFail, core.ConflictReplace, core.ConflictRename:
		return strings.ToLower(v), nil
	}
	return "", core.DriveInvalid("Invalid value '%s' for @microsoft.graph.conflictBehavior; use fail, replace or rename.", v)
}

// checkIfMatch answers 412 when an If-Match header does not name the
// item's current eTag or cTag.
func checkIfMatch(c *core.Call, item *core.Object) error {
	want := c.R.Header.Get("If-Match")
	if want == "" || want == "*" {
		return nil
	}
	for _, tag := range entityTags(want) {
		if item != nil && (tag == core.Str(item.Data, "eTag") || tag == core.Str(item.Data, "cTag")) {
			return nil
		}
	}
	return core.Errorf(http.StatusPreconditionFailed, "resourceModified", "ETag does not match current item's value")
}

// entityTags splits an If-Match list into its tags, quotes included. A
// OneDrive tag holds a comma ("{GUID},3"), so the list is split outside
// quotes; an unquoted value is taken whole.
func entityTags(v string) []string {
	var out []string
	for v = strings.TrimSpace(v); v != ""; v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ",")) {
		start := 0
		if strings.HasPrefix(v, "W/") {
			start = 2
		}
		if start < len(v) && v[start] == '"' {
			end := strings.IndexByte(v[start+1:], '"')
			if end < 0 {
				return append(out, v)
			}
			out = append(out, v[:start+end+2])
			v = v[start+end+2:]
			continue
		}
		return append(out, v)
	}
	return out
}
