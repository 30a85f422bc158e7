package core

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/o365go/o365/sandbox/internal/odata"
	"github.com/o365go/o365/sandbox/internal/schema"
)

// ListSpec says how a collection route lists its documents.
type ListSpec struct {
	Scope Scope
	// Type is the Graph type of the documents (e.g. "message", "user"; see
	// package schema): answers then carry its default properties or what
	// $select names, and $select, $filter and $orderby naming a property it
	// does not have are 400. Documents whose @odata.type derives from it are
	// shaped as that type. "" sends documents as stored.
	Type string
	// Desc lists newest first by the objects' sort key when there is no
	// $orderby (messages); false lists oldest first.
	Desc bool
	// DefaultTop is the page size without $top or odata.maxpagesize.
	DefaultTop int
	// MaxTop rejects a larger $top with 400; 0 means no limit.
	MaxTop int
	// Directory applies the directory's query rules: $count and $search
	// need the header ConsistencyLevel: eventual.
	Directory bool
	// SearchFields are the document paths unqualified $search terms look
	// in; nil searches every string.
	SearchFields []string
	// Include, when set, hides documents the area does not list here.
	Include func(doc map[string]any) bool
	// Present, when set, turns a stored document into what is sent (e.g. a
	// body in the preferred content type). It must not modify doc.
	Present func(c *Call, doc map[string]any) map[string]any
	// Expand serves $expand of navigation properties by name.
	Expand map[string]Expander
	// Load, when set, computes the documents instead of reading Scope
	// (e.g. a group's members); they are listed in the order given.
	Load func(ctx context.Context, tx *Tx) ([]map[string]any, error)
	// Context, when set, is the answer's @odata.context; "" derives it
	// from the route (routes with a final {name...} parameter set it).
	Context string
	// Page, when set with Load, serves the requests without $filter,
	// $search and $orderby: it returns only the documents at [offset,
	// offset+limit) of those Load lists, and how many Load lists in all, so
	// that a computed document (an occurrence of a series) is built for
	// its page only.
	Page func(ctx context.Context, tx *Tx, offset, limit int) (docs []map[string]any, total int, err error)
}

// Expander loads a navigation property of doc for $expand.
type Expander func(ctx context.Context, c *Call, doc map[string]any, item odata.ExpandItem) (any, error)

// QueryOptions parses the request's OData options; a syntax error is 400.
func (c *Call) QueryOptions() (*odata.Options, error) {
	opts, err := odata.ParseRawQuery(c.R.URL.RawQuery)
	if err != nil {
		return nil, BadRequest("Invalid query: %v.", err)
	}
	if c.root.Dialect == dialectOutlook {
		for i, s := range opts.Select {
			opts.Select[i] = lowerFirst(s)
		}
	}
	return opts, nil
}

// eventual reports whether the request asked for eventual consistency.
func (c *Call) eventual() bool {
	return strings.EqualFold(strings.TrimSpace(c.R.Header.Get("ConsistencyLevel")), "eventual")
}

// checkDirectoryQuery enforces the directory's advanced-query rules:
// $search and $count need ConsistencyLevel: eventual; ne, not and endsWith
// in $filter need it and $count=true.
func (c *Call) checkDirectoryQuery(opts *odata.Options) error {
	eventual := c.eventual()
	if opts.Search != "" && !eventual {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
	}
	if opts.Count && !eventual {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"$count is only supported with the request header 'ConsistencyLevel: eventual'.")
	}
	if opts.Filter != nil && advancedFilter(opts.Filter) && !(eventual && opts.Count) {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported Query.")
	}
	return nil
}

// advancedFilter reports whether a directory $filter uses an operator that
// Graph only serves as an advanced query (ne, not, endsWith).
func advancedFilter(e odata.Expr) bool {
	switch e := e.(type) {
	case *odata.BinaryExpr:
		return e.Op == odata.OpNe || advancedFilter(e.Left) || advancedFilter(e.Right)
	case *odata.NotExpr:
		return true
	case *odata.CallExpr:
		if e.Func == "endswith" {
			return true
		}
		for _, a := range e.Args {
			if advancedFilter(a) {
				return true
			}
		}
	case *odata.InExpr:
		return advancedFilter(e.Operand)
	case *odata.LambdaExpr:
		return e.Predicate != nil && advancedFilter(e.Predicate)
	}
	return false
}

