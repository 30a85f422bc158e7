package sharepoint

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Column is Graph's columnDefinition: a column of a list or site. Exactly
// one of the kind fields (Text, Number, Choice ...) is set; Kind names it.
// Build new columns with NewTextColumn and the other constructors, then
// set Required, Indexed or the kind's settings.
type Column struct {
	o365.Object
	ID string `json:"id,omitzero" o365:"readonly"`
	// Name is the internal name fields are keyed by ("Due_x0020_Date");
	// it is set when the column is created.
	Name                string `json:"name,omitzero" o365:"createonly"`
	DisplayName         string `json:"displayName,omitzero"`
	Description         string `json:"description,omitzero"`
	ColumnGroup         string `json:"columnGroup,omitzero"`
	EnforceUniqueValues bool   `json:"enforceUniqueValues,omitzero"`
	Hidden              bool   `json:"hidden,omitzero"`
	// Indexed columns can be filtered and ordered on without
	// ItemOptions.AllowNonIndexed.
	Indexed  bool `json:"indexed,omitzero"`
	ReadOnly bool `json:"readOnly,omitzero"`
	Required bool `json:"required,omitzero"`
	// Type is the column's kind in Graph's columnTypes enumeration (text,
	// choice, number ...), when the service reports it.
	Type              string           `json:"type,omitzero" o365:"readonly"`
	IsDeletable       bool             `json:"isDeletable,omitzero" o365:"readonly"`
	IsReorderable     bool             `json:"isReorderable,omitzero" o365:"readonly"`
	IsSealed          bool             `json:"isSealed,omitzero" o365:"readonly"`
	PropagateChanges  bool             `json:"propagateChanges,omitzero"`
	SourceContentType *ContentTypeInfo `json:"sourceContentType,omitzero" o365:"readonly"`

	Boolean            *BooleanColumn            `json:"boolean,omitzero"`
	Calculated         *CalculatedColumn         `json:"calculated,omitzero"`
	Choice             *ChoiceColumn             `json:"choice,omitzero"`
	Currency           *CurrencyColumn           `json:"currency,omitzero"`
	DateTime           *DateTimeColumn           `json:"dateTime,omitzero"`
	HyperlinkOrPicture *HyperlinkOrPictureColumn `json:"hyperlinkOrPicture,omitzero"`
	Lookup             *LookupColumn             `json:"lookup,omitzero"`
	Number             *NumberColumn             `json:"number,omitzero"`
	PersonOrGroup      *PersonOrGroupColumn      `json:"personOrGroup,omitzero"`
	Text               *TextColumn               `json:"text,omitzero"`
	DefaultValue       *DefaultColumnValue       `json:"defaultValue,omitzero"`
	Validation         *ColumnValidation         `json:"validation,omitzero"`
}

// UnmarshalJSONFrom decodes the column and keeps its JSON (see o365.Object).
func (c *Column) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Column
	return o365.DecodeObject(d, (*plain)(c))
}

// MarshalJSON encodes the column as the service sent it, with the
// program's changes (see o365.Object).
func (c Column) MarshalJSON() ([]byte, error) {
	type plain Column
	return o365.MarshalObject((*plain)(&c))
}

// Column kinds, as Kind reports them (Graph's facet names).
const (
	KindBoolean            = "boolean"
	KindCalculated         = "calculated"
	KindChoice             = "choice"
	KindCurrency           = "currency"
	KindDateTime           = "dateTime"
	KindHyperlinkOrPicture = "hyperlinkOrPicture"
	KindLookup             = "lookup"
	KindNumber             = "number"
	KindPersonOrGroup      = "personOrGroup"
	KindText               = "text"
)

// Kind is the column's kind: KindText, KindNumber ..., or "" for the
// built-in columns Graph gives no facet (ID, computed columns).
func (c *Column) Kind() string {
	switch {
	case c.Boolean != nil:
		return KindBoolean
	case c.Calculated != nil:
		return KindCalculated
	case c.Choice != nil:
		return KindChoice
	case c.Currency != nil:
		return KindCurrency
	case c.DateTime != nil:
		return KindDateTime
	case c.HyperlinkOrPicture != nil:
		return KindHyperlinkOrPicture
	case c.Lookup != nil:
		return KindLookup
	case c.Number != nil:
		return KindNumber
	case c.PersonOrGroup != nil:
		return KindPersonOrGroup
	case c.Text != nil:
		return KindText
	}
	return ""
}

