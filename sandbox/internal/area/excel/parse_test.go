package excel

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestParseCall(t *testing.T) {
	cases := []struct {
		seg  string
		want call
		bad  bool
	}{
		{"worksheets", call{name: "worksheets"}, false},
		{"range(address='A1:B2')", call{name: "range", args: map[string]string{"address": "A1:B2"}}, false},
		{"Range(Address='''It''''s''!A1')", call{name: "range", args: map[string]string{"address": "'It''s'!A1"}}, false},
		{"range(address='It''s'!A1')", call{}, true},
		{"cell(row=1,column=2)", call{name: "cell", args: map[string]string{"row": "1", "column": "2"}}, false},
		{"cell( row = 1 , column = 2 )", call{name: "cell", args: map[string]string{"row": "1", "column": "2"}}, false},
		{"usedRange(valuesOnly=true)", call{name: "usedrange", args: map[string]string{"valuesonly": "true"}}, false},
		{"itemAt(index=3)", call{name: "itemat", args: map[string]string{"index": "3"}}, false},
		{"range()", call{name: "range", args: map[string]string{}}, false},
		{"range(address='A1'", call{}, true},
		{"range(address='A1)", call{}, true},
		{"range(=1)", call{}, true},
		{"range(address)", call{}, true},
	}
	for _, c := range cases {
		got, err := parseCall(c.seg)
		if (err != nil) != c.bad || !c.bad && !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseCall(%q) = %+v, %v; want %+v, bad=%v", c.seg, got, err, c.want, c.bad)
		}
	}
}

func TestRoutes(t *testing.T) {
	ok := []struct {
		method string
		path   string
		write  bool
	}{
		{"GET", "worksheets", false},
		{"POST", "worksheets/add", true},
		{"PATCH", "worksheets/Sheet1", true},
		{"GET", "worksheets/Sheet1/range(address='A1')", false},
		{"PATCH", "worksheets/Sheet1/range(address='A1')", true},
		{"POST", "worksheets/Sheet1/range(address='A1')/sort/apply", true},
		{"GET", "worksheets/Sheet1/usedRange(valuesOnly=true)", false},
		{"GET", "worksheets/Sheet1/cell(row=0,column=0)", false},
		{"POST", "tables/add", true},
		{"POST", "tables/T/rows", true},
		{"PATCH", "tables/T/rows/itemAt(index=1)", true},
		{"DELETE", "tables/T/rows/$/ItemAt(index=1)", true},
		{"GET", "tables/T/rows/2", false},
		{"POST", "tables/T/columns/Name/filter/apply", true},
		{"GET", "tables/T/columns/Name/range", false},
		{"GET", "names/N/range", false},
		{"POST", "functions/sum", false},
		{"POST", "application/calculate", false},
	}
	for _, c := range ok {
		o, err := route(c.method, strings.Split(c.path, "/"))
		if err != nil || o.write != c.write {
			t.Errorf("%s %s: %v, write %v", c.method, c.path, err, o != nil && o.write)
		}
	}
	for _, c := range [][2]string{{"GET", "charts"}, {"DELETE", "worksheets"}, {"GET", "worksheets/S/format"},
		{"GET", "tables/T/rows/x"}, {"PUT", "names"}, {"GET", "worksheets/S/cell(row=a,column=1)"}} {
		if _, err := route(c[0], strings.Split(c[1], "/")); err == nil {
			t.Errorf("%s %s accepted", c[0], c[1])
		}
	}
}

// FuzzRoute checks that no request path below workbook/ panics the router.
func FuzzRoute(f *testing.F) {
	for _, s := range []string{"worksheets/S/range(address='A1')/sort/apply", "tables/T/rows/$/ItemAt(index=1)",
		"range(address='''')", "cell(row=,column=)", "names/N/range/clear"} {
		f.Add(http.MethodGet, s)
		f.Add(http.MethodPost, s)
	}
	f.Fuzz(func(t *testing.T, method, path string) {
		_, _ = route(method, strings.Split(path, "/"))
	})
}