// pageSize is $top, else Prefer: odata.maxpagesize (then applied), else def.
func (c *Call) pageSize(opts *odata.Options, def, max int) (int, error) {
	if opts.HasTop {
		if opts.Top < 1 || (max > 0 && opts.Top > max) {
			hi := max
			if hi == 0 {
				hi = 1 << 31
			}
			return 0, BadRequest("Invalid page size specified: '%d'. Must be between 1 and %d inclusive.", opts.Top, hi)
		}
		return opts.Top, nil
	}
	if v, ok := c.Preference("odata.maxpagesize"); ok {
		n, err := strconv.Atoi(v)
		if err == nil && n > 0 {
			if max > 0 && n > max {
				n = max
			}
			c.ApplyPreference("odata.maxpagesize=" + strconv.Itoa(n))
			return n, nil
		}
	}
	return def, nil
}

// List answers a collection GET: $filter, $search, $orderby, $count,
// $select, $expand, $top/$skip and paging with @odata.nextLink.
func (c *Call) List(ctx context.Context, spec ListSpec) error {
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	if c.countOnly {
		// The collection's /$count: the number of what the query matches,
		// counted as $count=true counts it.
		opts.Count, opts.SkipToken = true, ""
	}
	if spec.Directory {
		if err := c.checkDirectoryQuery(opts); err != nil {
			return err
		}
	}
	var sh *shaper
	if spec.Type != "" {
		if sh, err = c.shaperFor(spec.Type, opts.Select); err != nil {
			return err
		}
		if err := checkQueryProperties(sh.t, opts); err != nil {
			return err
		}
	}
	size, err := c.pageSize(opts, spec.DefaultTop, spec.MaxTop)
	if err != nil {
		return err
	}
	offset := 0
	first := opts.SkipToken == ""
	if !first {
		st, err := odata.DecodeSkipToken(c.s.tokenKey, opts.SkipToken)
		if err != nil || st.Extra != "list" {
			return BadRequest("The $skiptoken is invalid or expired; list again without it.")
		}
		offset = st.Offset
	} else if opts.HasSkip {
		offset = opts.Skip
	}
	search := opts.SearchQuery // compiled by queryOptions
	if err := checkExpand(spec, opts); err != nil {
		return err
	}

	total := -1
	more := false
	simple := spec.Load == nil && opts.Filter == nil && search == nil && len(opts.OrderBy) == 0 && spec.Include == nil
	// Stored documents go out without being decoded when nothing but
	// shaping changes them: as stored when untyped, shaped from their JSON
	// when typed.
	raw := spec.Present == nil && len(opts.Expand) == 0 && c.root.Dialect == dialectGraph && !c.needsLocalize() &&
		(sh != nil || len(opts.Select) == 0)
	// page holds each listed document: raw (stored JSON) or decoded.
	type entry struct {
		raw []byte
		doc map[string]any
	}
	var page []entry
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		if simple {
			var err error
			if raw {
				var docs []json.RawMessage
				if docs, err = tx.listRaw(ctx, spec.Scope, spec.Desc, offset, size+1); err != nil {
					return err
				}
				for _, d := range docs {
					page = append(page, entry{raw: d})
				}
			} else {
				objs, err := tx.List(ctx, spec.Scope, spec.Desc, offset, size+1)
				if err != nil {
					return err
				}
				for _, o := range objs {
					page = append(page, entry{doc: o.Data})
				}
			}
			if len(page) > size {
				page, more = page[:size], true
			}
			if opts.Count && first {
				total, err = tx.Count(ctx, spec.Scope)
			}
			return err
		}
		p := &pager{order: opts.OrderBy, offset: offset, size: size, countAll: opts.Count && first}
		match := func(doc map[string]any) (bool, error) {
			if spec.Include != nil && !spec.Include(doc) {
				return false, nil
			}
			if opts.Filter != nil {
				ok, err := odata.Eval(opts.Filter, doc)
				if err != nil {
					return false, BadRequest("Invalid filter clause: %v.", err)
				}
				if !ok {
					return false, nil
				}
			}
			return search == nil || search.Match(doc, spec.SearchFields...), nil
		}
		if spec.Page != nil && opts.Filter == nil && search == nil && len(opts.OrderBy) == 0 && spec.Include == nil {
			docs, n, err := spec.Page(ctx, tx, offset, size+1)
			if err != nil {
				return err
			}
			if len(docs) > size {
				docs, more = docs[:size], true
			}
			for _, d := range docs {
				page = append(page, entry{doc: d})
			}
			total = n
			return nil
		}
		if spec.Load != nil {
			docs, err := spec.Load(ctx, tx)
			if err != nil {
				return err
			}
			for _, doc := range docs {
				ok, err := match(doc)
				if err != nil {
					return err
				}
				if ok && !p.add(doc, nil) {
					break
				}
			}
		} else {
			// Stream the collection, decoding only what the query reads;
			// the page's documents are decoded whole afterwards (or not at
			// all when they go out raw).
			fields := queryFields(spec, opts, search)
			err := tx.Scan(ctx, spec.Scope, spec.Desc, func(data []byte) (bool, error) {
				doc, err := decodeFields(data, fields)
				if err != nil {
					return false, fmt.Errorf("sandbox: decode stored %s: %w", spec.Scope.Collection, err)
				}
				ok, err := match(doc)
				if err != nil || !ok {
					return true, err
				}
				if fields == nil {
					data = nil // doc is whole already
				}
				return p.add(doc, data), nil
			})
			if err != nil {
				return err
			}
		}
		items, hasMore := p.page()
		more, total = hasMore, p.n
		for _, it := range items {
			switch {
			case it.raw != nil && raw:
				page = append(page, entry{raw: it.raw})
			case it.raw != nil:
				doc, err := decodeFields(it.raw, nil)
				if err != nil {
					return fmt.Errorf("sandbox: decode stored %s: %w", spec.Scope.Collection, err)
				}
				page = append(page, entry{doc: doc})
			default:
				page = append(page, entry{doc: it.doc})
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !opts.Count || !first {
		total = -1
	}
	if c.countOnly {
		return c.writeCount(total)
	}
	if raw {
		// Every entry is raw but those a Load or a whole decode produced.
		n := 0
		for _, e := range page {
			n += len(e.raw)
		}
		// Shaping adds an etag, a webLink and a longer id: about 400 bytes.
		return c.writeRawCollection(spec.Context, n+512*len(page), total, more, offset+size, func(buf []byte) ([]byte, error) {
			for i, e := range page {
				if i > 0 {
					buf = append(buf, ',')
				}
				start := len(buf)
				ok := false
				switch {
				case e.raw != nil && sh == nil:
					buf, ok = append(buf, e.raw...), true
				case e.raw != nil:
					buf, ok = sh.appendRaw(buf, e.raw)
				}
				if ok {
					continue
				}
				doc := e.doc
				if doc == nil {
					if doc, err = decodeFields(e.raw, nil); err != nil {
						return nil, fmt.Errorf("sandbox: decode stored %s: %w", spec.Scope.Collection, err)
					}
				}
				out, err := c.present(ctx, spec, sh, doc, opts)
				if err != nil {
					return nil, err
				}
				if buf, err = appendJSONValue(buf[:start], out); err != nil {
					return nil, err
				}
			}
			return buf, nil
		})
	}
	value := make([]any, 0, len(page))
	for _, e := range page {
		out, err := c.present(ctx, spec, sh, e.doc, opts)
		if err != nil {
			return err
		}
		value = append(value, out)
	}
	return c.writeCollection(spec.Context, value, total, more, offset+size)
}

// Values answers a collection a handler computed itself, whole (no
// paging): {"@odata.context": context, "value": values}, or, under the
// collection's /$count segment, the number of values. Lists of stored
// documents use List.
func (c *Call) Values(context string, values []any) error {
	if c.countOnly {
		return c.writeCount(len(values))
	}
	return c.WriteJSON(http.StatusOK, map[string]any{"@odata.context": context, "value": values})
}

// writeCollection sends one page: @odata.count when total >= 0, and a
// nextLink continuing at next when there is more. context "" is the
// route's.
func (c *Call) writeCollection(context string, value any, total int, more bool, next int) error {
	if context == "" {
		context = c.contextURL(false)
	}
	body := map[string]any{"@odata.context": context, "value": value}
	if total >= 0 {
		body["@odata.count"] = total
	}
	if more {
		body["@odata.nextLink"] = c.nextLink(odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Offset: next, Extra: "list"}))
	}
	return c.WriteJSON(http.StatusOK, body)
}

