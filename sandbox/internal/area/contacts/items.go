package contacts

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// The contact's writable properties by kind, as Graph's contact resource
// and Exchange's limits define them.
var (
	contactStrings = []string{
		"assistantName", "businessHomePage", "companyName", "department", "displayName", "fileAs",
		"generation", "givenName", "initials", "jobTitle", "manager", "middleName", "mobilePhone",
		"nickName", "officeLocation", "personalNotes", "profession", "spouseName", "surname", "title",
		"yomiCompanyName", "yomiGivenName", "yomiSurname",
	}
	// contactLists are string collections with Exchange's entry limits (0:
	// none): "The multi value property BusinessPhones has 3 entries, that
	// exceeds the max allowed value of 2".
	contactLists     = map[string]int{"businessPhones": 2, "homePhones": 2, "imAddresses": 3, "children": 0, "categories": 0}
	contactAddresses = []string{"businessAddress", "homeAddress", "otherAddress"}
	addressFields    = []string{"street", "city", "state", "postalCode", "countryOrRegion"}
	// emailSlots are the single-address views of emailAddresses[0..2].
	emailSlots      = []string{"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"}
	extendedProps   = []string{"singleValueExtendedProperties", "multiValueExtendedProperties"}
	contactReadOnly = []string{"createdDateTime", "lastModifiedDateTime", "changeKey"}
	// nameParts make the display name Exchange composes when none is given.
	nameParts = []string{"givenName", "middleName", "surname", "generation"}
)

// maxEmailAddresses is how many addresses a contact holds.
const maxEmailAddresses = 3

// contactSearchFields are where unqualified $search terms look.
var contactSearchFields = []string{
	"displayName", "givenName", "surname", "nickName", "companyName", "emailAddresses", "personalNotes",
}

func errUnknownProperty(name, typ string) *core.Error {
	return core.Errorf(http.StatusBadRequest, "ErrorInvalidProperty",
		"The property '%s' does not exist on type 'microsoft.graph.%s' or is read-only.", name, typ)
}

func errTooMany(name string, n, limit int) *core.Error {
	return core.Errorf(http.StatusBadRequest, "ErrorInvalidProperty",
		"The multi value property %s has %d entries, that exceeds the max allowed value of %d", upper(name), n, limit)
}

