package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/o365go/o365/sandbox/internal/odata"
)

// deltaTokenTTL is how long a delta token stays valid (the directory's is
// seven days); an older one answers 410 and the client must resync.
const deltaTokenTTL = 7 * 24 * time.Hour

// DeltaSpec says how a delta route tracks a scope of the change log.
type DeltaSpec struct {
	Scope Scope
	// Type is the Graph type of the documents, as ListSpec.Type: answers
	// carry its default properties or what $select names.
	Type string
	// PageSize is used when the client sends no odata.maxpagesize or $top.
	PageSize int
	// Include, when set, hides documents the area does not report here.
	Include func(doc map[string]any) bool
	// Present, when set, turns a stored document into what is sent.
	Present func(c *Call, doc map[string]any) map[string]any
	// Annotate, when set, adds to each document a round reports what
	// changed in a related collection in that round, such as a group's
	// members@delta (see Tx.RoundChanges): after and upTo bound the round's
	// changes, after is 0 in a first round. out is what is sent (after
	// $select); Annotate may add members to it.
	Annotate func(ctx context.Context, tx *Tx, out map[string]any, after, upTo int64) error
	// Load, when set, computes the tracked documents (calendarView's
	// occurrences in a window) instead of reading Scope's change log: each
	// round reports the documents that are new or differ from the previous
	// round's, and the ids that are gone as removed ("deleted"). Scope then
	// only identifies the collection in the tokens. params are the query
	// parameters named in Params, as the round's first request sent them.
	Load func(ctx context.Context, tx *Tx, params url.Values) ([]map[string]any, error)
	// Params are the query parameters of the first request that the tokens
	// carry to Load in later rounds (calendarView's startDateTime and
	// endDateTime); nextLinks and deltaLinks carry only the token.
	Params []string

	// The fields below adapt the protocol to OneDrive's dialect of delta
	// (delta(token='...') and ?token=, a deleted facet, resyncRequired).

	// Token, when set, is the request's delta token instead of its
	// $deltatoken option ("latest" starts from now).
	Token string
	// TokenParam is the query parameter deltaLinks carry their token in;
	// "" is $deltatoken.
	TokenParam string
	// Link, when set, is the URL (without a query) that nextLinks,
	// deltaLinks and the 410's Location are built on; "" is the request's.
	Link string
	// Removed, when set, is what is sent for a document that left the
	// scope (reason "deleted", or "changed" when it moved out), instead of
	// {"id","@removed":{"reason"}}.
	Removed func(ctx context.Context, tx *Tx, id, reason string) (map[string]any, error)
	// Gone, when set, is the answer to an unknown, altered or expired
	// token, given the URL to start over at; nil is 410 SyncStateNotFound
	// with that URL in Location.
	Gone func(restart string) *Error
	// Context, when set, is the answers' @odata.context; "" derives it
	// from the route.
	Context string
}

// deltaState is what a delta round carries in its $skiptoken and
// $deltatoken (signed, so clients cannot alter it).
type deltaState struct {
	Scope    string   `json:"sc"`            // Scope
	Snapshot bool     `json:"sn,omitempty"`  // the first round lists everything
	After    int64    `json:"af,omitempty"`  // changes after this sequence...
	UpTo     int64    `json:"up,omitempty"`  // ...up to this one
	CurSeq   int64    `json:"cs,omitempty"`  // paging cursor
	CurID    string   `json:"ci,omitempty"`  // paging cursor (snapshot rounds)
	Select   []string `json:"sel,omitempty"` // $select of the first request
	Size     int      `json:"sz,omitempty"`  // page size of the round, when $top set it
	Issued   int64    `json:"iat"`           // unix seconds
	// Computed rounds (DeltaSpec.Load).
	Params url.Values `json:"pa,omitempty"` // DeltaSpec.Params of the first request
	Snap   string     `json:"sk,omitempty"` // KV key: the previous round's fingerprints
	Round  string     `json:"rk,omitempty"` // KV key: this round's items, paged by Offset
	Offset int        `json:"of,omitempty"`
}

func (sc Scope) fingerprint() string {
	fp := sc.Collection + "\x00" + sc.Owner
	if sc.ByParent {
		fp += "\x00" + sc.Parent
	}
	return fp
}

