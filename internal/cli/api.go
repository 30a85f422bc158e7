package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
)

// apiOptions are the flags of `o365 api`.
type apiOptions struct {
	method    string
	fields    []string
	rawFields []string
	headers   []string
	input     string
	paginate  bool
	beta      bool
	raw       bool
	include   bool
}

func newAPICommand(s *Session) *cobra.Command {
	var o apiOptions
	cmd := &cobra.Command{
		Use:   "api [METHOD] PATH",
		Short: "Make an authenticated Microsoft Graph request",
		Long: `Make an authenticated request to the API and print the answer, like "gh api".

PATH is relative to the resource (--resource, default "me"): "messages" is
/me/messages. A PATH starting with "/" is relative to the service root:
"/users", "/me", "/groups/ID/members"; so is one starting with a top-level
collection ("me", "users", "groups", "sites", "drives", "teams" ...), and a
leading "/v1.0" or "/beta" picks the version. A full URL must be on the
protocol's own host (a nextLink, for example): the token is never sent
elsewhere. A query string may be part of PATH: "/users?$top=5".

METHOD defaults to GET, or POST when fields other than OData query options
("$select", "$top" ...) are given.

  -F/--field key=value      a typed value: true, false, null and numbers are
                            sent as JSON; @FILE reads the value from a file
                            (@- from stdin); anything else is a string
  -f/--raw-field key=value  a string value
Fields make a JSON body ({"key": value}; "a[b]=1" nests, "a[]=1" appends);
for GET, or with --input, they are query parameters instead.

The answer is printed as indented JSON; --raw prints the bytes as received;
--json prints compact JSON. --paginate follows @odata.nextLink and prints the
collection's items as they arrive (one JSON line each with --json).`,
		Example: `  o365 --sandbox api /me
  o365 --sandbox api /users --paginate --json
  o365 api messages -f '$select=subject' -f '$top=5'
  o365 api POST /me/sendMail --input mail.json
  o365 api PATCH messages/ID -F isRead=true`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAPI(cmd, s, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.method, "method", "X", "", "HTTP method (instead of the METHOD argument)")
	f.StringArrayVarP(&o.fields, "field", "F", nil, "typed field key=value (repeatable)")
	f.StringArrayVarP(&o.rawFields, "raw-field", "f", nil, "string field key=value (repeatable)")
	f.StringArrayVarP(&o.headers, "header", "H", nil, `request header "Key: value" (repeatable)`)
	f.StringVar(&o.input, "input", "", `request body from FILE, or "-" for stdin`)
	f.BoolVar(&o.paginate, "paginate", false, "follow @odata.nextLink and stream the items of a collection")
	f.BoolVar(&o.beta, "beta", false, "use the Microsoft Graph beta endpoint")
	f.BoolVar(&o.raw, "raw", false, "print the answer's bytes as received")
	f.BoolVarP(&o.include, "include", "i", false, "print the HTTP status and headers before the body")
	return cmd
}

var methodRE = regexp.MustCompile(`^[A-Za-z]+$`)

func runAPI(cmd *cobra.Command, s *Session, o *apiOptions, args []string) error {
	ctx := cmd.Context()
	path := args[len(args)-1]
	method := strings.ToUpper(o.method)
	if len(args) == 2 {
		m := strings.ToUpper(args[0])
		if !methodRE.MatchString(m) {
			return UsageError("%q is not an HTTP method", args[0])
		}
		if method != "" && method != m {
			return UsageError("two methods given: %s and %s", m, method)
		}
		method = m
	}
	fields, err := parseFields(o.fields, o.rawFields, s.Stdin())
	if err != nil {
		return err
	}
	if method == "" {
		method = http.MethodGet
		if o.input == "" && slices.ContainsFunc(fields, func(f field) bool { return !strings.HasPrefix(f.key, "$") }) {
			method = http.MethodPost
		}
	}
	if o.paginate && method != http.MethodGet {
		return UsageError("--paginate works with GET only")
	}
	if o.paginate && o.raw {
		return UsageError("--paginate and --raw cannot be combined: --paginate prints items, not pages")
	}

	acct, err := s.Account(ctx)
	if err != nil {
		return err
	}
	target, version, err := apiPath(acct.Protocol(), path)
	if err != nil {
		return err
	}
	if o.beta {
		version = "beta"
	}
	if version != "" && version != acct.Protocol().Version {
		p, err := withVersion(acct.Protocol(), version)
		if err != nil {
			return err
		}
		acct = acct.With(o365.WithProtocol(p))
	}

	req := &o365.Request{Method: method, Path: target, Header: http.Header{}}
	for _, h := range o.headers {
		k, v, ok := strings.Cut(h, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || strings.ContainsAny(k, " \t\r\n") || strings.ContainsAny(v, "\r\n") {
			return UsageError(`--header %q: want "Key: value"`, h)
		}
		if strings.EqualFold(k, "Authorization") {
			return UsageError("--header Authorization: the token comes from the sign-in and cannot be set")
		}
		if strings.EqualFold(k, "Content-Type") {
			req.ContentType = v
			continue
		}
		req.Header.Add(k, v)
	}

	queryFields := method == http.MethodGet || method == http.MethodHead || o.input != ""
	switch {
	case len(fields) > 0 && queryFields:
		q, err := fieldsQuery(fields)
		if err != nil {
			return err
		}
		req.Path = appendQuery(req.Path, q)
	case len(fields) > 0:
		body, err := fieldsBody(fields)
		if err != nil {
			return err
		}
		req.Body = body
		if req.ContentType == "" {
			req.ContentType = "application/json"
		}
	}
	if o.input != "" {
		body, closeBody, err := openInput(o.input, s.Stdin())
		if err != nil {
			return err
		}
		defer closeBody()
		req.Body = body
		if req.ContentType == "" {
			req.ContentType = "application/json"
		}
	}

	if o.paginate {
		return paginate(cmd, s, acct, req)
	}
	out := s.Out()
	if o.raw && !o.include {
		_, err := acct.Do(ctx, req, out.Writer())
		return err
	}
	var buf bytes.Buffer
	var dst any = &buf
	if method == http.MethodHead {
		dst = nil
	}
	resp, err := acct.Do(ctx, req, dst)
	if err != nil {
		return err
	}
	if o.include {
		writeHead(out.Writer(), resp)
	}
	return printBody(out, buf.Bytes(), o.raw)
}

// paginate streams the items of a collection, following @odata.nextLink.
// An answer that is not a collection (GET /me) is printed whole, as
// "gh api --paginate" does.
func paginate(cmd *cobra.Command, s *Session, acct *o365.Account, req *o365.Request) error {
	ctx := cmd.Context()
	out := s.Out()
	var first bytes.Buffer
	if _, err := acct.Do(ctx, req, &first); err != nil {
		return err
	}
	var page struct {
		ID       json.RawMessage   `json:"id"`
		Value    []json.RawMessage `json:"value"`
		NextLink string            `json:"@odata.nextLink"`
	}
	if json.Unmarshal(first.Bytes(), &page) != nil || page.Value == nil || page.ID != nil {
		return printBody(out, first.Bytes(), false)
	}
	emit := func(item json.RawMessage) error {
		if !out.JSONMode() {
			return printBody(out, item, false)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, item); err != nil {
			return fmt.Errorf("the service sent an item that is not JSON: %w", err)
		}
		b.WriteByte('\n')
		_, err := out.Writer().Write(b.Bytes())
		return err
	}
	for _, item := range page.Value {
		if err := emit(item); err != nil {
			return err
		}
	}
	if page.NextLink == "" {
		return nil
	}
	next := req.Clone()
	next.Path, next.Body = page.NextLink, nil
	for item, err := range o365.List[json.RawMessage](ctx, acct, next) {
		if err != nil {
			return err
		}
		if err := emit(*item); err != nil {
			return err
		}
	}
	return nil
}

// printBody writes a response body: raw, compact JSON (--json), or indented
// JSON. Bodies that are not JSON are written as they are.
func printBody(out *Output, body []byte, raw bool) error {
	if len(body) == 0 {
		return nil
	}
	var b bytes.Buffer
	switch {
	case raw || !json.Valid(body):
		b.Write(body)
	case out.JSONMode():
		_ = json.Compact(&b, body)
		b.WriteByte('\n')
	default:
		_ = json.Indent(&b, body, "", "  ")
		b.WriteByte('\n')
	}
	_, err := out.Writer().Write(b.Bytes())
	return err
}

func writeHead(w io.Writer, resp *o365.Response) {
	if resp == nil {
		return
	}
	fmt.Fprintf(w, "HTTP %d %s\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	keys := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(w, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintln(w)
}

// apiPath turns the PATH argument into a request path. A leading "/v1.0/" or
// "/beta/" (as Graph's documentation writes paths) selects that version; a
// full URL must be on the protocol's host. It returns the version the path
// asks for, or "".
func apiPath(p *o365.Protocol, raw string) (path, version string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", "", UsageError("empty PATH")
	}
	if strings.HasPrefix(raw, "https://") || strings.HasPrefix(raw, "http://") {
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", UsageError("PATH %q is not a valid URL: %v", raw, err)
		}
		base, err := url.Parse(p.BaseURL)
		if err != nil {
			return "", "", fmt.Errorf("protocol %q has a bad BaseURL: %w", p.Name, err)
		}
		if !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) {
			return "", "", UsageError("refusing to send the token to %s: full URLs must be on %s", u.Host, base.Host)
		}
		return escapeQuery(raw), "", nil
	}
	if !strings.HasPrefix(raw, "/") {
		seg, _, _ := strings.Cut(raw, "/")
		seg, _, _ = strings.Cut(seg, "?")
		if serviceRoots[seg] {
			raw = "/" + raw
		}
	}
	if strings.HasPrefix(raw, "/") {
		seg, rest, _ := strings.Cut(strings.TrimPrefix(raw, "/"), "/")
		seg, _, _ = strings.Cut(seg, "?")
		switch {
		case seg == p.Version && seg != "":
			raw = "/" + rest
		case isGraphVersion(p.Version) && isGraphVersion(seg):
			raw, version = "/"+rest, seg
		}
		if raw == "/" {
			return "", "", UsageError("PATH %q names no endpoint", raw)
		}
	}
	return escapeQuery(raw), version, nil
}

