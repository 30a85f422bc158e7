package core

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeFields(t *testing.T) {
	data := []byte(` { "subject" : "a \"quoted\" }, [word]", "IsRead":false,"n":-1.5e3,"nul":null,` +
		`"from":{"emailAddress":{"address":"b@c","name":"B, \\ C"}},"to":[{"x":[1,{"y":"]"}]}],` +
		`"caf\u00e9":true,"body":{"content":"<p>{</p>"},"empty":{},"list":[]}`)
	var full map[string]any
	if err := json.Unmarshal(data, &full); err != nil {
		t.Fatal(err)
	}
	got, err := decodeFields(data, nil)
	if err != nil || !reflect.DeepEqual(got, full) {
		t.Fatalf("nil names: %v, %v", got, err)
	}
	names := [][]byte{[]byte("isread"), []byte("FROM"), []byte("to"), []byte("Café"), []byte("list"), []byte("missing")}
	got, err = decodeFields(data, names)
	want := map[string]any{"IsRead": false, "from": full["from"], "to": full["to"], "café": true, "list": []any{}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeFields = %v, %v; want %v", got, err, want)
	}
	for _, names := range [][][]byte{{}, {[]byte("subject")}, {[]byte("empty"), []byte("n"), []byte("nul")}} {
		got, err := decodeFields(data, names)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range got {
			if !reflect.DeepEqual(v, full[k]) {
				t.Errorf("%s = %v, want %v", k, v, full[k])
			}
		}
		if len(got) != len(names) {
			t.Errorf("decoded %v for %q", got, names)
		}
	}
	if got, err := decodeFields([]byte(`{}`), names); err != nil || len(got) != 0 {
		t.Fatalf("empty object: %v, %v", got, err)
	}
	for _, bad := range []string{``, `[]`, `{"a":1`, `{"a" 1}`, `{"a":"x}`, `{"a":[1}`, `{a:1}`} {
		if _, err := decodeFields([]byte(bad), names); err == nil {
			t.Errorf("decodeFields(%q) succeeded", bad)
		}
	}
}

func TestDecodeValueIsUnmarshal(t *testing.T) {
	for _, raw := range []string{`true`, `false`, `null`, `""`, `"plain"`, `"caf\u00e9"`, `"a\\"`, `"tab\tq\"x"`,
		`"é ü"`, `0`, `-1.5e3`, `{"a":[1,"b",null]}`, `[]`, `"\ud83d\ude00"`} {
		var want any
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		got, err := decodeValue([]byte(raw))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeValue(%s) = %#v, %v; want %#v", raw, got, err, want)
		}
	}
	for _, bad := range []string{`"x`, `tru`, "\"a\x01\"", "\"\xff\""} {
		var v any
		wantErr := json.Unmarshal([]byte(bad), &v) != nil
		if _, err := decodeValue([]byte(bad)); (err != nil) != wantErr {
			t.Errorf("decodeValue(%q): error %v, json.Unmarshal fails: %v", bad, err, wantErr)
		}
	}
}
