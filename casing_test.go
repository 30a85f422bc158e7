package o365

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCaseFunctions(t *testing.T) {
	tests := []struct {
		in, pascal, camel string
	}{
		{"displayName", "DisplayName", "displayName"},
		{"DisplayName", "DisplayName", "displayName"},
		{"change_type", "ChangeType", "changeType"},
		{"expiration_date_time", "ExpirationDateTime", "expirationDateTime"},
		{"id", "Id", "id"},
		{"iCalUId", "ICalUId", "iCalUId"},
		{"from/emailAddress/address", "From/EmailAddress/Address", "from/emailAddress/address"},
		{"fields/Title", "Fields/Title", "fields/title"},
		{"@odata.type", "@odata.type", "@odata.type"},
		{"@odata.nextLink", "@odata.nextLink", "@odata.nextLink"},
		{"@removed", "@removed", "@removed"},
		{"#microsoft.graph.fileAttachment", "#microsoft.graph.fileAttachment", "#microsoft.graph.fileAttachment"},
		{"microsoft.graph.user", "microsoft.graph.user", "microsoft.graph.user"},
		{"members@odata.bind", "Members@odata.bind", "members@odata.bind"},
		{"Manager@odata.bind", "Manager@odata.bind", "manager@odata.bind"},
		{"$count", "$count", "$count"},
		{"members/$count", "Members/$count", "members/$count"},
		{"_ModerationStatus", "_ModerationStatus", "_moderationStatus"},
		{"a__b_", "AB", "aB"},
		{"", "", ""},
		{"élan", "Élan", "élan"},
		{"123abc", "123abc", "123abc"},
	}
	for _, tt := range tests {
		if got := PascalCase(tt.in); got != tt.pascal {
			t.Errorf("PascalCase(%q) = %q, want %q", tt.in, got, tt.pascal)
		}
		if got := CamelCase(tt.in); got != tt.camel {
			t.Errorf("CamelCase(%q) = %q, want %q", tt.in, got, tt.camel)
		}
	}
}

func TestRewriteKeys(t *testing.T) {
	tests := []struct {
		name, in, out string
		keyCase       func(string) string
	}{
		{"pascal", `{"displayName":"Alice","isRead":true}`, `{"DisplayName":"Alice","IsRead":true}`, PascalCase},
		{"camel", `{"DisplayName":"Alice","IsRead":true}`, `{"displayName":"Alice","isRead":true}`, CamelCase},
		{"values untouched", `{"a":"displayName","b":["x_y","@odata.type"]}`, `{"A":"displayName","B":["x_y","@odata.type"]}`, PascalCase},
		{"annotations", `{"@odata.type":"#microsoft.graph.fileAttachment","@odata.nextLink":"https://x/?a=b","@removed":{"reason":"deleted"}}`,
			`{"@odata.type":"#microsoft.graph.fileAttachment","@odata.nextLink":"https://x/?a=b","@removed":{"Reason":"deleted"}}`, PascalCase},
		{"property annotation", `{"members@odata.bind":["u"]}`, `{"Members@odata.bind":["u"]}`, PascalCase},
		{"whitespace kept", "{ \"a\" :\t[ 1 ,\n2 ] ,\r\n\"b_c\" : { } }", "{ \"A\" :\t[ 1 ,\n2 ] ,\r\n\"BC\" : { } }", PascalCase},
		{"numbers exact", `{"n":[-0,1.50,1e+300,-2.5E-3,12345678901234567890123]}`, `{"N":[-0,1.50,1e+300,-2.5E-3,12345678901234567890123]}`, PascalCase},
		{"escaped values", `{"s":"a\"b\\c\u00e9\n","t":"\/"}`, `{"S":"a\"b\\c\u00e9\n","T":"\/"}`, PascalCase},
		{"escaped key cased", `{"\u0064isplayName":1}`, `{"DisplayName":1}`, PascalCase},
		{"escaped key unchanged keeps escapes", `{"\u0044isplay":1}`, `{"\u0044isplay":1}`, PascalCase},
		{"escaped annotation", `{"\u0040odata.type":1}`, `{"\u0040odata.type":1}`, PascalCase},
		{"nested", `[{"a":[{"b":{"c_d":null}}]},true,false]`, `[{"A":[{"B":{"CD":null}}]},true,false]`, PascalCase},
		{"scalar", ` "x" `, ` "x" `, PascalCase},
		{"number top", `42`, `42`, PascalCase},
		{"nil keyCase copies", `{"a_b":1}`, `{"a_b":1}`, nil},
		{"custom keyCase escaped", `{"a":1}`, `{"q\"\\\u0001":1}`, func(string) string { return "q\"\\\x01" }},
		{"invalid utf8 value", "{\"a\":\"\xff\"}", "{\"A\":\"\xff\"}", PascalCase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := RewriteKeys(&out, strings.NewReader(tt.in), tt.keyCase); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.out {
				t.Errorf("got  %s\nwant %s", out.String(), tt.out)
			}
			// Reading a byte at a time puts every state on a buffer boundary.
			var slow bytes.Buffer
			if err := RewriteKeys(&slow, iotest.OneByteReader(strings.NewReader(tt.in)), tt.keyCase); err != nil {
				t.Fatal(err)
			}
			if slow.String() != tt.out {
				t.Errorf("one byte at a time: got %s", slow.String())
			}
		})
	}
}

