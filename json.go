package o365

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The client has one JSON path: github.com/go-json-experiment/json, the
// mirror of encoding/json/v2 (standard from Go 1.27, when the import becomes
// an alias of the standard library's). It decodes a 999-message page about
// two and a half times faster than encoding/json and lets a model keep the
// JSON it was decoded from without reading it twice (see DecodeObject). Every
// package encodes and decodes through EncodeJSON and DecodeJSON (or the
// engine), so the options below hold everywhere.

// decodeOptions read JSON as encoding/json does: duplicate names and invalid
// UTF-8 are accepted (the service is trusted to mean well, and a message with
// a mangled subject must still list), and names match struct fields
// case-insensitively when no exact match exists, which keeps users' untagged
// structs working.
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.MatchCaseInsensitiveNames(true),
)

// ownedInput marks a decoder reading from a buffer the client owns and never
// changes, so that DecodeObject may keep slices of it instead of copies.
// Marshalers have no effect on decoding, which makes them a free marker; an
// unmarshaler would cost a lookup per value decoded.
var ownedInput = json.MarshalFunc(func(ownedMarker) ([]byte, error) { return nil, nil })

type ownedMarker struct{}

// ownedDecodeOptions are decodeOptions for input the client owns.
var ownedDecodeOptions = json.JoinOptions(decodeOptions, json.WithMarshalers(ownedInput))

// encodeOptions write JSON as Graph reads it: no HTML escaping, invalid UTF-8
// replaced, map keys sorted (bodies are the same on every run, as with
// encoding/json), and `omitempty` with encoding/json's meaning (false, 0, nil
// and empty values are left out) so that users' request structs behave as
// they did with the standard library. The library's own types use omitzero.
var encodeOptions = json.JoinOptions(
	jsontext.AllowInvalidUTF8(true),
	jsontext.EscapeForHTML(false),
	json.Deterministic(true),
	jsonv1.OmitEmptyWithLegacySemantics(true),
)

// EncodeJSON encodes v with the client's JSON settings. Service packages use it
// (never another JSON library) for the bodies they build by hand.
func EncodeJSON(v any) ([]byte, error) {
	return json.Marshal(v, encodeOptions)
}

// DecodeJSON decodes data into v with the client's JSON settings. Models (types
// embedding Object) keep the JSON they were decoded from; data is copied once
// for them, so the caller may reuse it.
func DecodeJSON(data []byte, v any) error {
	return decodeOwned(bytes.Clone(data), v)
}

// decodeOwned decodes a buffer the caller hands over for good: models keep
// slices of it.
func decodeOwned(data []byte, v any) error {
	return json.Unmarshal(data, v, ownedDecodeOptions)
}

// ownsInput reports whether dec reads a buffer that outlives the decoding and
// does not change (see ownedInput).
func ownsInput(dec *jsontext.Decoder) bool {
	m, ok := json.GetOption(dec.Options(), json.WithMarshalers)
	return ok && m == ownedInput
}

// camelKeys converts the object keys of a PascalCase document to camelCase,
// in place where it can: a key that is one PascalCase word (no "_", "/",
// escape or non-ASCII byte in its property part) only has its first letter
// lowered, which is all CamelCase does to it. For any other key it rewrites
// the whole document with RewriteKeys instead (CamelCase is idempotent, so the
// keys already lowered are left as they are). Annotations and qualified names
// are left alone, as CamelCase leaves them.
//
// It finds strings with bytes.IndexByte, which runs at memory speed; a string
// followed by ':' is a key. The scan does not validate: the decoder after it
// does.
func camelKeys(b []byte) ([]byte, error) {
	if camelKeysInPlace(b) {
		return b, nil
	}
	out, err := rewriteKeysBytes(b, CamelCase)
	if err != nil {
		return nil, fmt.Errorf("casing the body: %w", err)
	}
	return out, nil
}

func camelKeysInPlace(b []byte) bool {
	i := 0
	for {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return true
		}
		start := i + q + 1
		end := start
		for {
			e := bytes.IndexByte(b[end:], '"')
			if e < 0 {
				return true // unterminated: the decoder reports it
			}
			end += e
			n := 0
			for p := end - 1; p >= start && b[p] == '\\'; p-- {
				n++
			}
			if n%2 == 0 {
				break
			}
			end++
		}
		i = end + 1
		j := i
		for j < len(b) && isSpace(b[j]) {
			j++
		}
		if j == len(b) || b[j] != ':' {
			continue // a string value
		}
		if !camelKeyInPlace(b[start:end]) {
			return false
		}
	}
}

// camelKeyInPlace lowers the first letter of a plain PascalCase key and
// reports whether the key needed nothing else.
func camelKeyInPlace(key []byte) bool {
	if len(key) == 0 || key[0] == '@' || key[0] == '#' || key[0] == '$' {
		return true
	}
	prop := key
	if at := bytes.IndexByte(key, '@'); at > 0 {
		prop = key[:at]
	}
	for _, c := range prop {
		switch {
		case c == '.':
			return true // a qualified name: left as it is
		case c == '_' || c == '/' || c == '\\' || c >= 0x80:
			return false
		}
	}
	if c := prop[0]; 'A' <= c && c <= 'Z' {
		prop[0] = c + 'a' - 'A'
	}
	return true
}
