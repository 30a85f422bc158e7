package excel

import (
	"testing"
	"time"

	"github.com/go-json-experiment/json"
)

func TestRangePath(t *testing.T) {
	cases := []struct{ in, want, bad string }{
		{in: "Sheet1!A1:C10", want: "worksheets/Sheet1/range(address='A1:C10')"},
		{in: "'My Sheet'!A:A", want: "worksheets/My%20Sheet/range(address='A:A')"},
		{in: "'It''s'!B2", want: "worksheets/It%27s/range(address='B2')"},
		{in: "Sheet1!'odd'#", want: "worksheets/Sheet1/range(address='''odd''%23')"},
		{in: "Totals", want: "names/Totals/range"},
		{in: "", bad: "empty"},
		{in: "A1:B2", bad: "names no worksheet"},
		{in: "B12", bad: "names no worksheet"},
		{in: "Sheet1!", bad: "empty range"},
		{in: "!A1", bad: "empty worksheet"},
		{in: "'unclosed!A1", bad: "malformed"},
	}
	for _, c := range cases {
		got, err := rangePath(c.in)
		switch {
		case c.bad != "" && (err == nil || !contains(err.Error(), c.bad)):
			t.Errorf("rangePath(%q) = %q, %v; want an error with %q", c.in, got, err, c.bad)
		case c.bad == "" && (err != nil || got != c.want):
			t.Errorf("rangePath(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

func TestValueJSON(t *testing.T) {
	var grid [][]Value
	if err := json.Unmarshal([]byte(`[[1.5,"x",true,null,"","#DIV/0!"]]`), &grid); err != nil {
		t.Fatal(err)
	}
	kinds := []Kind{KindNumber, KindText, KindBool, KindEmpty, KindEmpty, KindError}
	for i, v := range grid[0] {
		if v.Kind() != kinds[i] {
			t.Errorf("cell %d: %v is %v, want %v", i, v, v.Kind(), kinds[i])
		}
	}
	out, err := json.Marshal([][]Value{{Number(2), Text("a"), Bool(false), Blank(), Unchanged(), ErrorValue(ErrNA)}})
	if err != nil || string(out) != `[[2,"a",false,"",null,"#N/A"]]` {
		t.Fatalf("marshal %s %v", out, err)
	}
	if _, err := json.Marshal([]Value{Number(0), {kind: KindNumber, num: inf()}}); err == nil {
		t.Fatal("infinity encoded")
	}
	if err := json.Unmarshal([]byte(`[{}]`), &grid[0]); err == nil {
		t.Fatal("an object read as a cell")
	}
}

func inf() float64 { var z float64; return 1 / z }

func TestSerial(t *testing.T) {
	at := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	s := Serial(at)
	if s != 46027.5 {
		t.Fatalf("serial %v", s)
	}
	back, ok := Number(s).Time()
	if !ok || !back.Equal(at) {
		t.Fatalf("time %v", back)
	}
	if _, ok := Text("x").Time(); ok {
		t.Fatal("text as a time")
	}
}

// FuzzValue checks that any JSON a service sends decodes into a Value or
// fails, and that what decodes encodes again.
func FuzzValue(f *testing.F) {
	for _, s := range []string{`1`, `"x"`, `true`, `null`, `""`, `"#N/A"`, `1e400`, `{}`, `[1]`, `"\ud800"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v Value
		if json.Unmarshal(data, &v) != nil {
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatalf("%s decoded to %v, which does not encode: %v", data, v, err)
		}
	})
}

// FuzzRangePath checks that addresses never yield a path with characters
// that change the URL.
func FuzzRangePath(f *testing.F) {
	for _, s := range []string{"Sheet1!A1", "'a''b'!C3", "Name", "a/b!c?d#e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := rangePath(s)
		if err != nil {
			return
		}
		for _, c := range []string{"?", "#", " ", "\n", "\\"} {
			if contains(p, c) {
				t.Fatalf("%q -> %q holds %q", s, p, c)
			}
		}
	})
}
