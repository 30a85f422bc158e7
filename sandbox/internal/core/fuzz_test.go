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
