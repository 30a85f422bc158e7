package contentline

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Line
	}{
		{"FN:Ann", Line{Name: "FN", Value: "Ann"}},
		{"fn:Ann:with:colons", Line{Name: "FN", Value: "Ann:with:colons"}},
		{"item1.EMAIL;type=INTERNET;type=pref:a@b", Line{Group: "item1", Name: "EMAIL", Params: []Param{{"TYPE", []string{"INTERNET"}}, {"TYPE", []string{"pref"}}}, Value: "a@b"}},
		{"TEL;TYPE=work,voice:1", Line{Name: "TEL", Params: []Param{{"TYPE", []string{"work", "voice"}}}, Value: "1"}},
		{`TEL;VALUE=uri;TYPE="work,voice";PREF=1:tel:+1-418-656-9254;ext=102`, Line{Name: "TEL", Params: []Param{{"VALUE", []string{"uri"}}, {"TYPE", []string{"work,voice"}}, {"PREF", []string{"1"}}}, Value: "tel:+1-418-656-9254;ext=102"}},
		{`X;A="a:b;c",d:v`, Line{Name: "X", Params: []Param{{"A", []string{"a:b;c", "d"}}}, Value: "v"}},
		{`TEL;WORK;VOICE:1`, Line{Name: "TEL", Params: []Param{{"WORK", nil}, {"VOICE", nil}}, Value: "1"}},
		{`X;EMPTY=:v`, Line{Name: "X", Params: []Param{{"EMPTY", []string{""}}}, Value: "v"}},
		{`X;Q="":v`, Line{Name: "X", Params: []Param{{"Q", []string{""}}}, Value: "v"}},
		// RFC 6868 section 4's example, and the other escapes.
		{`ADR;LABEL="Spam ^^ Eggs^n Street^'s":;;`, Line{Name: "ADR", Params: []Param{{"LABEL", []string{"Spam ^ Eggs\n Street\"s"}}}, Value: ";;"}},
		{`X;P=a^b^:v`, Line{Name: "X", Params: []Param{{"P", []string{"a^b^"}}}, Value: "v"}},
		{"X-EMPTY:", Line{Name: "X-EMPTY"}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in, true)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) =\n %#v, want\n %#v", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NOTE", "property without a value separator ':'"},
		{"NOTE;TYPE=x", "property NOTE without a value separator ':'"},
		{":value", "empty property name"},
		{"A.B.TEL:1", `invalid character '.' in group "A.B"`},
		{"T EL:1", `invalid character ' ' in property name "T EL"`},
		{`X;P="abc:v`, "property X: unterminated quoted value of parameter P"},
		{`X;P="a"b:v`, `property X: unexpected 'b' after the quoted value of parameter P`},
		{`X;=a:v`, "property X: empty parameter name"},
		{`X;P Q=a:v`, `property X: invalid character ' ' in parameter name "P Q"`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in, true)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.want)
		}
	}
	if _, err := Parse("item1.TEL:1", false); err == nil || !strings.Contains(err.Error(), `invalid character '.'`) {
		t.Errorf("a group where none is allowed: %v", err)
	}
}

