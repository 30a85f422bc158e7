package outlook

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Category is Graph's outlookCategory: a name and a colour in the mailbox's
// master list of categories. Messages, events, contacts and To Do tasks
// carry categories by name (their Categories field); the master list gives
// the names their colours. The name cannot change once the category exists;
// the colour can (set Color and Save).
type Category struct {
	o365.Object
	ID          string `json:"id,omitzero" o365:"readonly"`
	DisplayName string `json:"displayName,omitzero" o365:"createonly"`
	// Color is CategoryNone or one of the 25 presets, "preset0" (CategoryRed)
	// to "preset24" (CategoryDarkCranberry); Outlook picks the shade.
	Color string `json:"color,omitzero"`
}

// UnmarshalJSONFrom decodes the category and keeps its JSON (see
// o365.Object).
func (c *Category) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Category
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the category as the service sent it, with the
// program's changes (see o365.Object).
func (c Category) MarshalJSON() ([]byte, error) {
	type plain Category
	return o365.MarshalObject((*plain)(&c))
}

// Category colours: Graph's categoryColor values, named after the colours
// Outlook on the desktop shows for them.
const (
	CategoryNone          = "none"
	CategoryRed           = "preset0"
	CategoryOrange        = "preset1"
	CategoryBrown         = "preset2"
	CategoryYellow        = "preset3"
	CategoryGreen         = "preset4"
	CategoryTeal          = "preset5"
	CategoryOlive         = "preset6"
	CategoryBlue          = "preset7"
	CategoryPurple        = "preset8"
	CategoryCranberry     = "preset9"
	CategorySteel         = "preset10"
	CategoryDarkSteel     = "preset11"
	CategoryGray          = "preset12"
	CategoryDarkGray      = "preset13"
	CategoryBlack         = "preset14"
	CategoryDarkRed       = "preset15"
	CategoryDarkOrange    = "preset16"
	CategoryDarkBrown     = "preset17"
	CategoryDarkYellow    = "preset18"
	CategoryDarkGreen     = "preset19"
	CategoryDarkTeal      = "preset20"
	CategoryDarkOlive     = "preset21"
	CategoryDarkBlue      = "preset22"
	CategoryDarkPurple    = "preset23"
	CategoryDarkCranberry = "preset24"
)

// categoryColorNames are the colours' names, by preset number.
var categoryColorNames = [...]string{
	"red", "orange", "brown", "yellow", "green", "teal", "olive", "blue", "purple", "cranberry",
	"steel", "darkSteel", "gray", "darkGray", "black", "darkRed", "darkOrange", "darkBrown",
	"darkYellow", "darkGreen", "darkTeal", "darkOlive", "darkBlue", "darkPurple", "darkCranberry",
}

// CategoryColors returns the colours a category can have, presets first in
// order, then CategoryNone.
func CategoryColors() []string {
	out := make([]string, 0, len(categoryColorNames)+1)
	for i := range categoryColorNames {
		out = append(out, fmt.Sprintf("preset%d", i))
	}
	return append(out, CategoryNone)
}

// CategoryColorName returns the name of a colour ("red" for "preset0",
// "none"), or the value itself when it is none of Graph's.
func CategoryColorName(color string) string {
	for i, name := range categoryColorNames {
		if strings.EqualFold(color, fmt.Sprintf("preset%d", i)) {
			return name
		}
	}
	if strings.EqualFold(color, CategoryNone) {
		return CategoryNone
	}
	return color
}

// ParseCategoryColor reads a colour by name ("red", "Dark Blue",
// "darkblue"), as a preset ("preset7", "Preset7") or "none", and returns
// Graph's value; the error lists the names.
func ParseCategoryColor(s string) (string, error) {
	lower := strings.ToLower(strings.TrimSpace(s))
	key := strings.NewReplacer(" ", "", "-", "", "_", "").Replace(lower)
	for i, name := range categoryColorNames {
		if key == strings.ToLower(name) || lower == fmt.Sprintf("preset%d", i) {
			return fmt.Sprintf("preset%d", i), nil
		}
	}
	if lower == CategoryNone {
		return CategoryNone, nil
	}
	return "", fmt.Errorf("outlook: %q is not a category colour; use none, preset0 to preset24, or a name: %s",
		s, strings.Join(categoryColorNames[:], ", "))
}

// categoriesPath is where the master list lives: Graph serves it under the
// user's outlook settings, Outlook REST at the mailbox's top level.
func categoriesPath(acct *o365.Account) string {
	if acct.Protocol().Namespace == "Microsoft.OutlookServices" {
		return "MasterCategories"
	}
	return "outlook/masterCategories"
}