func TestRewriteKeysInvalid(t *testing.T) {
	for _, in := range []string{
		``, ` `, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a":1 "b":2}`,
		`{a:1}`, `{'a':1}`, `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":1e+}`,
		`{"a":tru}`, `{"a":nul}`, `{"a":True}`, `"\x"`, `"\u12G4"`, "\"a\tb\"", `{"a":1}x`, `1 2`,
		`{"a":1}]`, `[}`, `{]`, `"abc`, `{"a\`, `NaN`, `-Infinity`, `{"a":+1}`,
		strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1),
	} {
		var out bytes.Buffer
		err := RewriteKeys(&out, strings.NewReader(in), PascalCase)
		if !errors.Is(err, ErrInvalidJSON) {
			t.Errorf("%.40q: err = %v, want ErrInvalidJSON", in, err)
		}
		if json.Valid([]byte(in)) {
			t.Errorf("%.40q: test case is valid JSON", in)
		}
	}
	deep := strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)
	if err := RewriteKeys(io.Discard, strings.NewReader(deep), PascalCase); err != nil {
		t.Errorf("depth %d: %v", maxJSONDepth, err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRewriteKeysIOErrors(t *testing.T) {
	err := RewriteKeys(io.Discard, iotest.ErrReader(errors.New("reset")), PascalCase)
	if err == nil || !strings.Contains(err.Error(), "reset") || errors.Is(err, ErrInvalidJSON) {
		t.Errorf("read error: %v", err)
	}
	big := `{"a":"` + strings.Repeat("x", 100<<10) + `"}`
	if err := RewriteKeys(failWriter{}, strings.NewReader(big), PascalCase); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: %v", err)
	}
}

// graphPage builds a realistic page of n messages, in Graph's camelCase.
func graphPage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('me')/messages","value":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"@odata.type":"#microsoft.graph.message","@odata.etag":"W/\"CQAAABYAAAA%d\"","id":"AAMkAGI2TG93AAA%08d=","createdDateTime":"2024-05-01T10:00:%02dZ","receivedDateTime":"2024-05-01T10:00:%02dZ","hasAttachments":%t,"internetMessageId":"<msg%d@contoso.com>","subject":"Quarterly report \"Q%d\" \u00e9t\u00e9","bodyPreview":"Hi team,\nplease find the report attached.","importance":"normal","parentFolderId":"AQMkAGI2TG93","conversationId":"AAQkAGI2TG93%d","isRead":%t,"isDraft":false,"webLink":"https://outlook.office365.com/owa/?ItemID=AAMk%d&exvsurl=1","body":{"contentType":"html","content":"<html><body><p>Message %d</p></body></html>"},"sender":{"emailAddress":{"name":"Alice Smith","address":"alice@contoso.com"}},"from":{"emailAddress":{"name":"Alice Smith","address":"alice@contoso.com"}},"toRecipients":[{"emailAddress":{"name":"Bob","address":"bob@contoso.com"}},{"emailAddress":{"name":"Carol","address":"carol@contoso.com"}}],"ccRecipients":[],"flag":{"flagStatus":"notFlagged"},"categories":["Blue category"],"attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","id":"att%d","name":"report.pdf","contentType":"application/pdf","size":%d,"isInline":false}]}`,
			i, i, i%60, i%60, i%2 == 0, i, i%4+1, i, i%3 == 0, i, i, i, 1000+i)
	}
	b.WriteString(`],"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=999&$top=999"}`)
	return b.Bytes()
}

func TestRewriteKeysRoundTrip(t *testing.T) {
	in := graphPage(20)
	pascal, err := rewriteKeysBytes(in, PascalCase)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"EmailAddress":{"Name":"Alice Smith"`, `"@odata.type":"#microsoft.graph.fileAttachment"`, `"@odata.nextLink":"https://graph.microsoft.com/v1.0/me/messages?$skip=999`, `"ToRecipients":[`} {
		if !bytes.Contains(pascal, []byte(want)) {
			t.Errorf("Pascal output lacks %s", want)
		}
	}
	back, err := rewriteKeysBytes(pascal, CamelCase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, in) {
		t.Errorf("camel -> Pascal -> camel changed the document")
	}
}