// BooleanColumn is Graph's booleanColumn: a yes/no column.
type BooleanColumn struct{}

// CalculatedColumn is Graph's calculatedColumn: a column computed by a
// formula.
type CalculatedColumn struct {
	Format     string `json:"format,omitzero"`
	Formula    string `json:"formula,omitzero"`
	OutputType string `json:"outputType,omitzero"`
}

// ChoiceColumn is Graph's choiceColumn. DisplayAs "checkBoxes" makes the
// column hold several choices.
type ChoiceColumn struct {
	AllowTextEntry bool     `json:"allowTextEntry,omitzero"`
	Choices        []string `json:"choices,omitzero"`
	// DisplayAs is dropDownMenu, radioButtons or checkBoxes.
	DisplayAs string `json:"displayAs,omitzero"`
}

// CurrencyColumn is Graph's currencyColumn.
type CurrencyColumn struct {
	Locale string `json:"locale,omitzero"`
}

// DateTimeColumn is Graph's dateTimeColumn.
type DateTimeColumn struct {
	// DisplayAs is default, friendly or standard.
	DisplayAs string `json:"displayAs,omitzero"`
	// Format is dateOnly or dateTime.
	Format string `json:"format,omitzero"`
}

// HyperlinkOrPictureColumn is Graph's hyperlinkOrPictureColumn.
type HyperlinkOrPictureColumn struct {
	IsPicture bool `json:"isPicture,omitzero"`
}

// LookupColumn is Graph's lookupColumn: a column whose values are items of
// another list of the site (set them with Fields.SetLookup).
type LookupColumn struct {
	AllowMultipleValues   bool   `json:"allowMultipleValues,omitzero"`
	AllowUnlimitedLength  bool   `json:"allowUnlimitedLength,omitzero"`
	ColumnName            string `json:"columnName,omitzero"`
	ListID                string `json:"listId,omitzero"`
	PrimaryLookupColumnID string `json:"primaryLookupColumnId,omitzero"`
}

// NumberColumn is Graph's numberColumn. Minimum and Maximum are pointers:
// nil leaves them unbounded, while 0 is a bound.
type NumberColumn struct {
	// DecimalPlaces is automatic, none, one ... five.
	DecimalPlaces string `json:"decimalPlaces,omitzero"`
	// DisplayAs is number or percentage.
	DisplayAs string   `json:"displayAs,omitzero"`
	Maximum   *float64 `json:"maximum,omitzero"`
	Minimum   *float64 `json:"minimum,omitzero"`
}

// PersonOrGroupColumn is Graph's personOrGroupColumn: a column of people
// (set them with Fields.SetLookup and a lookup id of the site's User
// Information List).
type PersonOrGroupColumn struct {
	AllowMultipleSelection bool `json:"allowMultipleSelection,omitzero"`
	// ChooseFromType is peopleAndGroups or peopleOnly.
	ChooseFromType string `json:"chooseFromType,omitzero"`
	DisplayAs      string `json:"displayAs,omitzero"`
}

// TextColumn is Graph's textColumn.
type TextColumn struct {
	AllowMultipleLines          bool   `json:"allowMultipleLines,omitzero"`
	AppendChangesToExistingText bool   `json:"appendChangesToExistingText,omitzero"`
	LinesForEditing             int    `json:"linesForEditing,omitzero"`
	MaxLength                   int    `json:"maxLength,omitzero"`
	TextType                    string `json:"textType,omitzero"`
}

// DefaultColumnValue is Graph's defaultColumnValue: a value or formula new
// items get.
type DefaultColumnValue struct {
	Formula string `json:"formula,omitzero"`
	Value   string `json:"value,omitzero"`
}

// ColumnValidation is Graph's columnValidation: a formula values must
// satisfy.
type ColumnValidation struct {
	DefaultLanguage string                    `json:"defaultLanguage,omitzero"`
	Descriptions    []DisplayNameLocalization `json:"descriptions,omitzero"`
	Formula         string                    `json:"formula,omitzero"`
}

// DisplayNameLocalization is a text in one language.
type DisplayNameLocalization struct {
	DisplayName string `json:"displayName,omitzero"`
	LanguageTag string `json:"languageTag,omitzero"`
}

// NewTextColumn is a new single-line text column (up to 255 characters).
func NewTextColumn(name string) *Column { return &Column{Name: name, Text: &TextColumn{}} }

// NewNumberColumn is a new number column.
func NewNumberColumn(name string) *Column { return &Column{Name: name, Number: &NumberColumn{}} }

