package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errBadDocument reports a stored document that is not a JSON object.
var errBadDocument = errors.New("sandbox: stored document is not a JSON object")

// decodeFields decodes the top-level properties of the JSON object data
// whose names equal one of names ignoring case, skipping the others
// without decoding them: filtering a big collection reads only what the
// query looks at. A nil names decodes every property.
func decodeFields(data []byte, names [][]byte) (map[string]any, error) {
	if names == nil {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, err
		}
		return doc, nil
	}
	doc := make(map[string]any, len(names))
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, errBadDocument
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return doc, nil
	}
	for {
		keyEnd := skipValue(data, i)
		if keyEnd < 0 || data[i] != '"' {
			return nil, errBadDocument
		}
		rawKey, key := data[i:keyEnd], data[i+1:keyEnd-1]
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return nil, errBadDocument
		}
		i = skipSpace(data, i+1)
		end := skipValue(data, i)
		if end < 0 {
			return nil, errBadDocument
		}
		if bytes.IndexByte(key, '\\') >= 0 {
			var k string
			if err := json.Unmarshal(rawKey, &k); err != nil {
				return nil, err
			}
			key = []byte(k)
		}
		for _, n := range names {
			if bytes.EqualFold(key, n) {
				v, err := decodeValue(data[i:end])
				if err != nil {
					return nil, err
				}
				doc[string(key)] = v
				break
			}
		}
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == '}':
			return doc, nil
		default:
			return nil, errBadDocument
		}
	}
}

// stringEnd returns the index of the quote closing the JSON string whose
// contents start at data[i], or -1.
func stringEnd(data []byte, i int) int {
	for {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return -1
		}
		j += i
		// The quote is escaped when an odd number of backslashes precede it.
		k := j
		for k > i && data[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			return j
		}
		i = j + 1
	}
}

// decodeValue decodes one JSON value like json.Unmarshal into an any, with
// shortcuts for the scalars filters mostly read.
func decodeValue(raw []byte) (any, error) {
	switch string(raw) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' && stringEnd(raw, 1) == len(raw)-1 &&
		bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) && !hasControl(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var v any
	err := json.Unmarshal(raw, &v)
	return v, err
}

func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at data[i], or -1
// when it is cut short. It trusts the value to be well formed otherwise.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	depth := 0
	for ; i < len(data); i++ {
		switch data[i] {
		case '"':
			j := stringEnd(data, i+1)
			if j < 0 {
				return -1
			}
			i = j
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i // the end of the enclosing object: a value was empty
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i
			}
		}
	}
	if depth != 0 {
		return -1
	}
	return i
}
