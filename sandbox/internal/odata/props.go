package odata

import "strings"

// Properties returns the top-level document properties e reads, as written
// (property names match ignoring case), so a caller can decode only those
// before calling Eval. all is true when e may read any property: a type
// cast of the document itself (a qualified first segment).
func Properties(e Expr) (names []string, all bool) {
	var w propWalker
	w.expr(e)
	return w.names, w.all
}

// Properties returns the top-level document properties Match reads with
// the same fields; all is true when it may read any property (an
// unrestricted term without fields searches every string).
func (q *SearchQuery) Properties(fields ...string) (names []string, all bool) {
	var w propWalker
	w.search(q.root, fields)
	return w.names, w.all
}

// PathProperty is the top-level property a '/'-separated path such as an
// OrderItem.Path starts with; ok is false for a type cast, which may read
// any property.
func PathProperty(path string) (name string, ok bool) {
	name, _, _ = strings.Cut(path, "/")
	return name, !strings.Contains(name, ".")
}

type propWalker struct {
	names []string
	all   bool
}

func (w *propWalker) add(path string) {
	name, ok := PathProperty(path)
	if !ok {
		w.all = true
		return
	}
	for _, n := range w.names {
		if strings.EqualFold(n, name) {
			return
		}
	}
	w.names = append(w.names, name)
}

func (w *propWalker) expr(e Expr) {
	switch e := e.(type) {
	case *PathExpr:
		// A path from a lambda variable reads what its collection holds.
		if e.Var == "" && len(e.Segments) > 0 {
			w.add(e.Segments[0])
		}
	case *BinaryExpr:
		w.expr(e.Left)
		w.expr(e.Right)
	case *NotExpr:
		w.expr(e.Operand)
	case *InExpr:
		w.expr(e.Operand)
		for _, x := range e.List {
			w.expr(x)
		}
	case *CallExpr:
		for _, x := range e.Args {
			w.expr(x)
		}
	case *LambdaExpr:
		w.expr(e.Collection)
		if e.Predicate != nil {
			w.expr(e.Predicate)
		}
	}
}

func (w *propWalker) search(n *searchNode, fields []string) {
	switch {
	case n == nil:
	case n.op != searchTerm:
		w.search(n.left, fields)
		w.search(n.right, fields)
	case n.prop != "":
		for _, p := range n.paths {
			w.add(p)
		}
	case len(fields) == 0:
		w.all = true
	default:
		for _, p := range fields {
			w.add(p)
		}
	}
}
