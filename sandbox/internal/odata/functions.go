package odata

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// call evaluates a built-in function. Any null argument makes the result
// null, as in OData.
func (ev *evaluator) call(e *CallExpr) (value, error) {
	// ParseFilter checks arity; this guards expressions built by hand.
	if lo, hi, ok := arity(e.Func); !ok || len(e.Args) < lo || len(e.Args) > hi {
		return nullValue, typeError(e, "unknown function or wrong number of arguments")
	}
	var argBuf [3]value
	args := argBuf[:len(e.Args)]
	for i, a := range e.Args {
		v, err := ev.eval(a)
		if err != nil {
			return nullValue, err
		}
		if v.k == kNull {
			return nullValue, nil
		}
		args[i] = v
	}
	switch e.Func {
	case "contains", "startswith", "endswith", "indexof", "concat":
		if err := wantKinds(e, args, kStr, kStr); err != nil {
			return nullValue, err
		}
		s, sub := args[0].s, args[1].s
		switch e.Func {
		case "contains":
			return boolValue(indexFold(s, sub) >= 0), nil
		case "startswith":
			return boolValue(hasPrefixFold(s, sub)), nil
		case "endswith":
			return boolValue(hasSuffixFold(s, sub)), nil
		case "indexof":
			i := strings.Index(s, sub)
			if i > 0 {
				i = utf8.RuneCountInString(s[:i])
			}
			return value{k: kNum, n: float64(i)}, nil
		default:
			return value{k: kStr, s: s + sub}, nil
		}
	case "tolower", "toupper", "trim":
		if err := wantKinds(e, args, kStr); err != nil {
			return nullValue, err
		}
		switch e.Func {
		case "tolower":
			return value{k: kStr, s: strings.ToLower(args[0].s)}, nil
		case "toupper":
			return value{k: kStr, s: strings.ToUpper(args[0].s)}, nil
		default:
			return value{k: kStr, s: strings.TrimSpace(args[0].s)}, nil
		}
	case "length":
		switch args[0].k {
		case kStr:
			return value{k: kNum, n: float64(utf8.RuneCountInString(args[0].s))}, nil
		case kColl:
			return value{k: kNum, n: float64(len(args[0].coll()))}, nil
		}
		return nullValue, typeError(e, "length needs a string or a collection, found "+args[0].k.withArticle())
	case "substring":
		return substring(e, args)
	case "year", "month", "day", "hour", "minute", "second":
		return datePart(e, args[0])
	}
	return nullValue, typeError(e, "unknown function")
}

func wantKinds(e *CallExpr, args []value, kinds ...kind) error {
	for i, k := range kinds {
		if args[i].k != k {
			return typeError(e, e.Func+" needs "+k.withArticle()+" as argument "+string(rune('1'+i))+", found "+args[i].k.withArticle())
		}
	}
	return nil
}

// substring counts characters (runes), clamping past the end as OData does.
func substring(e *CallExpr, args []value) (value, error) {
	if args[0].k != kStr {
		return nullValue, typeError(e, "substring needs a string as argument 1, found "+args[0].k.withArticle())
	}
	bounds := args[1:]
	for i, b := range bounds {
		if b.k != kNum || b.n < 0 || b.n != float64(int(b.n)) {
			return nullValue, typeError(e, "substring needs a non-negative integer as argument "+string(rune('2'+i)))
		}
	}
	runes := []rune(args[0].s)
	start := min(int(bounds[0].n), len(runes))
	end := len(runes)
	if len(bounds) == 2 {
		end = min(start+min(int(bounds[1].n), len(runes)), len(runes))
	}
	return value{k: kStr, s: string(runes[start:end])}, nil
}

// datePart extracts a component of a DateTimeOffset or Date, including one
// held as a string property, in the value's own offset.
func datePart(e *CallExpr, v value) (value, error) {
	t, ok := asTime(v, kTime)
	if !ok {
		if v.k == kStr {
			return nullValue, typeError(e, e.Func+" needs a DateTimeOffset, found "+strconv.Quote(v.s))
		}
		return nullValue, typeError(e, e.Func+" needs a DateTimeOffset or Date, found "+v.k.withArticle())
	}
	var n int
	switch e.Func {
	case "year":
		n = t.Year()
	case "month":
		n = int(t.Month())
	case "day":
		n = t.Day()
	case "hour":
		n = t.Hour()
	case "minute":
		n = t.Minute()
	default:
		n = t.Second()
	}
	return value{k: kNum, n: float64(n)}, nil
}
