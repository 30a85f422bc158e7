package mail

import (
	"context"
	"net/http"
	"strings"

	"github.com/o365go/o365/sandbox/internal/core"
	"github.com/o365go/o365/sandbox/internal/odata"
)

// Open extensions on messages (messages/{id}/extensions): custom data an
// app keeps on a message, named by extensionName. They are stored in the
// message's "extensions" property, each under its name as "id" (so that
// $filter=extensions/any(e:e/id eq 'Com.Contoso.Referral') finds them as
// in Graph), and served with Outlook's qualified id. They move and copy
// with the message; recipients of a sent message do not get them.

// extensionIDPrefix qualifies extension names in the ids Graph answers.
const extensionIDPrefix = "Microsoft.OutlookServices.OpenTypeExtension."

const typeOpenExtension = "#microsoft.graph.openTypeExtension"

// extensionName turns an extension path parameter (a name or a qualified
// id) into the name.
func extensionName(param string) string {
	if len(param) > len(extensionIDPrefix) && strings.EqualFold(param[:len(extensionIDPrefix)], extensionIDPrefix) {
		return param[len(extensionIDPrefix):]
	}
	return param
}

// presentExtension is what a client sees of a stored extension.
func presentExtension(ext map[string]any) map[string]any {
	out := core.CloneDoc(ext)
	out["@odata.type"] = typeOpenExtension
	out["extensionName"] = core.Str(ext, "id")
	out["id"] = extensionIDPrefix + core.Str(ext, "id")
	return out
}

// extensionData validates an extension's JSON input: an extensionName and
// custom properties of primitive values or arrays of them. It returns the
// stored form.
func extensionData(in map[string]any) (map[string]any, error) {
	name, _ := in["extensionName"].(string)
	if strings.TrimSpace(name) == "" || strings.ContainsAny(name, "/\\'") {
		return nil, core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "An open extension needs an extensionName, such as Com.Contoso.Referral.")
	}
	if t, ok := in["@odata.type"].(string); ok && !strings.EqualFold(strings.TrimPrefix(t, "#"), "microsoft.graph.openTypeExtension") &&
		!strings.EqualFold(strings.TrimPrefix(t, "#"), "Microsoft.OutlookServices.OpenTypeExtension") {
		return nil, core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Only open extensions (microsoft.graph.openTypeExtension) can be added to a message.")
	}
	out := map[string]any{"id": name}
	for k, v := range in {
		if strings.HasPrefix(k, "@") || k == "extensionName" || k == "id" {
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			return nil, core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
				"The extension's property '%s' is an object; open extensions hold primitive values and arrays of them.", k)
		case []any:
			for _, item := range v {
				if _, isObj := item.(map[string]any); isObj {
					return nil, core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest",
						"The extension's property '%s' holds objects; open extensions hold primitive values and arrays of them.", k)
				}
			}
		}
		out[k] = v
	}
	return out, nil
}

// messageExtensions is the stored extensions of a message document.
func messageExtensions(doc map[string]any) []any {
	list, _ := doc["extensions"].([]any)
	return list
}

func findExtension(doc map[string]any, name string) (int, map[string]any) {
	for i, e := range messageExtensions(doc) {
		m, _ := e.(map[string]any)
		if strings.EqualFold(core.Str(m, "id"), name) {
			return i, m
		}
	}
	return -1, nil
}

func errExtensionNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store., The extension was not found.")
}

func listExtensions(ctx context.Context, c *core.Call) error {
	m, err := readMessage(ctx, c)
	if err != nil {
		return err
	}
	opts, err := c.QueryOptions()
	if err != nil {
		return err
	}
	out := filterExtensions(messageExtensions(m.Data), odata.ExpandItem{Options: opts})
	return c.Values(c.RootURL()+"$metadata#users('"+c.User.ID+"')/messages('"+m.ID+"')/extensions", out)
}

func getExtension(ctx context.Context, c *core.Call) error {
	m, err := readMessage(ctx, c)
	if err != nil {
		return err
	}
	_, ext := findExtension(m.Data, extensionName(c.Param("ext")))
	if ext == nil {
		return errExtensionNotFound()
	}
	return c.Entity(http.StatusOK, presentExtension(ext))
}