// serviceRoots are Graph's top-level segments that never name something under
// a user: a relative PATH starting with one is taken from the service root, so
// "o365 api me" and "o365 api users" work as "gh api" users expect.
var serviceRoots = map[string]bool{
	"me": true, "users": true, "groups": true, "sites": true, "drives": true, "teams": true,
	"organization": true, "directory": true, "applications": true, "servicePrincipals": true,
	"subscriptions": true, "$batch": true, "search": true, "shares": true, "devices": true,
	"identity": true, "security": true, "reports": true, "admin": true, "education": true,
	"communications": true, "solutions": true, "domains": true, "directoryObjects": true,
	"v1.0": true, "beta": true,
}

func isGraphVersion(v string) bool { return v == "v1.0" || v == "beta" }

// withVersion returns a copy of a Graph protocol at another version.
func withVersion(p *o365.Protocol, version string) (*o365.Protocol, error) {
	if !isGraphVersion(p.Version) {
		return nil, UsageError("--beta and /beta/ paths are for Microsoft Graph, not the %q protocol", p.Name)
	}
	c := *p
	c.Version = version
	if version == "beta" && !strings.HasSuffix(c.Name, "-beta") {
		c.Name += "-beta"
	}
	return &c, nil
}

// escapeQuery percent-encodes what cannot appear raw in a URL's query (spaces,
// quotes, non-ASCII), leaving the rest as typed: "$filter=name eq 'x'" works.
func escapeQuery(p string) string {
	base, q, ok := strings.Cut(p, "?")
	if !ok {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return base + "?" + b.String()
}

// appendQuery adds encoded parameters to a path that may have a query already.
func appendQuery(path, q string) string {
	if q == "" {
		return path
	}
	if strings.Contains(path, "?") {
		return path + "&" + q
	}
	return path + "?" + q
}

// field is one --field or --raw-field, in order.
type field struct {
	key   string
	value any // string, json.RawMessage for typed values
}

var jsonNumberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// parseFields reads typed (-F) then raw (-f) fields.
func parseFields(typed, raw []string, stdin io.Reader) ([]field, error) {
	var out []field
	stdinUsed := false
	for _, f := range typed {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, UsageError("--field %q: want key=value", f)
		}
		switch {
		case v == "true" || v == "false" || v == "null" || jsonNumberRE.MatchString(v):
			out = append(out, field{k, json.RawMessage(v)})
		case strings.HasPrefix(v, "@"):
			name := v[1:]
			var data []byte
			var err error
			if name == "-" {
				if stdinUsed {
					return nil, UsageError("--field %q: stdin can be read only once", f)
				}
				stdinUsed = true
				data, err = io.ReadAll(stdin)
			} else {
				data, err = os.ReadFile(name)
			}
			if err != nil {
				return nil, UsageError("--field %s: %v", k, err)
			}
			out = append(out, field{k, string(data)})
		default:
			out = append(out, field{k, v})
		}
	}
	for _, f := range raw {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, UsageError("--raw-field %q: want key=value", f)
		}
		out = append(out, field{k, v})
	}
	return out, nil
}

