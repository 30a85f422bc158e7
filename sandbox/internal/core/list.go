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
)

// ListSpec says how a collection route lists its documents.
type ListSpec struct {
	Scope Scope
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
	if spec.Directory {
		if err := c.checkDirectoryQuery(opts); err != nil {
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

	var page []map[string]any
	total := -1
	more := false
	simple := spec.Load == nil && opts.Filter == nil && search == nil && len(opts.OrderBy) == 0 && spec.Include == nil
	// Documents sent as stored skip decoding and re-encoding.
	if simple && spec.Present == nil && len(opts.Select) == 0 && len(opts.Expand) == 0 && c.root.Dialect == dialectGraph && !c.needsLocalize() {
		var raw []json.RawMessage
		err := c.s.st.Read(ctx, func(tx *Tx) error {
			var err error
			if raw, err = tx.listRaw(ctx, spec.Scope, spec.Desc, offset, size+1); err != nil {
				return err
			}
			if opts.Count && first {
				total, err = tx.Count(ctx, spec.Scope)
			}
			return err
		})
		if err != nil {
			return err
		}
		if len(raw) > size {
			raw, more = raw[:size], true
		}
		if raw == nil {
			raw = []json.RawMessage{}
		}
		return c.writeCollection(spec.Context, raw, total, more, offset+size)
	}
	err = c.s.st.Read(ctx, func(tx *Tx) error {
		if simple {
			objs, err := tx.List(ctx, spec.Scope, spec.Desc, offset, size+1)
			if err != nil {
				return err
			}
			if len(objs) > size {
				objs, more = objs[:size], true
			}
			for _, o := range objs {
				page = append(page, o.Data)
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
			// the page's documents are decoded whole afterwards.
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
			if it.raw != nil {
				var err error
				if it.doc, err = decodeFields(it.raw, nil); err != nil {
					return fmt.Errorf("sandbox: decode stored %s: %w", spec.Scope.Collection, err)
				}
			}
			page = append(page, it.doc)
		}
		return nil
	})
	if err != nil {
		return err
	}
	value := make([]any, 0, len(page))
	for _, doc := range page {
		out, err := c.present(ctx, spec, doc, opts)
		if err != nil {
			return err
		}
		value = append(value, out)
	}
	if !opts.Count || !first {
		total = -1
	}
	return c.writeCollection(spec.Context, value, total, more, offset+size)
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

// present applies spec.Present, $expand and $select to one document.
func (c *Call) present(ctx context.Context, spec ListSpec, doc map[string]any, opts *odata.Options) (map[string]any, error) {
	if spec.Present != nil {
		doc = spec.Present(c, doc)
	}
	doc = c.localize(doc)
	if len(opts.Expand) > 0 {
		cp := make(map[string]any, len(doc)+len(opts.Expand))
		for k, v := range doc {
			cp[k] = v
		}
		for _, e := range opts.Expand {
			exp, _ := LookupFold(spec.Expand, e.Path)
			v, err := exp(ctx, c, doc, e)
			if err != nil {
				return nil, err
			}
			cp[e.Path] = v
		}
		doc = cp
	}
	sel := opts.Select
	for _, e := range opts.Expand {
		if len(sel) > 0 {
			sel = append(slices.Clone(sel), e.Path)
		}
	}
	return odata.Project(doc, sel), nil
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
		o, err = tx.GetIn(ctx, spec.Scope, id)
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
	out, err := c.present(ctx, spec, o.Data, opts)
	if err != nil {
		return err
	}
	return c.Entity(http.StatusOK, out)
}

// CountOnly answers a /$count segment with the number as text/plain.
func (c *Call) CountOnly(ctx context.Context, spec ListSpec) error {
	if spec.Directory && !c.eventual() {
		return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery",
			"$count is only supported with the request header 'ConsistencyLevel: eventual'.")
	}
	var n int
	err := c.s.st.Read(ctx, func(tx *Tx) error {
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
	body := strconv.Itoa(n)
	c.W.Header().Set("Content-Type", "text/plain;charset=utf-8")
	c.W.Header().Set("Content-Length", strconv.Itoa(len(body)))
	c.W.WriteHeader(http.StatusOK)
	_, err = c.W.Write([]byte(body))
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
