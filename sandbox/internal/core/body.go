package core

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Request bodies as Graph reads them. The gateway inflates compressed
// bodies and refuses what is not JSON before the workload sees it; the
// workload's OData reader then wants an object where it reads an entity or
// action parameters. The answers (status, code, message) are Graph's.

// Messages of Graph's answers to bodies it cannot read.
const (
	// emptyPayload answers a request without a body.
	emptyPayload = "Empty Payload. JSON content expected."
	// unreadablePayload is the gateway's answer to malformed JSON,
	// including invalid UTF-8.
	unreadablePayload = "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."
)

// errBadEncoding reports a compressed body that does not decompress.
var errBadEncoding = errors.New("sandbox: the request body does not match its Content-Encoding")

// inflateBody makes r's body plain when the client compressed it: Graph
// accepts Content-Encoding gzip (msgraph-sdk-go compresses every write by
// default) and deflate. Any other encoding is 415, which makes the SDKs
// send the body again uncompressed. Handlers only ever see plain bytes.
func inflateBody(r *http.Request) *Error {
	var codings []string
	for _, v := range r.Header.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	if len(codings) == 0 {
		r.Header.Del("Content-Encoding")
		return nil
	}
	body := r.Body
	// Codings are listed in the order they were applied: undo the last first.
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			body = &lazyInflater{src: body, open: func(src io.Reader) (io.ReadCloser, error) { return gzip.NewReader(src) }}
		case "deflate":
			// HTTP's deflate is the zlib format; some clients send raw DEFLATE.
			body = &lazyInflater{src: body, open: openDeflate}
		default:
			return Errorf(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
				"Content-Encoding '%s' is not supported; send the body uncompressed or with gzip.", codings[i])
		}
	}
	r.Body = body
	r.Header.Del("Content-Encoding")
	r.Header.Del("Content-Length")
	r.ContentLength = -1
	return nil
}

// openDeflate reads zlib-wrapped DEFLATE, or raw DEFLATE when the zlib
// header is missing.
func openDeflate(src io.Reader) (io.ReadCloser, error) {
	var head [2]byte
	n, err := io.ReadFull(src, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	rest := io.MultiReader(bytes.NewReader(head[:n]), src)
	if n == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
		return zlib.NewReader(rest)
	}
	return flate.NewReader(rest), nil
}

// lazyInflater opens its decompressor on the first Read, so that an empty
// compressed body reads as empty and a corrupt one fails where the handler
// reads it, with errBadEncoding.
type lazyInflater struct {
	src  io.ReadCloser
	open func(io.Reader) (io.ReadCloser, error)
	zr   io.ReadCloser
}

func (l *lazyInflater) Read(p []byte) (int, error) {
	if l.zr == nil {
		zr, err := l.open(l.src)
		if errors.Is(err, io.EOF) {
			return 0, io.EOF
		}
		if err != nil {
			return 0, fmt.Errorf("%w: %w", errBadEncoding, err)
		}
		l.zr = zr
	}
	n, err := l.zr.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = fmt.Errorf("%w: %w", errBadEncoding, err)
	}
	return n, err
}

func (l *lazyInflater) Close() error {
	if l.zr != nil {
		l.zr.Close()
	}
	return l.src.Close()
}

// readJSONBody reads a JSON request body: 415 for another content type,
// 413 above 4 MiB, 400 when it does not decompress or is not UTF-8. An
// empty body is returned empty.
func (c *Call) readJSONBody() ([]byte, error) {
	if ct := c.R.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return nil, Errorf(http.StatusUnsupportedMediaType, "RequestBodyRead",
				"A supported MIME type could not be found that matches the content type of the request. None of the supported type(s) 'application/json' matches the content type '%s'.", ct)
		}
	}
	body, err := io.ReadAll(io.LimitReader(c.R.Body, maxJSONBody+1))
	switch {
	case errors.Is(err, errBadEncoding):
		return nil, BadRequest("The request body is not valid for its Content-Encoding; compress it with gzip or send it as is.")
	case err != nil:
		return nil, BadRequest("Could not read the request body.")
	case len(body) > maxJSONBody:
		return nil, Errorf(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			"The request body is larger than %d bytes.", maxJSONBody)
	case !utf8.Valid(body):
		return nil, BadRequest(unreadablePayload)
	}
	return bytes.TrimSpace(body), nil
}

// checkObject refuses a body that is not a JSON object the way Graph's
// readers do: malformed JSON is the gateway's 400 BadRequest; valid JSON
// of another kind (null, an array, a string ...) is the OData reader's 400
// RequestBodyRead.
func checkObject(body []byte) error {
	if !json.Valid(body) {
		return BadRequest(unreadablePayload)
	}
	node := "PrimitiveValue"
	switch body[0] {
	case '{':
		return nil
	case '[':
		node = "StartArray"
	}
	return Errorf(http.StatusBadRequest, "RequestBodyRead",
		"An unexpected '%s' node was found when reading from the JSON reader. A 'StartObject' node was expected.", node)
}

// Decode reads a JSON request body into v, in canonical camelCase whatever
// the dialect. Bodies Graph refuses are refused with Graph's answer: 415
// RequestBodyRead for a non-JSON content type, 413 above 4 MiB, 400
// BadRequest for an empty body, malformed JSON or invalid UTF-8, 400
// RequestBodyRead for JSON that is not an object (null, an array ...).
// Compressed bodies were inflated already (see inflateBody).
func (c *Call) Decode(v any) error {
	body, err := c.readJSONBody()
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return BadRequest(emptyPayload)
	}
	return c.decodeObject(body, v)
}

// decodeObject decodes the JSON object body into v, converting the
// Outlook dialect's keys to Graph's.
func (c *Call) decodeObject(body []byte, v any) error {
	if err := checkObject(body); err != nil {
		return err
	}
	if c.root.Dialect == dialectOutlook {
		var raw any
		if err := json.Unmarshal(body, &raw); err != nil {
			return BadRequest(unreadablePayload)
		}
		conv := fromOutlook(raw)
		if m, ok := v.(*map[string]any); ok {
			*m = conv.(map[string]any)
			return nil
		}
		var err error
		if body, err = json.Marshal(conv); err != nil {
			return BadRequest(unreadablePayload)
		}
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Errorf(http.StatusBadRequest, "RequestBodyRead",
				"Cannot convert a JSON %s to the type of the property '%s'.", te.Value, te.Field)
		}
		return BadRequest(unreadablePayload)
	}
	return nil
}

// DecodeOptional is Decode for requests whose body may be absent: no body,
// or an empty one, decodes as an empty object.
func (c *Call) DecodeOptional(v *map[string]any) error {
	if c.R.ContentLength == 0 && c.R.Header.Get("Content-Type") == "" {
		*v = map[string]any{}
		return nil
	}
	body, err := c.readJSONBody()
	if err != nil {
		return err
	}
	if len(body) == 0 {
		*v = map[string]any{}
		return nil
	}
	return c.decodeObject(body, v)
}