func createExtension(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	ext, err := extensionData(in)
	if err != nil {
		return err
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		m, err := messageInFolder(ctx, c, tx, core.EditAllItems)
		if err != nil {
			return err
		}
		if i, _ := findExtension(m.Data, core.Str(ext, "id")); i >= 0 {
			return core.Errorf(http.StatusConflict, "NameAlreadyExists", "The message already has an extension named '%s'; update it instead.", core.Str(ext, "id"))
		}
		m.Data["extensions"] = append(messageExtensions(m.Data), ext)
		return tx.Put(ctx, m)
	})
	if err != nil {
		return err
	}
	return c.Entity(http.StatusCreated, presentExtension(ext))
}

// patchExtension replaces the extension's data with the body's, as Graph
// does for Outlook items: properties left out are deleted.
func patchExtension(ctx context.Context, c *core.Call) error {
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	name := extensionName(c.Param("ext"))
	if _, ok := in["extensionName"]; !ok {
		in["extensionName"] = name
	}
	ext, err := extensionData(in)
	if err != nil {
		return err
	}
	if !strings.EqualFold(core.Str(ext, "id"), name) {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "The extensionName of an extension cannot change.")
	}
	err = c.Store().Write(ctx, func(tx *core.Tx) error {
		m, err := messageInFolder(ctx, c, tx, core.EditAllItems)
		if err != nil {
			return err
		}
		i, old := findExtension(m.Data, name)
		if i < 0 {
			return errExtensionNotFound()
		}
		ext["id"] = old["id"]
		messageExtensions(m.Data)[i] = ext
		return tx.Put(ctx, m)
	})
	if err != nil {
		return err
	}
	return c.Entity(http.StatusOK, presentExtension(ext))
}

func deleteExtension(ctx context.Context, c *core.Call) error {
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		m, err := messageInFolder(ctx, c, tx, core.EditAllItems)
		if err != nil {
			return err
		}
		i, _ := findExtension(m.Data, extensionName(c.Param("ext")))
		if i < 0 {
			return errExtensionNotFound()
		}
		list := messageExtensions(m.Data)
		m.Data["extensions"] = append(list[:i:i], list[i+1:]...)
		return tx.Put(ctx, m)
	})
	if err != nil {
		return err
	}
	return c.NoContent()
}

// expandExtensions serves $expand=extensions on messages.
func expandExtensions(ctx context.Context, c *core.Call, doc map[string]any, item odata.ExpandItem) (any, error) {
	var list []any
	err := c.Store().Read(ctx, func(tx *core.Tx) error {
		o, err := tx.Get(ctx, collMessages, c.User.ID, core.Str(doc, "id"))
		if err == nil {
			list = messageExtensions(o.Data)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return filterExtensions(list, item), nil
}

// filterExtensions presents stored extensions that pass a $filter, which
// may name them by extensionName or by their qualified id, as Graph's
// examples do both.
func filterExtensions(stored []any, item odata.ExpandItem) []any {
	out := []any{}
	for _, e := range stored {
		ext, _ := e.(map[string]any)
		shown := presentExtension(ext)
		if len(core.FilterExpanded(item, []any{ext})) > 0 || len(core.FilterExpanded(item, []any{shown})) > 0 {
			out = append(out, shown)
		}
	}
	return out
}

// newMessageExtensions reads the extensions a client creates a message
// with (POST messages with "extensions").
func newMessageExtensions(in map[string]any) ([]any, error) {
	raw, ok := in["extensions"]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, core.BadRequest("extensions must be an array of open extensions.")
	}
	var out []any
	for _, e := range list {
		m, _ := e.(map[string]any)
		ext, err := extensionData(m)
		if err != nil {
			return nil, err
		}
		if i, _ := findExtension(map[string]any{"extensions": out}, core.Str(ext, "id")); i >= 0 {
			return nil, core.Errorf(http.StatusConflict, "NameAlreadyExists", "Two extensions are named '%s'.", core.Str(ext, "id"))
		}
		out = append(out, ext)
	}
	return out, nil
}
