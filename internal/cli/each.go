package cli

// namedOutcome is what a command acting on several named items (rules,
// categories) prints for each: --json gets the list.
type namedOutcome struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Result string `json:"result"`
}

// actOnEach runs act on each item, all of them whatever fails, prints each
// one's outcome in a table whose first column is kind, and returns the
// first failure. key names an item.
func actOnEach[T any](s *Session, kind string, items []T, key func(T) (id, name string), done string, act func(T) error) error {
	outs := make([]namedOutcome, 0, len(items))
	var firstErr error
	for _, it := range items {
		id, name := key(it)
		o := namedOutcome{ID: id, Name: name, Result: done}
		if err := act(it); err != nil {
			o.Result = "failed: " + err.Error()
			if firstErr == nil {
				firstErr = err
			}
		}
		outs = append(outs, o)
	}
	if err := s.Out().Print(outs, func() *Table {
		t := NewTable(kind, "Result")
		for _, o := range outs {
			t.Add(o.Name, o.Result)
		}
		return t
	}); err != nil {
		return err
	}
	return firstErr
}