// Delta answers a delta GET: a first round of every document (paged with
// @odata.nextLink, ending with @odata.deltaLink), later rounds of what
// changed since, with {"id","@removed":{"reason"}} for documents that left
// the scope. $deltatoken=latest starts from now. An unknown, altered or
// expired token answers 410 with a Location to start over.
func (c *Call) Delta(ctx context.Context, spec DeltaSpec) error {
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	restart := baseURL(c.R) + c.R.URL.EscapedPath()
	if spec.Link != "" {
		restart = spec.Link
	}
	gone := func() error {
		if spec.Gone != nil {
			return spec.Gone(restart)
		}
		return Errorf(http.StatusGone, "SyncStateNotFound",
			"The delta token is invalid or expired; start over at the Location URL.").WithHeader("Location", restart)
	}
	deltaToken := opts.DeltaToken
	if spec.Token != "" {
		deltaToken = spec.Token
	}
	var st deltaState
	fp := spec.Scope.fingerprint()
	now := c.s.now()
	decode := func(tok, kind string) error {
		raw, err := odata.DecodeSkipToken(c.s.tokenKey, tok)
		if err != nil || raw.Offset != 0 {
			return gone()
		}
		var k string
		payload, ok := cutKind(raw.Extra, &k)
		if !ok || k != kind || json.Unmarshal([]byte(payload), &st) != nil || st.Scope != fp ||
			now.Sub(time.Unix(st.Issued, 0)) > deltaTokenTTL {
			return gone()
		}
		return nil
	}
	if spec.Load != nil {
		opts.DeltaToken = deltaToken
		return c.computedDelta(ctx, spec, opts, &st, restart, decode, gone)
	}
	var maxSeq int64
	if err := c.s.st.Read(ctx, func(tx *Tx) error {
		maxSeq, err = tx.maxSeq(ctx)
		return err
	}); err != nil {
		return err
	}
	switch {
	case deltaToken == "latest":
		st = deltaState{Scope: fp, After: maxSeq, Select: opts.Select, Issued: now.Unix()}
		return c.writeDelta(spec.Context, nil, "", c.deltaLink(restart, st, spec.TokenParam))
	case deltaToken != "":
		if err := decode(deltaToken, "d"); err != nil {
			return err
		}
		st = deltaState{Scope: fp, After: st.After, UpTo: maxSeq, Select: st.Select, Issued: st.Issued}
	case opts.SkipToken != "":
		if err := decode(opts.SkipToken, "s"); err != nil {
			return err
		}
	default:
		st = deltaState{Scope: fp, Snapshot: true, UpTo: maxSeq, Select: opts.Select, Issued: now.Unix()}
	}
	var sh *shaper
	if spec.Type != "" {
		if sh, err = c.shaperFor(spec.Type, st.Select); err != nil {
			return err
		}
	}
	size, err := c.pageSize(opts, spec.PageSize, 0)
	if err != nil {
		return err
	}
	if _, prefer := c.Preference("odata.maxpagesize"); !opts.HasTop && !prefer && st.Size > 0 {
		size = st.Size // nextLinks carry only the token
	} else if opts.HasTop {
		st.Size = size
	}
	var items []any
	more := false
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		if st.Snapshot {
			objs, err := tx.objectsUpTo(ctx, spec.Scope, st.UpTo, st.CurSeq, st.CurID, size+1)
			if err != nil {
				return err
			}
			if len(objs) > size {
				objs, more = objs[:size], true
			}
			for _, o := range objs {
				st.CurSeq, st.CurID = o.Seq, o.ID
				if spec.Include == nil || spec.Include(o.Data) {
					out := c.presentDelta(spec, sh, o.Data, st.Select)
					if spec.Annotate != nil {
						if err := spec.Annotate(ctx, tx, out, 0, st.UpTo); err != nil {
							return err
						}
					}
					items = append(items, out)
				}
			}
			return nil
		}
		chs, err := tx.changesBetween(ctx, spec.Scope, st.After, st.UpTo, st.CurSeq, size+1)
		if err != nil {
			return err
		}
		if len(chs) > size {
			chs, more = chs[:size], true
		}
		for _, ch := range chs {
			st.CurSeq = ch.Seq
			switch ch.Kind {
			case changeDelete, changeRemove:
				reason := "deleted"
				if ch.Kind == changeRemove {
					reason = "changed"
				}
				if spec.Removed == nil {
					items = append(items, removed(sh, ch, reason))
					continue
				}
				doc, err := spec.Removed(ctx, tx, ch.ID, reason)
				if err != nil {
					return err
				}
				items = append(items, doc)
			default:
				o, err := tx.GetIn(ctx, spec.Scope, ch.ID)
				if IsNotFound(err) {
					continue // a later change, reported in a later round, explains it
				}
				if err != nil {
					return err
				}
				if spec.Include == nil || spec.Include(o.Data) {
					out := c.presentDelta(spec, sh, o.Data, st.Select)
					if spec.Annotate != nil {
						if err := spec.Annotate(ctx, tx, out, st.After, st.UpTo); err != nil {
							return err
						}
					}
					items = append(items, out)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if more {
		return c.writeDelta(spec.Context, items, c.signState(restart, "s", st, "$skiptoken"), "")
	}
	next := deltaState{Scope: fp, After: st.UpTo, Select: st.Select, Issued: now.Unix()}
	return c.writeDelta(spec.Context, items, "", c.deltaLink(restart, next, spec.TokenParam))
}

// computedDelta serves the rounds of a DeltaSpec with Load: each round
// fingerprints what Load returns and compares it with the previous round's
// fingerprints, kept in the store under a random key the tokens carry.
//
// decoded is the state decode fills in.
func (c *Call) computedDelta(ctx context.Context, spec DeltaSpec, opts *odata.Options, decoded *deltaState,
	restart string, decode func(tok, kind string) error, gone func() error) error {
	fp := spec.Scope.fingerprint()
	now := c.s.now()
	expires := now.Add(deltaTokenTTL)
	size, err := c.pageSize(opts, spec.PageSize, 0)
	if err != nil {
		return err
	}
	if opts.SkipToken != "" && opts.DeltaToken == "" {
		if err := decode(opts.SkipToken, "s"); err != nil {
			return err
		}
		if _, prefer := c.Preference("odata.maxpagesize"); !opts.HasTop && !prefer && decoded.Size > 0 {
			size = decoded.Size
		}
		return c.computedPage(ctx, spec, *decoded, size, restart, gone)
	}
	var st deltaState
	params := url.Values{}
	prev := map[string]string{}
	switch {
	case opts.DeltaToken != "" && opts.DeltaToken != "latest":
		if err := decode(opts.DeltaToken, "d"); err != nil {
			return err
		}
		st = *decoded
		params = st.Params
		var raw []byte
		var ok bool
		if err := c.s.st.Read(ctx, func(tx *Tx) error {
			raw, ok, err = tx.KVGet(ctx, st.Snap)
			return err
		}); err != nil {
			return err
		}
		if !ok || json.Unmarshal(raw, &prev) != nil {
			return gone()
		}
	default:
		for _, name := range spec.Params {
			if v := c.QueryValue(name); v != "" {
				params.Set(name, v)
			}
		}
	}
	st = deltaState{Scope: fp, Params: params, Select: st.Select, Issued: now.Unix()}
	if opts.DeltaToken == "" {
		st.Select = opts.Select
	}
	if opts.HasTop {
		st.Size = size
	}
	var docs []map[string]any
	if err := c.s.st.Read(ctx, func(tx *Tx) error {
		docs, err = spec.Load(ctx, tx, params)
		return err
	}); err != nil {
		return err
	}
	// Items are known by the id they are served with: an Outlook item's
	// REST id, unless the request prefers immutable ids.
	var sh *shaper
	if spec.Type != "" {
		if sh, err = c.shaperFor(spec.Type, nil); err != nil {
			return err
		}
	}
	snap := make(map[string]string, len(docs))
	var items []any
	for _, doc := range docs {
		id := Str(doc, "id")
		if sh != nil && sh.t.OutlookItem && !sh.immutable {
			id = ItemRestID(ItemFolder(doc), id)
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		h := hex.EncodeToString(sum[:12])
		snap[id] = h
		if opts.DeltaToken == "latest" || prev[id] == h {
			continue
		}
		items = append(items, doc)
	}
	if opts.DeltaToken != "" && opts.DeltaToken != "latest" {
		var gone []string
		for id := range prev {
			if _, ok := snap[id]; !ok {
				gone = append(gone, id)
			}
		}
		slices.Sort(gone)
		for _, id := range gone {
			items = append(items, map[string]any{"id": id, "@removed": map[string]any{"reason": "deleted"}})
		}
	}
	rawSnap, _ := json.Marshal(snap)
	rawItems, _ := json.Marshal(items)
	st.Snap, st.Round = "sandbox:delta:snap:"+uuid.NewString(), "sandbox:delta:round:"+uuid.NewString()
	if err := c.s.st.Write(ctx, func(tx *Tx) error {
		if err := tx.KVPut(ctx, st.Snap, rawSnap, expires); err != nil {
			return err
		}
		return tx.KVPut(ctx, st.Round, rawItems, expires)
	}); err != nil {
		return err
	}
	return c.computedPage(ctx, spec, st, size, restart, gone)
}

// computedPage serves one page of a computed round from its stored items.
func (c *Call) computedPage(ctx context.Context, spec DeltaSpec, st deltaState, size int, restart string, gone func() error) error {
	var raw []byte
	var ok bool
	if err := c.s.st.Read(ctx, func(tx *Tx) error {
		var err error
		raw, ok, err = tx.KVGet(ctx, st.Round)
		return err
	}); err != nil {
		return err
	}
	var all []map[string]any
	if !ok || json.Unmarshal(raw, &all) != nil {
		return gone()
	}
	var sh *shaper
	if spec.Type != "" {
		var err error
		if sh, err = c.shaperFor(spec.Type, st.Select); err != nil {
			return err
		}
	}
	end := min(st.Offset+size, len(all))
	items := make([]any, 0, end-st.Offset)
	for _, doc := range all[min(st.Offset, end):end] {
		if _, isRemoved := doc["@removed"]; isRemoved {
			items = append(items, doc)
			continue
		}
		items = append(items, c.presentDelta(spec, sh, doc, st.Select))
	}
	if end < len(all) {
		st.Offset = end
		return c.writeDelta(spec.Context, items, c.signState(restart, "s", st, "$skiptoken"), "")
	}
	next := deltaState{Scope: st.Scope, Params: st.Params, Snap: st.Snap, Select: st.Select, Issued: c.s.now().Unix()}
	return c.writeDelta(spec.Context, items, "", c.deltaLink(restart, next, spec.TokenParam))
}

// removed is the entry of an object that left the scope with change ch.
// An Outlook item is named by the REST id it had in the folder it left;
// that id no longer exists anywhere, so a move out is "deleted" too (with
// immutable ids the item keeps its id elsewhere: "changed").
func removed(sh *shaper, ch change, reason string) map[string]any {
	id := ch.ID
	if sh != nil && sh.t.OutlookItem && !sh.immutable {
		id, reason = ItemRestID(ch.Parent, ch.ID), "deleted"
	}
	return map[string]any{"id": id, "@removed": map[string]any{"reason": reason}}
}

func (c *Call) presentDelta(spec DeltaSpec, sh *shaper, doc map[string]any, sel []string) map[string]any {
	if spec.Present != nil {
		doc = spec.Present(c, doc)
	}
	doc = c.localize(doc)
	if sh != nil {
		return sh.shape(doc)
	}
	return odata.Project(doc, sel)
}

func (c *Call) deltaLink(base string, st deltaState, param string) string {
	if param == "" {
		param = "$deltatoken"
	}
	return c.signState(base, "d", st, param)
}

// signState encodes st as a signed token and returns base?param=token.
func (c *Call) signState(base, kind string, st deltaState, param string) string {
	payload, _ := json.Marshal(st)
	tok := odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Extra: kind + ":" + string(payload)})
	return base + "?" + param + "=" + url.QueryEscape(tok)
}

// cutKind splits "k:payload".
func cutKind(extra string, kind *string) (string, bool) {
	if len(extra) < 2 || extra[1] != ':' {
		return "", false
	}
	*kind = extra[:1]
	return extra[2:], true
}

func (c *Call) writeDelta(context string, items []any, nextLink, deltaLink string) error {
	if items == nil {
		items = []any{}
	}
	if context == "" {
		context = c.contextURL(false)
	}
	body := map[string]any{"@odata.context": context, "value": items}
	if nextLink != "" {
		body["@odata.nextLink"] = nextLink
	}
	if deltaLink != "" {
		body["@odata.deltaLink"] = deltaLink
	}
	return c.WriteJSON(http.StatusOK, body)
}
