package core

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzSplitPath(f *testing.F) {
	for _, s := range []string{"me/messages", "users('a''b')/x", "me/%2e%2e", "a//b", "x('')", "me/messages('..%2F..')", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		segs, err := SplitPath(s)
		if err != nil {
			return
		}
		for _, seg := range segs {
			if !validSegment(seg) {
				t.Fatalf("SplitPath(%q) let %q through", s, seg)
			}
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"me/messages/delta()", "x/delta(token='a,b')", "f(a=b,c='d''e')", "f(=)", "f(a)", "report(2).txt", "%28%29", "f(a='"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePath(s)
		if err != nil {
			return
		}
		for _, seg := range p.segs {
			if !validSegment(seg) {
				t.Fatalf("parsePath(%q) let %q through", s, seg)
			}
		}
		for k, v := range p.args {
			if !isIdentifier(k) {
				t.Fatalf("parsePath(%q) took argument name %q", s, k)
			}
			functionLiteral(v)
		}
	})
}

func FuzzConvertParam(f *testing.F) {
	for _, s := range []string{`"false"`, `1`, `1.5`, `{"A":{"B":[1,"x"]}}`, `[1,2]`, `null`, `"2026-01-05T09:00:00Z"`, `" 12 "`} {
		f.Add(s)
	}
	types := []string{"Edm.String", "Edm.Boolean", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.DateTimeOffset", "Edm.Guid",
		"microsoft.graph.message", "Collection(Edm.String)", "Collection(microsoft.graph.recipient)"}
	refuse := func(format string, v ...any) error { return BadRequest(format, v...) }
	f.Fuzz(func(t *testing.T, s string) {
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil || v == nil {
			return
		}
		for _, typ := range types {
			out, err := convertParam(ActionParam{Name: "p", Type: typ}, v, refuse)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s %s: error %T", typ, s, err)
				}
				continue
			}
			if _, err := json.Marshal(out); err != nil {
				t.Fatalf("%s %s: result %#v does not marshal: %v", typ, s, out, err)
			}
		}
	})
}

func FuzzParseFaultSpec(f *testing.F) {
	for _, s := range []string{"429=5%,503=1%,reset=1%,latency=20ms..200ms,seed=42", "", "429=100%", "latency=1m", "x", "429=50%,503=51%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fs, err := parseFaultSpec(s)
		if err != nil {
			return
		}
		total := 0.0
		for _, r := range fs.rates {
			total += r.pct
		}
		if total > 100 || fs.latencyMin > fs.latencyMax {
			t.Fatalf("parseFaultSpec(%q) accepted %+v", s, fs)
		}
	})
}

func FuzzParseFaultHeader(f *testing.F) {
	for _, s := range []string{"429", "429;retry-after=2", "reset", "latency=100ms", "latency=5ms,503", ";;", "429;retry-after=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ft, err := parseFaultHeader(s)
		if err == nil && ft.kind != "" && !isFaultKind(ft.kind) {
			t.Fatalf("parseFaultHeader(%q) = %+v", s, ft)
		}
	})
}

func FuzzParsePrefer(f *testing.F) {
	for _, s := range []string{`odata.maxpagesize=5, outlook.timezone="Pacific Standard Time"`, `a="b,c"`, `"`, `=`, `IdType="ImmutableId"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for k := range parsePrefer([]string{s}) {
			if k != strings.ToLower(k) {
				t.Fatalf("key %q not lower-cased", k)
			}
		}
	})
}

// FuzzOutlookCasing checks the dialect conversion round-trips documents
// whose keys are camelCase.
func FuzzOutlookCasing(f *testing.F) {
	f.Add(`{"id":"1","body":{"contentType":"html"},"@odata.type":"#microsoft.graph.fileAttachment","a@odata.x":1}`)
	f.Add(`[{"x":[{"y":null}]}]`)
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil || !camelOnly(v) {
			return
		}
		back, _ := json.Marshal(fromOutlook(toOutlook(v)))
		orig, _ := json.Marshal(v)
		if string(back) != string(orig) {
			t.Fatalf("round trip %s -> %s", orig, back)
		}
	})
}

// camelOnly reports whether every key starts with a lower-case ASCII letter
// or "@" and every @odata.type is a Graph type name.
func camelOnly(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			if k == "" || !(k[0] == '@' || (k[0] >= 'a' && k[0] <= 'z')) {
				return false
			}
			if k == "@odata.type" {
				s, ok := val.(string)
				if ok && strings.HasPrefix(s, outlookTypePrefix) {
					return false
				}
				if ok && strings.HasPrefix(s, graphTypePrefix) {
					rest := s[len(graphTypePrefix):]
					if rest == "" || rest[0] < 'a' || rest[0] > 'z' {
						return false
					}
				}
			}
			if !camelOnly(val) {
				return false
			}
		}
	case []any:
		for _, x := range v {
			if !camelOnly(x) {
				return false
			}
		}
	}
	return true
}

// FuzzPathParam checks that a {name:} value splits without panicking and
// that a path form's path is rooted and free of empty segments and ':'.
func FuzzPathParam(f *testing.F) {
	for _, s := range []string{"root", "h:/sites/team:", "root:/a/b.txt:", ":/a", "h:/a//b", "h:", "h,1,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		base, path, ok := PathParam(s)
		if !ok || base == "" || path == "" {
			return
		}
		if path[0] != '/' || strings.Contains(path, "//") || strings.Contains(path, ":") || strings.HasSuffix(path, "/") {
			t.Fatalf("PathParam(%q) = %q, %q", s, base, path)
		}
	})
}

func FuzzURLToken(f *testing.F) {
	for _, s := range []string{"AAAA0", "AAA1", "AA2", "3", "", "-_-_0", "a+b/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := decodeURLToken(s)
		if !ok {
			return
		}
		if back, ok := decodeURLToken(encodeURLToken(b)); !ok || string(back) != string(b) {
			t.Fatalf("%q: %x does not round-trip", s, b)
		}
	})
}
