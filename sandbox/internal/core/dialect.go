package core

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// dialect is the JSON flavour of an API root.
type dialect int

const (
	dialectGraph   dialect = iota // camelCase, #microsoft.graph.* types
	dialectOutlook                // PascalCase, #Microsoft.OutlookServices.* types
)

// apiRoot is one version root the sandbox serves, e.g. "v1.0".
type apiRoot struct {
	Path    string // "v1.0", "beta" or "api/v2.0"
	Dialect dialect
	// Audiences are the token audiences (aud) the root accepts: Graph
	// refuses a token for Outlook and Outlook one for Graph.
	Audiences []string
}

// Token audiences of Microsoft Graph and of Exchange Online's Outlook REST.
var (
	graphAudiences   = []string{"https://graph.microsoft.com", "https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"}
	outlookAudiences = []string{"https://outlook.office.com", "https://outlook.office.com/", "https://outlook.office365.com",
		"https://outlook.office365.com/", "00000002-0000-0ff1-ce00-000000000000"}
)

var apiRoots = []apiRoot{
	{Path: "v1.0", Dialect: dialectGraph, Audiences: graphAudiences},
	{Path: "beta", Dialect: dialectGraph, Audiences: graphAudiences},
	{Path: "api/v2.0", Dialect: dialectOutlook, Audiences: outlookAudiences},
}

func writeJSON(w http.ResponseWriter, d dialect, status int, v any) error {
	if d == dialectOutlook {
		var err error
		if v, err = outlookBody(v); err != nil {
			return err
		}
	}
	body, err := marshalJSON(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, err = w.Write(body)
	return err
}

// Casing between the dialects. Keys starting with "@" are annotations and
// keep their form; "name@odata.x" annotations convert only the name.

// outlookBody converts a response value to the Outlook dialect. Values built
// of maps, []any and scalars (what handlers and the store hold) convert in
// one pass; anything else (structs, typed maps or slices) goes through its
// JSON form first. A collection's top-level "value" is part of the OData
// envelope, not a property, and keeps its case.
func outlookBody(v any) (any, error) {
	out, ok := convertKeys(v, upperFirst, outlookType)
	if !ok {
		raw, err := marshalJSON(v)
		if err != nil {
			return nil, err
		}
		v = nil
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		out = toOutlook(v)
	}
	if in, ok := v.(map[string]any); ok {
		if _, ok := in["value"]; ok {
			m := out.(map[string]any)
			m["value"] = m["Value"]
			delete(m, "Value")
		}
	}
	return out, nil
}

// toOutlook and fromOutlook convert plain JSON data (maps, []any, scalars)
// between the dialects' key cases and type names.
func toOutlook(v any) any   { out, _ := convertKeys(v, upperFirst, outlookType); return out }
func fromOutlook(v any) any { out, _ := convertKeys(v, lowerFirst, graphType); return out }

// convertKeys copies v with every key converted by key and @odata.type
// values by typ. ok is false when v holds something other than maps,
// []any and JSON scalars, whose keys it cannot see.
func convertKeys(v any, key func(string) string, typ func(string) string) (any, bool) {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, val := range v {
			if k == "@odata.type" {
				if s, ok := val.(string); ok {
					out[k] = typ(s)
					continue
				}
			}
			conv, ok := convertKeys(val, key, typ)
			if !ok {
				return nil, false
			}
			out[convertKey(k, key)] = conv
		}
		return out, true
	case []any:
		out := make([]any, len(v))
		for i, val := range v {
			conv, ok := convertKeys(val, key, typ)
			if !ok {
				return nil, false
			}
			out[i] = conv
		}
		return out, true
	case nil, string, bool, float64, int, int64, json.Number:
		return v, true
	default:
		return nil, false
	}
}

func convertKey(k string, conv func(string) string) string {
	if strings.HasPrefix(k, "@") {
		return k
	}
	if name, ann, ok := strings.Cut(k, "@"); ok {
		return conv(name) + "@" + ann
	}
	return conv(k)
}

// outlookNames are the properties Outlook REST names otherwise than by
// case: a contact's mobilePhone is MobilePhone1 there. No other entity the
// Outlook dialect serves has a property of these names.
var outlookNames = map[string]string{"mobilePhone": "MobilePhone1"}

// graphNames is outlookNames reversed, keyed by the lower-first form.
var graphNames = map[string]string{"mobilePhone1": "mobilePhone"}

func upperFirst(s string) string {
	if o, ok := outlookNames[s]; ok {
		return o
	}
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n > 0 && !unicode.IsLower(r) {
		s = string(unicode.ToLower(r)) + s[n:]
	}
	if g, ok := graphNames[s]; ok {
		return g
	}
	return s
}

const (
	graphTypePrefix   = "#microsoft.graph."
	outlookTypePrefix = "#Microsoft.OutlookServices."
)

// outlookType maps "#microsoft.graph.fileAttachment" to
// "#Microsoft.OutlookServices.FileAttachment".
func outlookType(t string) string {
	if rest, ok := strings.CutPrefix(t, graphTypePrefix); ok {
		return outlookTypePrefix + upperFirst(rest)
	}
	return t
}

// graphType is the inverse of outlookType.
func graphType(t string) string {
	if rest, ok := strings.CutPrefix(t, outlookTypePrefix); ok {
		return graphTypePrefix + lowerFirst(rest)
	}
	return t
}

// marshalJSON encodes v as Graph does: without escaping '&', '<' and '>', so
// nextLinks read as URLs.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