// writeRawCollection is writeCollection for items written in JSON, in
// Graph's dialect, by items (comma-separated, appended to its argument),
// about size bytes of them: the envelope is written around them.
func (c *Call) writeRawCollection(context string, size, total int, more bool, next int, items func([]byte) ([]byte, error)) error {
	if context == "" {
		context = c.contextURL(false)
	}
	b := make([]byte, 0, size+1024)
	b = append(b, `{"@odata.context":`...)
	b = appendJSONString(b, context)
	if total >= 0 {
		b = append(b, `,"@odata.count":`...)
		b = strconv.AppendInt(b, int64(total), 10)
	}
	if more {
		b = append(b, `,"@odata.nextLink":`...)
		b = appendJSONString(b, c.nextLink(odata.EncodeSkipToken(c.s.tokenKey, odata.SkipState{Offset: next, Extra: "list"})))
	}
	b = append(b, `,"value":[`...)
	b, err := items(b)
	if err != nil {
		return err
	}
	b = append(b, "]}"...)
	h := c.W.Header()
	h.Set("Content-Type", jsonContentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write(b)
	return err
}

// queryFields are the top-level properties a filtered list decodes before
// matching: those its $filter, $search and $orderby read. nil means every
// property (spec.Include may read any).
func queryFields(spec ListSpec, opts *odata.Options, search *odata.SearchQuery) [][]byte {
	if spec.Include != nil {
		return nil
	}
	var names []string
	if opts.Filter != nil {
		n, all := odata.Properties(opts.Filter)
		if all {
			return nil
		}
		names = append(names, n...)
	}
	if search != nil {
		n, all := search.Properties(spec.SearchFields...)
		if all {
			return nil
		}
		names = append(names, n...)
	}
	for _, o := range opts.OrderBy {
		n, ok := odata.PathProperty(o.Path)
		if !ok {
			return nil
		}
		names = append(names, n)
	}
	fields := make([][]byte, len(names))
	for i, n := range names {
		fields[i] = []byte(n)
	}
	return fields
}

// pager picks one page out of the matches of a list, offered in default
// order. Without $orderby it keeps the page and one more match (to tell
// that there is a next page); with it, the best offset+size+1 so far. It
// never holds every match.
type pager struct {
	order        []odata.OrderItem
	offset, size int
	countAll     bool // keep counting matches once the page is known
	n            int  // matches offered
	kept         pageHeap
}

// pageItem is one kept match.
type pageItem struct {
	doc map[string]any // the match: only the properties the query reads when raw is set
	raw []byte         // the stored document when doc is partial
	n   int            // position in default order, so that ties keep it
}

// add offers the next match; raw is its stored JSON when doc is partial
// (copied if kept). It reports false once later matches cannot change the
// page or the count.
func (p *pager) add(doc map[string]any, raw []byte) bool {
	it := pageItem{doc: doc, n: p.n}
	p.n++
	if len(p.order) == 0 {
		if it.n >= p.offset && it.n <= p.offset+p.size {
			it.raw = bytes.Clone(raw)
			p.kept.items = append(p.kept.items, it)
		}
		return p.countAll || p.n <= p.offset+p.size
	}
	p.kept.order = p.order
	switch {
	case p.kept.Len() < p.offset+p.size+1:
		it.raw = bytes.Clone(raw)
		heap.Push(&p.kept, it)
	case p.kept.before(it, p.kept.items[0]):
		it.raw = bytes.Clone(raw)
		p.kept.items[0] = it
		heap.Fix(&p.kept, 0)
	}
	return true
}

// page returns the page's matches in order, and whether more follow.
func (p *pager) page() ([]pageItem, bool) {
	items := p.kept.items
	if len(p.order) > 0 {
		slices.SortFunc(items, func(a, b pageItem) int {
			if p.kept.before(a, b) {
				return -1
			}
			return 1
		})
		items = items[min(p.offset, len(items)):]
	}
	if len(items) > p.size {
		return items[:p.size], true
	}
	return items, false
}

// pageHeap holds the best matches for $orderby, the worst on top.
type pageHeap struct {
	order []odata.OrderItem
	items []pageItem
}

// before reports whether a sorts before b: by $orderby, then default order.
func (h *pageHeap) before(a, b pageItem) bool {
	if c := odata.Compare(h.order, a.doc, b.doc); c != 0 {
		return c < 0
	}
	return a.n < b.n
}

func (h *pageHeap) Len() int           { return len(h.items) }
func (h *pageHeap) Less(i, j int) bool { return h.before(h.items[j], h.items[i]) }
func (h *pageHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *pageHeap) Push(x any)         { h.items = append(h.items, x.(pageItem)) }
func (h *pageHeap) Pop() any {
	it := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return it
}

// checkExpand answers 400 for an $expand of a property spec cannot expand.
func checkExpand(spec ListSpec, opts *odata.Options) error {
	for _, e := range opts.Expand {
		if _, ok := LookupFold(spec.Expand, e.Path); !ok {
			return BadRequest("Could not find a navigation property named '%s' to $expand.", e.Path)
		}
	}
	return nil
}

// expandName is the key of spec.Expand that an $expand path (as the
// client spelled it) names: answers carry Graph's spelling.
func expandName(spec ListSpec, path string) string {
	if _, ok := spec.Expand[path]; ok {
		return path
	}
	for k := range spec.Expand {
		if strings.EqualFold(k, path) {
			return k
		}
	}
	return path
}

// present applies spec.Present, the Outlook preferences, $expand and
// $select (through sh's shape when the spec is typed) to one document.
func (c *Call) present(ctx context.Context, spec ListSpec, sh *shaper, doc map[string]any, opts *odata.Options) (map[string]any, error) {
	if spec.Present != nil {
		doc = spec.Present(c, doc)
	}
	doc = c.localize(doc)
	var out map[string]any
	if sh != nil {
		out = sh.shape(doc)
	}
	if len(opts.Expand) > 0 {
		if out == nil {
			out = make(map[string]any, len(doc)+len(opts.Expand))
			for k, v := range doc {
				out[k] = v
			}
		}
		for _, e := range opts.Expand {
			key := expandName(spec, e.Path)
			v, err := spec.Expand[key](ctx, c, doc, e)
			if err != nil {
				return nil, err
			}
			name := expandedName(key)
			if sh != nil {
				if p, _, ok := sh.t.FindProperty(name); ok {
					name = p.Name
					v, err = c.shapeExpanded(p, v, e)
					if err != nil {
						return nil, err
					}
				}
			}
			out[name] = v
		}
	}
	if sh != nil {
		return out, nil
	}
	sel := opts.Select
	for _, e := range opts.Expand {
		if len(sel) > 0 {
			sel = append(slices.Clone(sel), expandedName(expandName(spec, e.Path)))
		}
	}
	if out == nil {
		out = doc
	}
	return odata.Project(out, sel), nil
}

// shapeExpanded shapes the value an Expander returned for the navigation
// property p, with the $expand item's own $select: an entity, a collection
// of them, or nil.
func (c *Call) shapeExpanded(p *schema.Property, v any, e odata.ExpandItem) (any, error) {
	if schema.Lookup(p.Type) == nil {
		return v, nil
	}
	var sel []string
	if e.Options != nil {
		sel = e.Options.Select
	}
	sh, err := c.shaperFor(p.Type, sel)
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case map[string]any:
		return sh.shape(v), nil
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			if m, ok := x.(map[string]any); ok {
				out[i] = sh.shape(m)
			} else {
				out[i] = x
			}
		}
		return out, nil
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = sh.shape(m)
		}
		return out, nil
	}
	return v, nil
}

