package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Site is Graph's site: a SharePoint site, bound to the account it came
// from. Its properties are read-only through Graph.
type Site struct {
	o365.Object
	ID                   string              `json:"id,omitzero" o365:"readonly"`
	Name                 string              `json:"name,omitzero" o365:"readonly"`
	DisplayName          string              `json:"displayName,omitzero" o365:"readonly"`
	Description          string              `json:"description,omitzero" o365:"readonly"`
	WebURL               string              `json:"webUrl,omitzero" o365:"readonly"`
	ETag                 string              `json:"eTag,omitzero" o365:"readonly"`
	CreatedDateTime      time.Time           `json:"createdDateTime,omitzero" o365:"readonly"`
	LastModifiedDateTime time.Time           `json:"lastModifiedDateTime,omitzero" o365:"readonly"`
	CreatedBy            *o365.IdentitySet   `json:"createdBy,omitzero" o365:"readonly"`
	LastModifiedBy       *o365.IdentitySet   `json:"lastModifiedBy,omitzero" o365:"readonly"`
	ParentReference      *o365.ItemReference `json:"parentReference,omitzero" o365:"readonly"`
	IsPersonalSite       bool                `json:"isPersonalSite,omitzero" o365:"readonly"`
	// Root is set on the root site of a site collection.
	Root           *Root               `json:"root,omitzero" o365:"readonly"`
	SiteCollection *SiteCollection     `json:"siteCollection,omitzero" o365:"readonly"`
	SharePointIDs  *o365.SharePointIDs `json:"sharepointIds,omitzero" o365:"readonly"`

	err error // a malformed reference given to Sites.Site
}

// UnmarshalJSONFrom decodes the site and keeps its JSON (see o365.Object).
func (s *Site) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Site
	return o365.DecodeObject(d, (*plain)(s))
}

// MarshalJSON encodes the site as the service sent it (see o365.Object).
func (s Site) MarshalJSON() ([]byte, error) {
	type plain Site
	return o365.MarshalObject((*plain)(&s))
}

// ready reports why the site cannot make requests: a malformed reference,
// or no binding.
func (s *Site) ready() error {
	if s.err != nil {
		return s.err
	}
	if s.Account() == nil {
		return ErrUnbound
	}
	return nil
}

// Resource is the site as an account resource ("sites/{id}", or the path
// it was named by until it is loaded), for o365.WithResource: the drive
// package opens the site's document libraries from it.
func (s *Site) Resource() string {
	if s.ID != "" {
		r, err := o365.ParseResource("site:" + s.ID)
		if err == nil {
			return r.String()
		}
	}
	return strings.TrimPrefix(s.Path(), "/")
}

// rebind binds a loaded site at /sites/{id}, its id written as Graph
// parses it (the engine would escape its commas).
func (s *Site) rebind() *Site {
	if s.ID != "" {
		_ = o365.Bind(s, s.Account(), "/"+s.Resource())
	}
	return s
}

// listSites lists the sites req answers, each bound at /sites/{id}.
func listSites(ctx context.Context, acct *o365.Account, req *o365.Request) iter.Seq2[*Site, error] {
	req.Collection = "/sites"
	return func(yield func(*Site, error) bool) {
		for s, err := range o365.List[Site](ctx, acct, req) {
			if s != nil {
				s.rebind()
			}
			if !yield(s, err) || err != nil {
				return
			}
		}
	}
}

// sub is a path below the site.
func (s *Site) sub(segments ...string) string {
	return s.Path() + "/" + o365.Path(segments...)
}

// Refresh loads the site; q may $select and $expand.
//
// Graph: GET /sites/{site-id}
// (https://learn.microsoft.com/graph/api/site-get).
func (s *Site) Refresh(ctx context.Context, q *o365.Query) error {
	if err := s.ready(); err != nil {
		return err
	}
	if err := o365.Refresh(ctx, s, q); err != nil {
		return fmt.Errorf("sharepoint: refresh site %q: %w", s.Path(), err)
	}
	return nil
}

// ListSubsites lists the site's subsites.
//
// Graph: GET /sites/{site-id}/sites
// (https://learn.microsoft.com/graph/api/site-list-subsites).
func (s *Site) ListSubsites(ctx context.Context, q *o365.Query) iter.Seq2[*Site, error] {
	if err := s.ready(); err != nil {
		return o365.Fail[Site](err)
	}
	return listSites(ctx, s.Account(), &o365.Request{Path: s.sub("sites"), Query: q})
}