// NewChoiceColumn is a new column holding one of choices.
func NewChoiceColumn(name string, choices ...string) *Column {
	return &Column{Name: name, Choice: &ChoiceColumn{Choices: choices}}
}

// NewDateTimeColumn is a new date and time column.
func NewDateTimeColumn(name string) *Column {
	return &Column{Name: name, DateTime: &DateTimeColumn{}}
}

// NewBooleanColumn is a new yes/no column.
func NewBooleanColumn(name string) *Column { return &Column{Name: name, Boolean: &BooleanColumn{}} }

// NewPersonColumn is a new column holding a person.
func NewPersonColumn(name string) *Column {
	return &Column{Name: name, PersonOrGroup: &PersonOrGroupColumn{}}
}

// NewLookupColumn is a new column holding an item of another list of the
// site (listID), shown by that list's column columnName ("Title" when
// empty).
func NewLookupColumn(name, listID, columnName string) *Column {
	if columnName == "" {
		columnName = "Title"
	}
	return &Column{Name: name, Lookup: &LookupColumn{ListID: listID, ColumnName: columnName}}
}

// Save sends the column's changed settings (display name, description,
// Required, Indexed, the kind's settings ...).
//
// Graph: PATCH /sites/{site-id}/lists/{list-id}/columns/{column-id}
// (https://learn.microsoft.com/graph/api/columndefinition-update).
func (c *Column) Save(ctx context.Context) error {
	if c.Account() == nil {
		return ErrUnbound
	}
	if err := o365.Save(ctx, c); err != nil {
		return fmt.Errorf("sharepoint: save column %q: %w", c.Name, err)
	}
	return nil
}

// Delete deletes the column, and its values in the list's items.
//
// Graph: DELETE /sites/{site-id}/lists/{list-id}/columns/{column-id}
// (https://learn.microsoft.com/graph/api/columndefinition-delete).
func (c *Column) Delete(ctx context.Context) error {
	if c.Account() == nil {
		return ErrUnbound
	}
	if err := o365.Delete(ctx, c); err != nil {
		return fmt.Errorf("sharepoint: delete column %q: %w", c.Name, err)
	}
	return nil
}

// createColumn creates col in the collection at path. Names are unique
// there, so a create whose answer is lost is looked for by name.
func createColumn(ctx context.Context, acct *o365.Account, path string, col *Column) (*Column, error) {
	if col == nil || col.Name == "" && col.DisplayName == "" {
		return nil, errors.New("sharepoint: create column: the column needs a name")
	}
	name := col.Name
	label := name
	if label == "" {
		label = col.DisplayName
	}
	_ = o365.BindNew(col, acct, path)
	err := o365.Once(ctx, func() error { return o365.Save(ctx, col) }, func() (bool, error) {
		q := o365.NewQuery().Filter(o365.Eq("name", name))
		if name == "" {
			q = o365.NewQuery().Filter(o365.Eq("displayName", col.DisplayName))
		}
		for found, err := range o365.List[Column](ctx, acct, &o365.Request{Path: path, Query: q}) {
			if err != nil {
				return false, err
			}
			*col = *found
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("sharepoint: create column %q: %w", label, err)
	}
	return col, o365.Bind(col, acct, path+"/"+o365.Path(col.ID))
}

// ContentType is Graph's contentType: a kind of item of a site or list.
type ContentType struct {
	o365.Object
	ID            string              `json:"id,omitzero" o365:"readonly"`
	Name          string              `json:"name,omitzero"`
	Description   string              `json:"description,omitzero"`
	Group         string              `json:"group,omitzero"`
	Hidden        bool                `json:"hidden,omitzero"`
	ParentID      string              `json:"parentId,omitzero" o365:"readonly"`
	ReadOnly      bool                `json:"readOnly,omitzero"`
	Sealed        bool                `json:"sealed,omitzero"`
	IsBuiltIn     bool                `json:"isBuiltIn,omitzero" o365:"readonly"`
	InheritedFrom *o365.ItemReference `json:"inheritedFrom,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the content type and keeps its JSON (see
// o365.Object).
func (ct *ContentType) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain ContentType
	return o365.DecodeObject(d, (*plain)(ct))
}

// MarshalJSON encodes the content type as the service sent it (see
// o365.Object).
func (ct ContentType) MarshalJSON() ([]byte, error) {
	type plain ContentType
	return o365.MarshalObject((*plain)(&ct))
}