// expandedName is the property an $expand path fills: its last segment,
// so that a type cast ("microsoft.graph.eventMessage/event") fills "event"
// as Graph does.
func expandedName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// GetEntity answers a GET of one stored document, with $select, $expand
// and spec.Present applied. The error wraps ErrNotFound when it is absent.
func (c *Call) GetEntity(ctx context.Context, spec ListSpec, id string) error {
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	var o *Object
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		if t := schema.Lookup(spec.Type); t != nil && t.OutlookItem {
			o, err = tx.GetItem(ctx, spec.Scope, id)
		} else {
			o, err = tx.GetIn(ctx, spec.Scope, id)
		}
		return err
	})
	if err != nil {
		return err
	}
	if spec.Include != nil && !spec.Include(o.Data) {
		return fmt.Errorf("%s %q: %w", spec.Scope.Collection, id, ErrNotFound)
	}
	if err := checkExpand(spec, opts); err != nil {
		return err
	}
	var sh *shaper
	if spec.Type != "" {
		if sh, err = c.shaperFor(spec.Type, opts.Select); err != nil {
			return err
		}
	}
	out, err := c.present(ctx, spec, sh, o.Data, opts)
	if err != nil {
		return err
	}
	return c.Entity(http.StatusOK, out)
}

// ServeAsCount makes the call its collection's /$count segment, for a
// handler that resolves its own path below a {rest...} route (the router
// leaves $count to it, as in drive/{item}/children/$count): the List or
// Values it calls next answers the number of what the query matches, as
// text/plain, and anything else it writes is answered 400.
func (c *Call) ServeAsCount() { c.countOnly = true }