func upper(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// checkContactInput validates a POST or PATCH body and returns it with
// values normalized (birthday as an instant); move reports a
// parentFolderId, which only a PATCH may send.
func checkContactInput(in map[string]any) (out map[string]any, move string, err error) {
	out = map[string]any{}
	for k, v := range in {
		switch {
		case strings.HasPrefix(k, "@"), strings.EqualFold(k, "id"):
			continue
		case core.ContainsFold(contactReadOnly, k):
			return nil, "", errUnknownProperty(k, "contact")
		case k == "parentFolderId":
			s, ok := v.(string)
			if !ok || s == "" {
				return nil, "", core.BadRequest("parentFolderId must be the id of a contact folder.")
			}
			move = s
			continue
		case v == nil:
			switch {
			case k == "emailAddresses", isList(k):
				v = []any{}
			case core.ContainsFold(contactAddresses, k):
				v = map[string]any{}
			case !knownProperty(k):
				return nil, "", errUnknownProperty(k, "contact")
			}
		case core.ContainsFold(contactStrings, k):
			if _, ok := v.(string); !ok {
				return nil, "", core.BadRequest("%s must be a string.", k)
			}
		case isList(k):
			list, ok := stringList(v)
			if !ok {
				return nil, "", core.BadRequest("%s must be an array of strings.", k)
			}
			if limit := contactLists[k]; limit > 0 && len(list) > limit {
				return nil, "", errTooMany(k, len(list), limit)
			}
		case k == "emailAddresses":
			list, ok := v.([]any)
			if !ok {
				return nil, "", core.BadRequest("emailAddresses must be an array of {address, name}.")
			}
			if len(list) > maxEmailAddresses {
				return nil, "", errTooMany(k, len(list), maxEmailAddresses)
			}
			for _, e := range list {
				if err := checkEmail(k, e); err != nil {
					return nil, "", err
				}
			}
		case core.ContainsFold(emailSlots, k):
			if err := checkEmail(k, v); err != nil {
				return nil, "", err
			}
		case core.ContainsFold(contactAddresses, k):
			m, ok := v.(map[string]any)
			if !ok {
				return nil, "", core.BadRequest("%s must be a physicalAddress object.", k)
			}
			for f, fv := range m {
				if _, isStr := fv.(string); !core.ContainsFold(addressFields, f) || fv != nil && !isStr {
					return nil, "", core.BadRequest("%s.%s is not a string property of physicalAddress (%s).", k, f, strings.Join(addressFields, ", "))
				}
			}
		case k == "birthday":
			s, _ := v.(string)
			t, ok := parseBirthday(s)
			if !ok {
				return nil, "", core.BadRequest("birthday must be a date (1974-07-22) or a date and time (1974-07-22T00:00:00Z).")
			}
			v = core.ISOTime(t)
		case core.ContainsFold(extendedProps, k):
			list, ok := v.([]any)
			for _, p := range list {
				m, isObj := p.(map[string]any)
				if !isObj || core.Str(m, "id") == "" {
					ok = false
				}
			}
			if !ok {
				return nil, "", core.BadRequest("%s must be an array of {id, value}.", k)
			}
		default:
			return nil, "", errUnknownProperty(k, "contact")
		}
		out[k] = v
	}
	return out, move, nil
}

func isList(k string) bool { _, ok := contactLists[k]; return ok }

// knownProperty reports whether k is a writable contact property.
func knownProperty(k string) bool {
	return isList(k) || k == "emailAddresses" || k == "birthday" || core.ContainsFold(contactStrings, k) ||
		core.ContainsFold(emailSlots, k) || core.ContainsFold(contactAddresses, k) || core.ContainsFold(extendedProps, k)
}

func stringList(v any) ([]any, bool) {
	list, ok := v.([]any)
	for _, s := range list {
		if _, isStr := s.(string); !isStr {
			return nil, false
		}
	}
	return list, ok
}

func checkEmail(prop string, v any) error {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if ok {
		for f, fv := range m {
			if _, isStr := fv.(string); (f != "address" && f != "name") || fv != nil && !isStr {
				ok = false
			}
		}
	}
	if !ok {
		return core.BadRequest("%s must hold emailAddress objects {address, name}.", prop)
	}
	return nil
}

// parseBirthday accepts a date or an instant.
func parseBirthday(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// composedName is the display name Exchange makes of a contact's name.
func composedName(doc map[string]any) string {
	var parts []string
	for _, k := range nameParts {
		if s := strings.TrimSpace(core.Str(doc, k)); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// applyContact writes checked input to a stored contact: the email slots
// into emailAddresses, extended properties merged by id, and a display
// name composed when there was none or it was the composed one.
func applyContact(doc, in map[string]any) {
	wasComposed := core.Str(doc, "displayName") == composedName(doc)
	for k, v := range in {
		switch {
		case core.ContainsFold(extendedProps, k):
			doc[k] = core.MergeExtendedProperties(doc[k], v)
		case core.ContainsFold(emailSlots, k):
			i := indexFold(emailSlots, k)
			list, _ := doc["emailAddresses"].([]any)
			list = append([]any(nil), list...)
			for len(list) <= i {
				list = append(list, map[string]any{})
			}
			if v == nil {
				v = map[string]any{}
			}
			list[i] = v
			for len(list) > 0 && len(list[len(list)-1].(map[string]any)) == 0 {
				list = list[:len(list)-1]
			}
			doc["emailAddresses"] = list
		case v == nil:
			doc[k] = nil
		default:
			doc[k] = v
		}
	}
	if _, named := in["displayName"]; !named && wasComposed || core.Str(doc, "displayName") == "" {
		doc["displayName"] = composedName(doc)
	}
}

func indexFold(list []string, s string) int {
	for i, v := range list {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return -1
}

// newContactDoc is a new contact in folder.
func newContactDoc(now time.Time, folder string) map[string]any {
	doc := map[string]any{
		"createdDateTime": core.ISOTime(now), "parentFolderId": folder,
		"emailAddresses": []any{}, "fileAs": "", "personalNotes": "", "displayName": "",
	}
	// Graph sends empty addresses as {}; the core's shape sends the other
	// unset properties as null or [].
	for _, k := range contactAddresses {
		doc[k] = map[string]any{}
	}
	core.TouchItem(doc, now)
	return doc
}

// presentContact is what a client sees of a stored contact: extended
// properties only through $expand, the email slots from emailAddresses.
func presentContact(_ *core.Call, doc map[string]any) map[string]any {
	out := core.PublicDoc(doc)
	for _, k := range extendedProps {
		delete(out, k)
	}
	list, _ := doc["emailAddresses"].([]any)
	for i, k := range emailSlots {
		out[k] = nil
		if i < len(list) {
			out[k] = list[i]
		}
	}
	return out
}

// contactListSpec lists the contacts of one folder.
func contactListSpec(c *core.Call, folder string) core.ListSpec {
	ext := func(name string) core.Expander {
		return func(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
			var list []any
			err := c.Store().Read(ctx, func(tx *core.Tx) error {
				o, err := tx.Get(ctx, collContacts, c.User.ID, core.Str(doc, "id"))
				if err == nil {
					list, _ = o.Data[name].([]any)
				}
				return err
			})
			if err != nil {
				return nil, err
			}
			if list == nil {
				list = []any{}
			}
			return core.FilterExpanded(item, list), nil
		}
	}
	return core.ListSpec{
		Scope:        contactsIn(c.User.ID, folder),
		Type:         typeContact,
		DefaultTop:   10,
		MaxTop:       1000,
		SearchFields: contactSearchFields,
		Present:      presentContact,
		Expand: map[string]core.Expander{
			"singleValueExtendedProperties": ext("singleValueExtendedProperties"),
			"multiValueExtendedProperties":  ext("multiValueExtendedProperties"),
		},
	}
}

// defaultFolder loads the user's Contacts folder, creating the tree first,
// and checks that the caller may act on it with need.
func defaultFolder(ctx context.Context, c *core.Call, need core.FolderRights) (string, error) {
	if err := ensureTree(ctx, c); err != nil {
		return "", err
	}
	id := defaultFolderID(c.User.ID)
	return id, c.Store().Read(ctx, func(tx *core.Tx) error { return permitID(ctx, c, tx, id, need, nil) })
}

func listDefaultContacts(ctx context.Context, c *core.Call) error {
	id, err := defaultFolder(ctx, c, core.ReadItems)
	if err != nil {
		return err
	}
	return c.List(ctx, contactListSpec(c, id))
}

func listFolderContacts(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.ReadItems)
	if err != nil {
		return err
	}
	return c.List(ctx, contactListSpec(c, f.ID))
}

func deltaDefaultContacts(ctx context.Context, c *core.Call) error {
	id, err := defaultFolder(ctx, c, core.ReadItems)
	if err != nil {
		return err
	}
	return c.Delta(ctx, core.DeltaSpec{Scope: contactsIn(c.User.ID, id), Type: typeContact, PageSize: 100, Present: presentContact})
}

func deltaFolderContacts(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.ReadItems)
	if err != nil {
		return err
	}
	return c.Delta(ctx, core.DeltaSpec{Scope: contactsIn(c.User.ID, f.ID), Type: typeContact, PageSize: 100, Present: presentContact})
}

func errContactNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store.")
}

// contactIn loads the route's contact: anywhere in the mailbox under
// contacts/{id}, in the route's folder under .../contactFolders/{folder};
// the caller needs need on it (see permit).
func contactIn(ctx context.Context, c *core.Call, tx *core.Tx, need core.FolderRights) (*core.Object, error) {
	o, err := tx.GetItem(ctx, core.Scope{Collection: collContacts, Owner: c.User.ID}, c.Param("id"))
	if core.IsNotFound(err) {
		return nil, errContactNotFound()
	}
	if err != nil {
		return nil, err
	}
	if c.Param("folder") != "" {
		f, err := folderIn(ctx, c, tx)
		if err != nil {
			return nil, err
		}
		if o.Parent != f.ID {
			return nil, errContactNotFound()
		}
	}
	return o, permitID(ctx, c, tx, o.Parent, need, o)
}

func getContact(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	var parent, id string
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		o, err := contactIn(ctx, c, tx, core.ReadItems)
		if err == nil {
			parent, id = o.Parent, o.ID
		}
		return err
	})
	if err != nil {
		return err
	}
	err = c.GetEntity(ctx, contactListSpec(c, parent), id)
	if core.IsNotFound(err) {
		return errContactNotFound()
	}
	return err
}