// jsonTokens flattens a document into its tokens, marking object keys, so that
// values can be compared between an input and its rewrite.
type jsonTok struct {
	key bool
	tok any
}

func jsonTokens(t testing.TB, b []byte) []jsonTok {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct{ obj, wantKey bool }
	var out []jsonTok
	var stack []frame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("decoding %q: %v", b, err)
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			out = append(out, jsonTok{false, tok})
			valueDone()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].wantKey {
			stack[n-1].wantKey = false
			out = append(out, jsonTok{true, tok})
			continue
		}
		out = append(out, jsonTok{false, tok})
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, frame{obj: d == '{', wantKey: d == '{'})
			continue
		}
		valueDone()
	}
}

func TestRewriteKeysTokens(t *testing.T) {
	in := graphPage(3)
	out, err := rewriteKeysBytes(in, PascalCase)
	if err != nil {
		t.Fatal(err)
	}
	checkTokens(t, in, out, PascalCase)
}

// checkTokens asserts that out is in with keys cased by keyCase and nothing else changed.
func checkTokens(t testing.TB, in, out []byte, keyCase func(string) string) {
	t.Helper()
	a, b := jsonTokens(t, in), jsonTokens(t, out)
	if len(a) != len(b) {
		t.Fatalf("token count %d -> %d", len(a), len(b))
	}
	for i := range a {
		want := a[i].tok
		if a[i].key {
			k := want.(string)
			if k != "" && k[0] != '@' && k[0] != '#' {
				want = applyKeyCase(k, keyCase)
			}
		}
		if a[i].key != b[i].key || b[i].tok != want {
			t.Fatalf("token %d: %v %#v -> %v %#v", i, a[i].key, a[i].tok, b[i].key, b[i].tok)
		}
	}
}

func FuzzRewriteKeys(f *testing.F) {
	for _, s := range []string{
		`{"displayName":"x","@odata.type":"#microsoft.graph.user","members@odata.bind":[]}`,
		`[1,-0.5e+3,true,false,null,"\u00e9\"",{}]`,
		`{"a_b":{"c":[{"d":"e"}]}}`, `{"\u0061":1}`, `{"a":1}x`, `[`, `"\ud800"`, "\"\xff\"", ` 0 `,
	} {
		f.Add([]byte(s))
	}
	f.Add(graphPage(2))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, kc := range []func(string) string{PascalCase, CamelCase} {
			out, err := rewriteKeysBytes(in, kc)
			valid := json.Valid(in)
			if (err == nil) != valid {
				t.Fatalf("json.Valid = %v but err = %v for %q", valid, err, in)
			}
			if err != nil {
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("invalid output %q for %q", out, in)
			}
			checkTokens(t, in, out, kc)
		}
		if out, err := rewriteKeysBytes(in, nil); err == nil && !bytes.Equal(out, in) {
			t.Fatalf("nil keyCase changed %q to %q", in, out)
		}
	})
}

func FuzzCaseFunctions(f *testing.F) {
	for _, s := range []string{"displayName", "change_type", "from/emailAddress", "@odata.type", "a@b", "_x", "É"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, c := PascalCase(s), CamelCase(s)
		if PascalCase(p) != p || CamelCase(c) != c {
			t.Fatalf("not idempotent: %q -> %q, %q", s, p, c)
		}
	})
}

func benchmarkRewrite(b *testing.B, in []byte, keyCase func(string) string) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if err := RewriteKeys(io.Discard, bytes.NewReader(in), keyCase); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRewriteKeys measures one 999-message page: camel is the validate-only
// copy, ToPascal a request-side rewrite, ToCamel the response-side one.
func BenchmarkRewriteKeys(b *testing.B) {
	camel := graphPage(999)
	pascal, err := rewriteKeysBytes(camel, PascalCase)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("camel", func(b *testing.B) { benchmarkRewrite(b, camel, nil) })
	b.Run("ToPascal", func(b *testing.B) { benchmarkRewrite(b, camel, PascalCase) })
	b.Run("ToCamel", func(b *testing.B) { benchmarkRewrite(b, pascal, CamelCase) })
	// What the engine does to an Office 365 answer: the keys of the page in
	// memory camelised in place (a fresh copy each time, as a new answer).
	b.Run("ToCamelInPlace", func(b *testing.B) {
		buf := make([]byte, len(pascal))
		b.SetBytes(int64(len(pascal)))
		b.ReportAllocs()
		for b.Loop() {
			copy(buf, pascal)
			if !camelKeysInPlace(buf) {
				b.Fatal("fell back to the rewrite")
			}
		}
	})
}