// CountOnly answers a /$count segment with the number as text/plain.
func (c *Call) CountOnly(ctx context.Context, spec ListSpec) error {
	if spec.Directory && !c.eventual() {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"$count is only supported with the request header 'ConsistencyLevel: eventual'.")
	}
	var n int
	err := c.s.st.Read(ctx, func(tx *Tx) error {
		if spec.Load != nil {
			docs, err := spec.Load(ctx, tx)
			for _, d := range docs {
				if spec.Include == nil || spec.Include(d) {
					n++
				}
			}
			return err
		}
		if spec.Include == nil {
			var err error
			n, err = tx.Count(ctx, spec.Scope)
			return err
		}
		return tx.Scan(ctx, spec.Scope, false, func(data []byte) (bool, error) {
			doc, err := decodeFields(data, nil)
			if err != nil {
				return false, fmt.Errorf("sandbox: decode stored %s: %w", spec.Scope.Collection, err)
			}
			if spec.Include(doc) {
				n++
			}
			return true, nil
		})
	})
	if err != nil {
		return err
	}
	return c.writeCount(n)
}

// writeCount answers a /$count segment: the number as text/plain.
func (c *Call) writeCount(n int) error {
	body := strconv.Itoa(n)
	c.W.Header().Set("Content-Type", "text/plain;charset=utf-8")
	c.W.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.W.WriteHeader(http.StatusOK)
	_, err := c.W.Write([]byte(body))
	return err
}