func createDefaultContact(ctx context.Context, c *core.Call) error {
	id, err := defaultFolder(ctx, c, core.CreateItems)
	if err != nil {
		return err
	}
	return createContactIn(ctx, c, id)
}

func createFolderContact(ctx context.Context, c *core.Call) error {
	f, err := folder(ctx, c, core.CreateItems)
	if err != nil {
		return err
	}
	return createContactIn(ctx, c, f.ID)
}

func createContactIn(ctx context.Context, c *core.Call, folder string) error {
	var raw map[string]any
	if err := c.Decode(&raw); err != nil {
		return err
	}
	in, _, err := checkContactInput(raw)
	if err != nil {
		return err
	}
	now := c.Now()
	doc := newContactDoc(now, folder)
	applyContact(doc, in)
	if err := markCreator(ctx, c, doc); err != nil {
		return err
	}
	o := &core.Object{Collection: collContacts, Owner: c.User.ID, ID: core.NewItemID(c.User.ID), Parent: folder, Data: doc,
		Created: now, Sort: core.SortKey(now)}
	if err := c.Store().Write(ctx, func(tx *core.Tx) error { return tx.Put(ctx, o) }); err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeContact, presentContact(c, o.Data))
}

// patchContact updates a contact; a parentFolderId moves it to that folder.
func patchContact(ctx context.Context, c *core.Call) error {
	var raw map[string]any
	if err := c.Decode(&raw); err != nil {
		return err
	}
	in, move, err := checkContactInput(raw)
	if err != nil {
		return err
	}
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	var o *core.Object
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		var err error
		if o, err = contactIn(ctx, c, tx, core.EditAllItems); err != nil {
			return err
		}
		applyContact(o.Data, in)
		if len(emailList(o.Data)) > maxEmailAddresses {
			return errTooMany("emailAddresses", len(emailList(o.Data)), maxEmailAddresses)
		}
		if move != "" {
			dest, err := contactFolders.Get(ctx, tx, c.User.ID, move)
			if err != nil {
				return err
			}
			if dest.ID == contactFolders.RootID(c.User.ID) {
				return core.BadRequest("A contact cannot be moved to the root of the mailbox; move it to a contact folder.")
			}
			if dest.ID != o.Parent {
				// A move deletes the contact from its folder and creates
				// it in the other, as Exchange's rights see it.
				if err := permitID(ctx, c, tx, o.Parent, core.DeleteAllItems, o); err != nil {
					return err
				}
				if err := permit(ctx, c, dest, core.CreateItems, nil); err != nil {
					return err
				}
			}
			o.Parent = dest.ID
			o.Data["parentFolderId"] = dest.ID
		}
		core.TouchItem(o.Data, c.Now())
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusOK, typeContact, presentContact(c, o.Data))
}