func TestAppendLine(t *testing.T) {
	tests := []struct {
		group, name string
		params      Params
		value       string
		want        string
	}{
		{"", "fn", nil, "Ann", "FN:Ann\r\n"},
		{"item1", "EMAIL", Params{"TYPE": {"work", "pref"}}, "a@b", "item1.EMAIL;TYPE=work,pref:a@b\r\n"},
		// Names in order whatever the map's, values quoted when they hold , ; or :.
		{"", "X", Params{"B": {"a,b"}, "A": {"x:y", "z;w"}, "C": {""}}, "v", `X;A="x:y","z;w";B="a,b";C=:v` + "\r\n"},
		{"", "X", Params{"L": {"Spam ^ Eggs\r\n Street\"s"}}, "v", `X;L=Spam ^^ Eggs^n Street^'s:v` + "\r\n"},
		{"", "X", Params{"E": nil}, "v", "X;E=:v\r\n"},
	}
	for _, tt := range tests {
		got, err := AppendLine(nil, tt.group, tt.name, tt.params, tt.value)
		if err != nil {
			t.Errorf("AppendLine(%q): %v", tt.name, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("AppendLine = %q, want %q", got, tt.want)
		}
		// What is written parses back to the same parts.
		l, err := Parse(strings.TrimSuffix(string(got), "\r\n"), true)
		if err != nil {
			t.Errorf("Parse(AppendLine) = %v", err)
			continue
		}
		back := Params{}
		for _, p := range l.Params {
			back.Add(p.Name, p.Values...)
		}
		want := Params{}
		for k, vs := range tt.params {
			if len(vs) == 0 {
				vs = []string{""}
			}
			want.Add(k, strings.ReplaceAll(strings.Join(vs, "\x00"), "\r\n", "\n"))
		}
		for k, vs := range back {
			back[k] = []string{strings.Join(vs, "\x00")}
		}
		if len(want) > 0 && !reflect.DeepEqual(back, want) {
			t.Errorf("params read back = %q, want %q", back, want)
		}
	}
}

func TestAppendLineErrors(t *testing.T) {
	tests := []struct {
		name   string
		params Params
		value  string
		want   string
	}{
		{"NOTE", nil, "a\nb", `value contains a line break (escape it as \n)`},
		{"NOTE", nil, "a\x00b", `value contains the control character '\x00'`},
		{"NOTE", nil, "a\xffb", "value is not valid UTF-8"},
		{"NO TE", nil, "v", `invalid character ' ' in property name "NO TE"`},
		{"X", Params{"type": {"a"}, "TYPE": {"b"}}, "v", `parameter TYPE given twice (as "TYPE" and "type")`},
		{"X", Params{"P": {"a\x01"}}, "v", `parameter P contains the control character '\x01'`},
	}
	for _, tt := range tests {
		_, err := AppendLine(nil, "", tt.name, tt.params, tt.value)
		if err == nil || err.Error() != tt.want {
			t.Errorf("AppendLine(%q, %q) error = %v, want %q", tt.name, tt.value, err, tt.want)
		}
	}
}

func TestFolding(t *testing.T) {
	for _, value := range []string{
		strings.Repeat("a", 200),
		strings.Repeat("ä", 100),            // 2-byte sequences
		strings.Repeat("€", 70),             // 3-byte sequences
		strings.Repeat("😀", 60),             // 4-byte sequences
		"x" + strings.Repeat("日本語テキスト", 20), // shifted by one byte
		strings.Repeat("a", 69),             // "NOTE:" + 69 = 74: no fold
		strings.Repeat("a", 70),             // 75: no fold
		strings.Repeat("a", 71),             // 76: one fold
	} {
		out, err := AppendLine(nil, "", "NOTE", nil, value)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\r\n"), "\r\n")
		var unfolded strings.Builder
		for i, l := range lines {
			if len(l) > 75 {
				t.Errorf("line %d is %d octets: %q", i, len(l), l)
			}
			if !utf8.ValidString(l) {
				t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
			}
			if i > 0 {
				if l[0] != ' ' {
					t.Errorf("continuation %d does not start with a space", i)
				}
				l = l[1:]
			}
			unfolded.WriteString(l)
		}
		if unfolded.String() != "NOTE:"+value {
			t.Errorf("unfolded = %q", unfolded.String())
		}
		// Lines are filled: only the last may be short by more than a
		// UTF-8 sequence.
		for i, l := range lines[:len(lines)-1] {
			if len(l) < 72 {
				t.Errorf("line %d is only %d octets", i, len(l))
			}
		}
		if want := (len("NOTE:"+value) > 75); want != (len(lines) > 1) {
			t.Errorf("len %d folded into %d lines", len(value), len(lines))
		}
	}
}

func TestEscapeUnescapeSplit(t *testing.T) {
	tests := []struct {
		in, also, want string
	}{
		{`a\b,c;d`, "", `a\\b\,c;d`},
		{`a\b,c;d`, ";", `a\\b\,c\;d`},
		{"l1\nl2\r\nl3\rl4", "", `l1\nl2\nl3\nl4`},
		{"plain", ";", "plain"},
	}
	for _, tt := range tests {
		if got := Escape(tt.in, tt.also); got != tt.want {
			t.Errorf("Escape(%q, %q) = %q, want %q", tt.in, tt.also, got, tt.want)
		}
	}
	unesc := []struct{ in, want string }{
		{`a\\b\,c\;d\nE\NF\:g`, "a\\b,c;d\nE\nF:g"},
		{`keep\x and trailing\`, `keep\x and trailing\`},
		{`\\n`, `\n`},
	}
	for _, tt := range unesc {
		if got := Unescape(tt.in); got != tt.want {
			t.Errorf("Unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	splits := []struct {
		in   string
		sep  byte
		want []string
	}{
		{`a;b\;c;;d`, ';', []string{"a", `b\;c`, "", "d"}},
		{`a\\;b`, ';', []string{`a\\`, "b"}},
		{``, ',', []string{""}},
		{`x,y\,z`, ',', []string{"x", `y\,z`}},
	}
	for _, tt := range splits {
		if got := Split(tt.in, tt.sep); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Split(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestScanner(t *testing.T) {
	in := "\xef\xbb\xbfBEGIN:X\r\nA:1\nB:2\r\n\r\n C\nlast"
	s := NewScanner(strings.NewReader(in), 100)
	var got []string
	for {
		l, n, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n != len(got)+1 {
			t.Errorf("line number %d, want %d", n, len(got)+1)
		}
		if p, ok := s.Peek(); ok && len(got) == 0 && p != "A:1" {
			t.Errorf("Peek = %q", p)
		}
		got = append(got, l)
	}
	want := []string{"BEGIN:X", "A:1", "B:2", "", " C", "last"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
	if s.Offset() != int64(len(in)) {
		t.Errorf("Offset = %d, want %d", s.Offset(), len(in))
	}

	long := NewScanner(strings.NewReader("A:1\n"+strings.Repeat("x", 101)+"\nB:2\n"), 100)
	long.Next()
	if _, n, err := long.Next(); !errors.Is(err, ErrLineTooLong) || n != 2 {
		t.Errorf("long line: %d %v", n, err)
	}
	if _, _, err := long.Next(); !errors.Is(err, ErrLineTooLong) {
		t.Errorf("error is not sticky: %v", err)
	}
	cr := NewScanner(strings.NewReader("A:1\rB:2\n"), 100)
	if _, n, err := cr.Next(); err == nil || n != 1 || !strings.Contains(err.Error(), "carriage return") {
		t.Errorf("lone CR: %d %v", n, err)
	}
}

func TestParams(t *testing.T) {
	var ps Params
	ps.Add("type", "work")
	ps.Add("TYPE", "voice")
	ps.Set("Pref", "1")
	if ps.Get("Type") != "work" || !reflect.DeepEqual(ps["TYPE"], []string{"work", "voice"}) || ps.Get("PREF") != "1" || !ps.Has("pref") {
		t.Fatalf("params = %v", ps)
	}
	c := ps.Clone()
	c["TYPE"][0] = "home"
	ps.Del("pref")
	if ps.Has("PREF") || ps["TYPE"][0] != "work" || c.Get("PREF") != "1" {
		t.Fatalf("params = %v, clone = %v", ps, c)
	}
	if Params(nil).Clone() != nil || Params(nil).Get("X") != "" {
		t.Fatal("nil Params")
	}
}