// ListCategories lists the master list of categories of acct's mailbox.
//
// Graph: GET /me/outlook/masterCategories
// (https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories).
func ListCategories(ctx context.Context, acct *o365.Account, q *o365.Query) iter.Seq2[*Category, error] {
	return o365.List[Category](ctx, acct, &o365.Request{Path: categoriesPath(acct), Query: q})
}

// CategoryByID returns the category with the given id without a request:
// enough to Delete it, or to set its Color and Save it.
func CategoryByID(acct *o365.Account, id string) *Category {
	c := &Category{ID: id}
	_ = o365.Bind(c, acct, categoriesPath(acct)+"/"+o365.Path(id))
	return c
}

// GetCategory loads one category of the master list by id.
//
// Graph: GET /me/outlook/masterCategories/{id}
// (https://learn.microsoft.com/graph/api/outlookcategory-get).
func GetCategory(ctx context.Context, acct *o365.Account, id string) (*Category, error) {
	c, err := o365.Get[Category](ctx, acct, &o365.Request{Path: categoriesPath(acct) + "/" + o365.Path(id)})
	if err != nil {
		return nil, fmt.Errorf("outlook: get category %q: %w", id, err)
	}
	return c, nil
}

// ErrCategoryExists is wrapped by CreateCategory's error when the master
// list has a category of that name (409 Conflict: names are unique,
// compared without regard to case).
var ErrCategoryExists = errors.New("outlook: a category of that name exists")

// CreateCategory adds a category to the master list: name, unique in the
// list, and color (see Category.Color; "" is CategoryNone).
//
// It is exactly-once: names are unique, so after an answer that may hide a
// created category, one of that name found in the list is the one created.
// A name that was taken before is refused with ErrCategoryExists.
//
// Graph: POST /me/outlook/masterCategories
// (https://learn.microsoft.com/graph/api/outlookuser-post-mastercategories).
func CreateCategory(ctx context.Context, acct *o365.Account, name, color string) (*Category, error) {
	if strings.TrimSpace(name) == "" {
		return nil, errors.New("outlook: create category: empty name")
	}
	if color == "" {
		color = CategoryNone
	}
	c := &Category{DisplayName: name, Color: color}
	_ = o365.BindNew(c, acct, categoriesPath(acct))
	err := o365.Once(ctx, func() error { return o365.Save(ctx, c) }, func() (bool, error) {
		found, err := findCategory(ctx, acct, name)
		if err != nil || found == nil {
			return false, err
		}
		*c = *found
		return true, nil
	})
	if errors.Is(err, o365.ErrConflict) {
		err = fmt.Errorf("%w: %w", ErrCategoryExists, err)
	}
	if err != nil {
		return nil, fmt.Errorf("outlook: create category %q: %w", name, err)
	}
	return c, nil
}

// FindCategory returns the category of the master list with the given
// name (compared without regard to case, as Outlook does), or nil.
//
// Graph: GET /me/outlook/masterCategories
// (https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories).
func FindCategory(ctx context.Context, acct *o365.Account, name string) (*Category, error) {
	c, err := findCategory(ctx, acct, name)
	if err != nil {
		return nil, fmt.Errorf("outlook: find category %q: %w", name, err)
	}
	return c, nil
}

func findCategory(ctx context.Context, acct *o365.Account, name string) (*Category, error) {
	// The list is short (Outlook keeps a few dozen at most): read it whole
	// rather than rely on $filter support.
	for c, err := range ListCategories(ctx, acct, nil) {
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(c.DisplayName, name) {
			return c, nil
		}
	}
	return nil, nil
}

// Save PATCHes the category's colour (the only property that can change)
// when it changed since it was loaded.
//
// Graph: PATCH /me/outlook/masterCategories/{id}
// (https://learn.microsoft.com/graph/api/outlookcategory-update).
func (c *Category) Save(ctx context.Context) error {
	if !c.Exists() {
		return fmt.Errorf("outlook: save category %q: create it with CreateCategory", c.DisplayName)
	}
	if err := o365.Save(ctx, c); err != nil {
		return fmt.Errorf("outlook: update category %q: %w", c.ID, err)
	}
	return nil
}

// Delete removes the category from the master list. Items keep the name
// in their Categories, shown without a colour.
//
// Graph: DELETE /me/outlook/masterCategories/{id}
// (https://learn.microsoft.com/graph/api/outlookcategory-delete).
func (c *Category) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, c); err != nil {
		return fmt.Errorf("outlook: delete category %q: %w", c.ID, err)
	}
	return nil
}
