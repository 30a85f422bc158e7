package odata

import "strings"

// Compare orders two documents by $orderby keys and returns -1, 0 or +1.
// Nulls and missing properties sort first in ascending order (last in
// descending), strings compare ignoring case (then exactly, so the order is
// total), strings that are both RFC 3339 timestamps compare as instants, and
// values of different types order null < boolean < number < string. Use it
// with a stable sort (slices.SortStableFunc) so ties keep storage order.
func Compare(order []OrderItem, a, b map[string]any) int {
	for _, o := range order {
		va, _ := Lookup(a, o.Path)
		vb, _ := Lookup(b, o.Path)
		c := compareForOrder(fromJSON(va), fromJSON(vb))
		if o.Desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// orderRank places kinds that cannot be compared with each other.
func orderRank(k kind) int {
	switch k {
	case kNull:
		return 0
	case kBool:
		return 1
	case kNum:
		return 2
	case kStr, kTime, kDate:
		return 3
	}
	return 4
}

func compareForOrder(a, b value) int {
	ra, rb := orderRank(a.k), orderRank(b.k)
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	if a.k == kStr && b.k == kStr {
		if ta, ok := parseDateTime(a.s, false); ok {
			if tb, ok := parseDateTime(b.s, false); ok {
				return ta.Compare(tb)
			}
		}
		if c := compareFold(a.s, b.s); c != 0 {
			return c
		}
		return strings.Compare(a.s, b.s)
	}
	if c, ok := compareValues(a, b); ok {
		return c
	}
	return 0
}

// Project applies $select to doc. An empty selection or one containing "*"
// returns doc itself; otherwise a new map holds the selected properties
// (matched ignoring case), "id", every "@odata.*" annotation, and the
// annotations of selected properties (such as "attachments@odata.context").
// Selected properties missing from doc are left out.
func Project(doc map[string]any, sel []string) map[string]any {
	if len(sel) == 0 {
		return doc
	}
	for _, s := range sel {
		if s == "*" {
			return doc
		}
	}
	out := make(map[string]any, len(sel)+2)
	for k, v := range doc {
		if k == "id" || strings.HasPrefix(k, "@odata.") {
			out[k] = v
			continue
		}
		base, _, _ := strings.Cut(k, "@")
		for _, s := range sel {
			if strings.EqualFold(base, s) {
				out[k] = v
				break
			}
		}
	}
	return out
}