// ListLists lists the site's lists and libraries (system lists only when q
// selects "system").
//
// Graph: GET /sites/{site-id}/lists
// (https://learn.microsoft.com/graph/api/list-list).
func (s *Site) ListLists(ctx context.Context, q *o365.Query) iter.Seq2[*List, error] {
	if err := s.ready(); err != nil {
		return o365.Fail[List](err)
	}
	return o365.List[List](ctx, s.Account(), &o365.Request{Path: s.sub("lists"), Query: q})
}

// List returns the list with this id or title without a request; only its
// path is known until Refresh.
func (s *Site) List(idOrTitle string) *List {
	l := &List{ref: idOrTitle}
	if err := s.ready(); err != nil {
		l.err = err
		return l
	}
	_ = o365.Bind(l, s.Account(), s.sub("lists", idOrTitle))
	return l
}

// GetList loads a list by id or title (display name); q may $select and
// $expand (columns, contentTypes).
//
// Graph: GET /sites/{site-id}/lists/{list-id}
// (https://learn.microsoft.com/graph/api/list-get).
func (s *Site) GetList(ctx context.Context, idOrTitle string, q *o365.Query) (*List, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if idOrTitle == "" {
		return nil, errors.New("sharepoint: get list: empty id or title")
	}
	l, err := o365.Get[List](ctx, s.Account(), &o365.Request{Path: s.sub("lists", idOrTitle), Query: q, Collection: s.sub("lists")})
	if err != nil {
		return nil, fmt.Errorf("sharepoint: get list %q: %w", idOrTitle, err)
	}
	return l, nil
}

// ListOptions describe a list to create; nil means a generic list with
// only its built-in columns (Title ...).
type ListOptions struct {
	Description string
	// Columns are created with the list (see NewTextColumn and the other
	// column constructors).
	Columns []*Column
	// Template is the list's template; empty means genericList.
	Template string
}

// CreateList creates a list. Titles are unique in a site, so a create
// whose answer is lost is looked for by title instead of being repeated.
//
// Graph: POST /sites/{site-id}/lists
// (https://learn.microsoft.com/graph/api/list-create).
func (s *Site) CreateList(ctx context.Context, title string, opts *ListOptions) (*List, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(title) == "" {
		return nil, errors.New("sharepoint: create list: empty title")
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.Template == "" {
		o.Template = "genericList"
	}
	l := &List{DisplayName: title, Description: o.Description, ListInfo: &ListInfo{Template: o.Template}, Columns: o.Columns}
	_ = o365.BindNew(l, s.Account(), s.sub("lists"))
	err := o365.Once(ctx, func() error { return o365.Save(ctx, l) }, func() (bool, error) {
		found, err := s.GetList(ctx, title, nil)
		if errors.Is(err, o365.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		*l = *found
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("sharepoint: create list %q: %w", title, err)
	}
	return l, o365.Bind(l, s.Account(), s.sub("lists", l.ID))
}

// ListColumns lists the site's own columns (site columns).
//
// Graph: GET /sites/{site-id}/columns
// (https://learn.microsoft.com/graph/api/site-list-columns).
func (s *Site) ListColumns(ctx context.Context, q *o365.Query) iter.Seq2[*Column, error] {
	if err := s.ready(); err != nil {
		return o365.Fail[Column](err)
	}
	return o365.List[Column](ctx, s.Account(), &o365.Request{Path: s.sub("columns"), Query: q})
}

// CreateColumn creates a site column (see NewTextColumn and the other
// column constructors).
//
// Graph: POST /sites/{site-id}/columns
// (https://learn.microsoft.com/graph/api/site-post-columns).
func (s *Site) CreateColumn(ctx context.Context, col *Column) (*Column, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	return createColumn(ctx, s.Account(), s.sub("columns"), col)
}

// ListContentTypes lists the site's content types.
//
// Graph: GET /sites/{site-id}/contentTypes
// (https://learn.microsoft.com/graph/api/site-list-contenttypes).
func (s *Site) ListContentTypes(ctx context.Context, q *o365.Query) iter.Seq2[*ContentType, error] {
	if err := s.ready(); err != nil {
		return o365.Fail[ContentType](err)
	}
	return o365.List[ContentType](ctx, s.Account(), &o365.Request{Path: s.sub("contentTypes"), Query: q})
}
