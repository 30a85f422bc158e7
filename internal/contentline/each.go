package contentline

import (
	"fmt"
	"io"
)

// Collect calls read until it returns io.EOF and returns what it read. On
// any other error it returns nothing: a reader of an import either has the
// whole input or none of it.
func Collect[T any](read func() (T, error)) ([]T, error) {
	var out []T
	for {
		v, err := read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}

// WriteEach encodes each item with appendItem into a buffer and writes it
// to w, so an item that fails to encode writes nothing of itself. Errors
// name the item as what and its number, after prefix ("vcard: card 3: ...").
func WriteEach[T any](w io.Writer, items []T, prefix, what string, appendItem func([]byte, T) ([]byte, error)) error {
	var buf []byte
	for i, item := range items {
		var err error
		buf, err = appendItem(buf[:0], item)
		if err != nil {
			return fmt.Errorf("%s%s %d: %w", prefix, what, i+1, err)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}
