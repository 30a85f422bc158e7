package o365

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		in   string
		want EmailAddress
	}{
		{"alice@contoso.com", EmailAddress{Address: "alice@contoso.com"}},
		{"  alice@contoso.com ", EmailAddress{Address: "alice@contoso.com"}},
		{"Alice Smith <alice@contoso.com>", EmailAddress{"Alice Smith", "alice@contoso.com"}},
		{`"Smith, Alice" <alice@contoso.com>`, EmailAddress{"Smith, Alice", "alice@contoso.com"}},
		{"<bob@contoso.com>", EmailAddress{Address: "bob@contoso.com"}},
		{"=?utf-8?q?J=C3=BCrgen?= <j@contoso.de>", EmailAddress{"Jürgen", "j@contoso.de"}},
	}
	for _, tt := range tests {
		got, err := ParseAddress(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseAddress(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "   ", "alice", "alice@", "@contoso.com", "a b@contoso.com", `"a b"@contoso.com`, "Alice <>", "Alice <alice@contoso.com", "a@b.c, d@e.f"} {
		if got, err := ParseAddress(bad); !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("ParseAddress(%q) = %+v, %v; want ErrInvalidAddress", bad, got, err)
		}
	}
}

func TestEmailAddressString(t *testing.T) {
	for _, tt := range []struct {
		e    EmailAddress
		want string
	}{
		{EmailAddress{Address: "a@b.c"}, "a@b.c"},
		{EmailAddress{"Alice", "a@b.c"}, `"Alice" <a@b.c>`},
		{EmailAddress{"Smith, Alice", "a@b.c"}, `"Smith, Alice" <a@b.c>`},
	} {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%+v.String() = %s, want %s", tt.e, got, tt.want)
		}
	}
}

func TestRecipients(t *testing.T) {
	rs, err := Recipients("a@contoso.com", "Bob <b@contoso.com>")
	if err != nil || len(rs) != 2 || rs[1].EmailAddress != (EmailAddress{"Bob", "b@contoso.com"}) {
		t.Fatalf("%+v, %v", rs, err)
	}
	b, err := json.Marshal(rs)
	if err != nil {
		t.Fatal(err)
	}
	if want := `[{"emailAddress":{"address":"a@contoso.com"}},{"emailAddress":{"name":"Bob","address":"b@contoso.com"}}]`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	if _, err := Recipients("a@contoso.com", "nope"); !errors.Is(err, ErrInvalidAddress) || !strings.Contains(err.Error(), "recipient 2") {
		t.Errorf("bad recipient: %v", err)
	}
}

func TestModelsJSON(t *testing.T) {
	v := struct {
		Body      ItemBody    `json:"body"`
		CreatedBy IdentitySet `json:"createdBy"`
	}{ItemBody{ContentHTML, "<p>x</p>"}, IdentitySet{User: &Identity{ID: "1", DisplayName: "Alice"}}}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"body":{"contentType":"html","content":"\u003cp\u003ex\u003c/p\u003e"},"createdBy":{"user":{"id":"1","displayName":"Alice"}}}`; string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"a@b.c", "Alice <a@b.c>", `"Smith, A" <a@b.c>`, "=?utf-8?q?J=C3=BCrgen?= <j@c.de>", `"a b"@c.d`, "<>", "a@[1.2.3.4]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseAddress(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidAddress) {
				t.Fatalf("error %v does not wrap ErrInvalidAddress", err)
			}
			return
		}
		if e.Address == "" || !strings.Contains(e.Address, "@") || strings.IndexFunc(e.Address, unicode.IsSpace) >= 0 {
			t.Fatalf("ParseAddress(%q) accepted %+v", s, e)
		}
		back, err := ParseAddress(e.String())
		if err != nil || back != e {
			t.Fatalf("round trip of %+v through %q: %+v, %v", e, e.String(), back, err)
		}
	})
}
