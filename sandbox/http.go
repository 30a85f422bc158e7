package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/o365go/o365/sandbox/internal/identity"
)

// jsonContentType is what Graph sends with every JSON body.
const jsonContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

// maxJSONBody caps request bodies that are not uploads.
const maxJSONBody = 4 << 20

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
}

var apiRoots = []apiRoot{
	{Path: "v1.0", Dialect: dialectGraph},
	{Path: "beta", Dialect: dialectGraph},
	{Path: "api/v2.0", Dialect: dialectOutlook},
}

// call is one API request being served; handlers get it with the route's
// parameters resolved and the caller authenticated and authorised.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	s       *Server
	root    apiRoot
	route   *route
	params  map[string]string
	claims  *identity.Claims
	user    *dirUser // the user a {user} route addresses
	applied []string // Preference-Applied values
	prefer  map[string]string
	// localizer holds the Outlook preferences once localize has read them.
	localizer *localizer
}

// param returns a path parameter of the route, e.g. c.param("id").
func (c *call) param(name string) string { return c.params[name] }

// baseURL is the scheme and host the request arrived on.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// rootURL is the absolute URL of the request's version root, with a slash.
func (c *call) rootURL() string { return baseURL(c.r) + "/" + c.root.Path + "/" }

// decode reads a JSON request body into v, in canonical camelCase whatever
// the dialect. It answers 415 for a non-JSON content type, 413 above
// maxJSONBody and 400 for malformed JSON.
func (c *call) decode(v any) error {
	if ct := c.r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
				"Content-Type %q is not supported here; send application/json.", ct)
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
				"The request body is larger than %d bytes.", maxJSONBody)
		}
		return errBadRequest("Could not read the request body.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errBadRequest("Empty Payload. JSON content expected.")
	}
	if c.root.Dialect == dialectOutlook {
		var raw any
		if err := json.Unmarshal(body, &raw); err != nil {
			return errBadRequest("Invalid JSON in the request body: %v.", err)
		}
		conv := fromOutlook(raw)
		if m, ok := v.(*map[string]any); ok {
			if doc, ok := conv.(map[string]any); ok {
				*m = doc
				return nil
			}
		}
		if body, err = json.Marshal(conv); err != nil {
			return errBadRequest("Invalid JSON in the request body: %v.", err)
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errBadRequest("Invalid JSON in the request body: %v.", err)
	}
	return nil
}

// writeJSON sends v with Graph's JSON content type, converted to the
// request's dialect.
func (c *call) writeJSON(status int, v any) error {
	return writeJSON(c.w, c.root.Dialect, status, v)
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

// entity sends one document with its @odata.context, localized (see
// localize).
func (c *call) entity(status int, doc map[string]any) error {
	doc = c.localize(doc)
	out := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		out[k] = v
	}
	out["@odata.context"] = c.contextURL(true)
	return c.writeJSON(status, out)
}

// noContent answers 204.
func (c *call) noContent() error {
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// contextURL builds @odata.context from the route pattern and the request:
// "{root}$metadata#users('ID')/messages" for a collection, with "/$entity"
// for a single entity. Parameters in the middle of the path become keys.
func (c *call) contextURL(entity bool) string {
	var b strings.Builder
	b.WriteString(c.rootURL())
	b.WriteString("$metadata#")
	segs := c.route.segs
	n := 0
	emit := func(name string) {
		if n > 0 {
			b.WriteByte('/')
		}
		n++
		if c.root.Dialect == dialectOutlook {
			name = upperFirst(name)
		}
		b.WriteString(name)
	}
	for i, seg := range segs {
		switch {
		case seg == principalUser:
			emit("users")
			if i < len(segs)-1 {
				b.WriteString("('" + c.user.ID + "')")
			}
		case strings.HasPrefix(seg, "{"):
			if i == len(segs)-1 {
				continue // the addressed entity: $entity below
			}
			b.WriteString("('" + c.params[strings.Trim(seg, "{}.")] + "')")
		default:
			emit(seg)
		}
	}
	if entity {
		b.WriteString("/$entity")
	}
	return b.String()
}

// preference returns the value of one Prefer header token, e.g.
// c.preference("odata.maxpagesize"); quotes are removed.
func (c *call) preference(name string) (string, bool) {
	if c.prefer == nil {
		c.prefer = parsePrefer(c.r.Header.Values("Prefer"))
	}
	v, ok := c.prefer[strings.ToLower(name)]
	return v, ok
}

// applyPreference records a preference the answer honours; the core sends
// them in Preference-Applied.
func (c *call) applyPreference(token string) {
	for _, a := range c.applied {
		if strings.EqualFold(a, token) {
			return
		}
	}
	c.applied = append(c.applied, token)
	c.w.Header().Set("Preference-Applied", strings.Join(c.applied, ", "))
}

// parsePrefer splits Prefer header values into lower-cased names and
// unquoted values.
func parsePrefer(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		for _, tok := range splitOutsideQuotes(v, ',') {
			tok = strings.TrimSpace(tok)
			if tok == "" {
				continue
			}
			name, val, _ := strings.Cut(tok, "=")
			out[strings.ToLower(strings.TrimSpace(name))] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return out
}

func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	quoted := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// writeError sends e in Graph's error shape. request-id and
// client-request-id are read back from the response headers the core set.
func writeError(w http.ResponseWriter, now time.Time, e *apiError) {
	for k, vs := range e.Header {
		w.Header()[k] = vs
	}
	inner := map[string]any{
		"date":              now.UTC().Format("2006-01-02T15:04:05"),
		"request-id":        w.Header().Get("request-id"),
		"client-request-id": w.Header().Get("client-request-id"),
	}
	for k, v := range e.Inner {
		inner[k] = v
	}
	body := map[string]any{"error": map[string]any{"code": e.Code, "message": e.Message, "innerError": inner}}
	// The error envelope keeps Graph's casing in every dialect.
	_ = writeJSON(w, dialectGraph, e.Status, body)
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

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
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