// repeatReader streams "[" + n copies of item joined by "," + "]" without holding
// the document or allocating: piece 0 is "[", odd pieces are the item, even ones
// "," and the last "]".
type repeatReader struct {
	item   []byte
	n      int
	k, off int
}

func (r *repeatReader) piece() []byte {
	switch {
	case r.k == 0:
		return []byte("[")
	case r.k == 2*r.n:
		return []byte("]")
	case r.k%2 == 1:
		return r.item
	}
	return []byte(",")
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := 0
	for total < len(p) && r.k <= 2*r.n {
		c := copy(p[total:], r.piece()[r.off:])
		total += c
		if r.off += c; r.off == len(r.piece()) {
			r.k, r.off = r.k+1, 0
		}
	}
	if total == 0 {
		return 0, io.EOF
	}
	return total, nil
}

func TestRepeatReader(t *testing.T) {
	b, err := io.ReadAll(iotest.HalfReader(&repeatReader{item: []byte(`{"a":1}`), n: 3}))
	if err != nil || string(b) != `[{"a":1},{"a":1},{"a":1}]` {
		t.Fatalf("%s %v", b, err)
	}
}

func TestRewriteKeysConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MB")
	}
	page := graphPage(1)
	item := page[bytes.IndexByte(page, '[')+1 : bytes.LastIndexByte(page, ']')]
	n := 64 << 20 / len(item)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cw := &countWriter{}
	if err := RewriteKeys(cw, &repeatReader{item: item, n: n}, PascalCase); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if cw.n < int64(n*len(item)) {
		t.Fatalf("wrote %d bytes for %d items", cw.n, n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("allocated %d bytes for a %d-byte stream", alloc, cw.n)
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// FuzzCamelKeys checks that the in-place conversion of Office 365 pages gives
// the document RewriteKeys gives, for every valid document.
func FuzzCamelKeys(f *testing.F) {
	f.Add(`{"Id":"1","Subject":"x \"Y\": z","From":{"EmailAddress":{"Name":"A"}},"@odata.type":"#M.X"}`)
	f.Add(`{"Change_Type":1,"A.B":2,"Étage":3,"X@odata.bind":[],"Key\\"Q":"v"}`)
	f.Add(`[{"A" : {"B":[{"C":null}]}}, "D:", {"e":"F"}]`)
	f.Fuzz(func(t *testing.T, in string) {
		want, err := rewriteKeysBytes([]byte(in), CamelCase)
		if err != nil {
			return
		}
		got, err := camelKeys([]byte(in))
		if err != nil {
			t.Fatalf("camelKeys(%q): %v", in, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("camelKeys(%q) = %s, want %s", in, got, want)
		}
	})
}

// TestProtocolRenames checks Office 365's one renamed property both ways:
// in a request body, in a query and in an answer.
func TestProtocolRenames(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Id":"c1","MobilePhone1":"+1 555 0199","HomePhones":["+1 555 0100"],"@odata.context":"x"}`))
	})
	p := Office365()
	p.BaseURL = srv.URL + "/"
	acct, err := New(WithProtocol(p), WithTokenSource(StaticToken("t")))
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		ID          string   `json:"id"`
		MobilePhone string   `json:"mobilePhone"`
		HomePhones  []string `json:"homePhones"`
	}
	req := &Request{Method: http.MethodPatch, Path: "contacts/c1", Body: map[string]any{"mobilePhone": "+1 555 0199", "givenName": "Ann"},
		Query: NewQuery().Select("mobilePhone", "homePhones").Filter(Eq("mobilePhone", "x"))}
	if _, err := acct.Do(context.Background(), req, &out); err != nil {
		t.Fatal(err)
	}
	if out.ID != "c1" || out.MobilePhone != "+1 555 0199" || len(out.HomePhones) != 1 {
		t.Fatalf("decoded %+v", out)
	}
	got := srv.requests()[0]
	if got.Body != `{"GivenName":"Ann","MobilePhone1":"+1 555 0199"}` {
		t.Fatalf("body %s", got.Body)
	}
	q, _ := url.QueryUnescape(got.URI)
	if !strings.Contains(q, "$select=MobilePhone1,HomePhones") || !strings.Contains(q, "$filter=MobilePhone1 eq 'x'") {
		t.Fatalf("query %s", q)
	}
	// Graph needs no rename: its bodies pass untouched.
	if !Graph().camelWire() || Office365().camelWire() {
		t.Fatal("camelWire")
	}
}