// fieldsQuery encodes fields as query parameters, keeping "$" readable.
func fieldsQuery(fields []field) (string, error) {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		v, ok := f.value.(string)
		if !ok {
			v = string(f.value.(json.RawMessage))
		}
		k := strings.ReplaceAll(url.QueryEscape(f.key), "%24", "$")
		parts = append(parts, k+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
	}
	return strings.Join(parts, "&"), nil
}

// fieldsBody builds the JSON object of the fields: "a[b]=1" nests objects,
// "a[]=1" appends to an array.
func fieldsBody(fields []field) ([]byte, error) {
	root := map[string]any{}
	for _, f := range fields {
		keys, err := splitFieldKey(f.key)
		if err != nil {
			return nil, err
		}
		if err := setField(root, keys, f.value, f.key); err != nil {
			return nil, err
		}
	}
	data, err := json.Marshal(root)
	if err != nil {
		return nil, fmt.Errorf("encoding the fields: %w", err)
	}
	return data, nil
}

// splitFieldKey splits "a[b][]" into ["a", "b", ""].
func splitFieldKey(k string) ([]string, error) {
	name, rest, _ := strings.Cut(k, "[")
	if name == "" {
		return nil, UsageError("field %q: empty name", k)
	}
	keys := []string{name}
	if rest == "" && !strings.Contains(k, "[") {
		return keys, nil
	}
	rest = "[" + rest
	for rest != "" {
		if rest[0] != '[' {
			return nil, UsageError(`field %q: want name[key][...]`, k)
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return nil, UsageError(`field %q: missing "]"`, k)
		}
		keys = append(keys, rest[1:end])
		rest = rest[end+1:]
	}
	for i, key := range keys[:len(keys)-1] {
		if key == "" && i > 0 {
			return nil, UsageError(`field %q: "[]" may only come last`, k)
		}
	}
	return keys, nil
}

func setField(m map[string]any, keys []string, v any, full string) error {
	k := keys[0]
	if len(keys) == 1 {
		if _, dup := m[k]; dup {
			return UsageError("field %q is given twice", full)
		}
		m[k] = v
		return nil
	}
	if keys[1] == "" { // k[] appends
		arr, _ := m[k].([]any)
		if _, exists := m[k]; exists && arr == nil {
			return UsageError("field %q: %q is not an array", full, k)
		}
		m[k] = append(arr, v)
		return nil
	}
	child, exists := m[k]
	cm, isMap := child.(map[string]any)
	switch {
	case !exists:
		cm = map[string]any{}
		m[k] = cm
	case !isMap:
		return UsageError("field %q: %q is not an object", full, k)
	}
	return setField(cm, keys[1:], v, full)
}

// openInput opens --input: a file (seekable, so retries can replay it) or
// stdin (read into memory).
func openInput(name string, stdin io.Reader) (any, func(), error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, nil, fmt.Errorf("reading stdin: %w", err)
		}
		return data, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, UsageError("--input: %v", err)
	}
	return f, func() { f.Close() }, nil
}
