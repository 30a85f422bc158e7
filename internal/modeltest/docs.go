package modeltest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// graphDocs is where every Graph operation's documentation lives.
const graphDocs = "https://learn.microsoft.com/graph/"

// CheckGraphLinks checks the rule of CONVENTIONS.md that every exported
// function or method of the package in dir that makes requests (its first
// parameter is a context.Context) names the Graph operation it calls with a
// link to its documentation page, go-github style:
//
//	// Graph: POST /me/messages/{id}/move
//	// (https://learn.microsoft.com/graph/api/message-move).
func CheckGraphLinks(t *testing.T, dir string) {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() || !takesContext(fn) || !exportedReceiver(fn) {
				continue
			}
			checked++
			if fn.Doc == nil || !strings.Contains(fn.Doc.Text(), graphDocs) {
				t.Errorf("%s: %s makes requests but its doc names no Graph operation (%s...)", fset.Position(fn.Pos()), fn.Name.Name, graphDocs)
			}
		}
	}
	if checked == 0 {
		t.Errorf("%s: no exported function takes a context", dir)
	}
}

func takesContext(fn *ast.FuncDecl) bool {
	ps := fn.Type.Params.List
	if len(ps) == 0 {
		return false
	}
	sel, ok := ps[0].Type.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Context"
}

func exportedReceiver(fn *ast.FuncDecl) bool {
	if fn.Recv == nil {
		return true
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}
