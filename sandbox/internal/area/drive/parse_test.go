package drive

import (
	"slices"
	"testing"
)

func TestFunctionArg(t *testing.T) {
	cases := []struct {
		seg, arg, want string
		ok             bool
	}{
		{"search(q='budget')", "q", "budget", true},
		{"search(q='it''s')", "q", "it's", true},
		{"search(q = 'a b')", "q", "a b", true},
		{"delta(token='abc=')", "token", "abc=", true},
		{"delta()", "token", "", false},
		{"delta", "token", "", false},
		{"search(x='1')", "q", "", false},
		{"search(q='open", "q", "", false},
	}
	for _, c := range cases {
		got, ok := functionArg(c.seg, c.arg)
		if got != c.want || ok != c.ok {
			t.Errorf("functionArg(%q, %q) = %q, %v; want %q, %v", c.seg, c.arg, got, ok, c.want, c.ok)
		}
	}
	if !isFunction("search(q='x')", "search") || isFunction("searchable", "search") || !isFunction("Delta()", "delta") {
		t.Error("isFunction")
	}
}

func TestEntityTags(t *testing.T) {
	cases := map[string][]string{
		`"{A},1"`:            {`"{A},1"`},
		`"{A},1", "c:{A},2"`: {`"{A},1"`, `"c:{A},2"`},
		`W/"{A},1" ,"x"`:     {`W/"{A},1"`, `"x"`},
		`*`:                  {`*`},
		`"unterminated`:      {`"unterminated`},
		``:                   nil,
	}
	for in, want := range cases {
		if got := entityTags(in); !slices.Equal(got, want) {
			t.Errorf("entityTags(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeShareID(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"s!abc", "abc", true},
		{"s!", "", false},
		{"u!aHR0cDovL2xvY2FsaG9zdDo1MzY2LzpmOi9zL3Rvaw", "tok", true}, // http://localhost:5366/:f:/s/tok
		{"u!aHR0cDovL2xvY2FsaG9zdDo1MzY2LzpmOi9zL3Rvaw==", "tok", true},
		{"u!!!!", "", false},
		{"abc", "", false},
		{"u!aHR0cDovL2xvY2FsaG9zdC8", "", false}, // http://localhost/
	}
	for _, c := range cases {
		got, ok := decodeShareID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("decodeShareID(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzShareAndFunctionParsers(f *testing.F) {
	for _, s := range []string{"s!abc", "u!aHR0cDovL2E", "search(q='x')", `"{A},1", "b"`, "delta(token='')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		decodeShareID(s)
		functionArg(s, "q")
		isFunction(s, "delta")
		for _, tag := range entityTags(s) {
			if tag == "" {
				t.Fatalf("empty tag from %q", s)
			}
		}
	})
}

func TestPreauthBase(t *testing.T) {
	if got := swapLoopback("http://127.0.0.1:5366"); got != "http://localhost:5366" {
		t.Error(got)
	}
	if got := swapLoopback("https://localhost:5366"); got != "https://127.0.0.1:5366" {
		t.Error(got)
	}
	if got := swapLoopback("http://[::1]:80"); got != "http://localhost:80" {
		t.Error(got)
	}
	if got := swapLoopback("http://sandbox.example:5366"); got != "http://sandbox.example:5366" {
		t.Error(got)
	}
}