func emailList(doc map[string]any) []any {
	list, _ := doc["emailAddresses"].([]any)
	return list
}

// photoKey names a contact's photo in the core's photo store.
func photoKey(owner, id string) string { return fmt.Sprintf("contacts:%s:%s", owner, id) }

// deleteContactTx deletes a contact and its photo.
func deleteContactTx(ctx context.Context, tx *core.Tx, owner, id string) error {
	if err := core.DeletePhoto(ctx, tx, photoKey(owner, id)); err != nil {
		return err
	}
	return tx.Delete(ctx, collContacts, owner, id)
}

func deleteContact(ctx context.Context, c *core.Call) error {
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		o, err := contactIn(ctx, c, tx, core.DeleteAllItems)
		if err != nil {
			return err
		}
		return deleteContactTx(ctx, tx, c.User.ID, o.ID)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// contactPhoto loads the route's contact and the metadata of its photo.
func contactPhoto(ctx context.Context, c *core.Call) (*core.Photo, error) {
	if err := ensureTree(ctx, c); err != nil {
		return nil, err
	}
	var p *core.Photo
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		o, err := contactIn(ctx, c, tx, core.ReadItems)
		if err != nil {
			return err
		}
		p, err = core.GetPhoto(ctx, tx, photoKey(c.User.ID, o.ID))
		if core.IsNotFound(err) {
			return core.ErrImageNotFound()
		}
		return err
	})
	return p, err
}

func getPhotoMeta(ctx context.Context, c *core.Call) error {
	p, err := contactPhoto(ctx, c)
	if err != nil {
		return err
	}
	return c.Entity(http.StatusOK, p.Entity(0))
}

func getPhoto(ctx context.Context, c *core.Call) error {
	if _, err := contactPhoto(ctx, c); err != nil {
		return err
	}
	var id string
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		o, err := contactIn(ctx, c, tx, core.ReadItems)
		if err == nil {
			id = o.ID
		}
		return err
	})
	if err != nil {
		return err
	}
	return c.ServePhoto(ctx, photoKey(c.User.ID, id), 0)
}

// putPhoto sets a contact's photo; Graph answers 200 with no body.
func putPhoto(ctx context.Context, c *core.Call) error {
	data, err := c.ReadPhoto()
	if err != nil {
		return err
	}
	if err := ensureTree(ctx, c); err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		o, err := contactIn(ctx, c, tx, core.EditAllItems)
		if err != nil {
			return err
		}
		if _, err := core.PutPhoto(ctx, tx, photoKey(c.User.ID, o.ID), data); err != nil {
			return err
		}
		core.TouchItem(o.Data, c.Now())
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	c.W.WriteHeader(http.StatusOK)
	return nil
}