// nextLink is the request URL with $skip and $skiptoken replaced by token.
func (c *Call) nextLink(token string) string {
	// Work on the raw pairs: url.Values would drop pairs holding ';', such as
	// $expand=attachments($select=name;$top=2).
	var kept []string
	for pair := range strings.SplitSeq(c.R.URL.RawQuery, "&") {
		k, _, _ := strings.Cut(pair, "=")
		if key, err := url.QueryUnescape(k); pair == "" || err == nil &&
			(strings.EqualFold(strings.TrimPrefix(key, "$"), "skip") || strings.EqualFold(strings.TrimPrefix(key, "$"), "skiptoken")) {
			continue
		}
		kept = append(kept, pair)
	}
	kept = append(kept, "$skiptoken="+url.QueryEscape(token))
	return baseURL(c.R) + c.R.URL.EscapedPath() + "?" + strings.Join(kept, "&")
}

// CreateEntity stores a new document and answers 201 with it.
func (c *Call) CreateEntity(ctx context.Context, o *Object) error {
	if err := c.s.st.Write(ctx, func(tx *Tx) error { return tx.Put(ctx, o) }); err != nil {
		return err
	}
	return c.Entity(http.StatusCreated, o.Data)
}

// PatchEntity applies the request's JSON body to a stored document of sc
// (see patchDocument) and answers 200 with the result. The error wraps
// ErrNotFound when the document is not in sc.
func (c *Call) PatchEntity(ctx context.Context, sc Scope, id string, readOnly ...string) error {
	o, err := c.PatchStored(ctx, sc, id, readOnly...)
	if err != nil {
		return err
	}
	return c.Entity(http.StatusOK, o.Data)
}

// PatchStored is PatchEntity without the answer: it returns the patched
// object.
func (c *Call) PatchStored(ctx context.Context, sc Scope, id string, readOnly ...string) (*Object, error) {
	var patch map[string]any
	if err := c.Decode(&patch); err != nil {
		return nil, err
	}
	var o *Object
	err := c.s.st.Write(ctx, func(tx *Tx) error {
		var err error
		if o, err = tx.GetIn(ctx, sc, id); err != nil {
			return err
		}
		PatchDocument(o.Data, patch, readOnly...)
		return tx.Put(ctx, o)
	})
	return o, err
}

// DeleteEntity deletes a stored document of sc and answers 204. The error
// wraps ErrNotFound when the document is not in sc.
func (c *Call) DeleteEntity(ctx context.Context, sc Scope, id string) error {
	err := c.s.st.Write(ctx, func(tx *Tx) error {
		if _, err := tx.GetIn(ctx, sc, id); err != nil {
			return err
		}
		return tx.Delete(ctx, sc.Collection, sc.Owner, id)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}
