// Package odata is the sandbox's OData query engine: it parses Microsoft Graph
// query options ($filter, $select, $expand, $orderby, $top, $skip, $count,
// $search, $skiptoken) and evaluates them against entities stored as canonical
// camelCase Graph JSON decoded into map[string]any.
//
// Semantics that differ from a naive reading of OData, chosen to match what
// Microsoft Graph does:
//
//   - Property names in paths are matched case-insensitively (an exact match is
//     tried first, so canonical names cost nothing extra).
//   - String comparison with eq, ne, gt, ge, lt, le, in, and the functions
//     contains, startswith and endswith ignore case, like Graph does for most
//     string properties. indexof, substring and the other functions are exact.
//   - A DateTimeOffset or Date literal compared with a string property parses
//     the property as an RFC 3339 instant (a missing zone means UTC) and compares
//     instants, not text.
//   - null follows OData: "x eq null" is true when x is null or absent, and any
//     other comparison with null is false.
//   - Numbers are compared as float64; documents may hold float64,
//     json.Number or Go integer types.
//   - has and in bind tighter than not (they are parsed as postfix operators of
//     a primary expression), so "not x in ('a')" means "not (x in ('a'))".
//     not binds tighter than comparisons, as in OData: "not a eq b" is
//     "(not a) eq b".
//   - has reads the property as a flags enum serialised by Graph: one member
//     or a comma-separated list ("read, write").
//   - A path segment with dots (microsoft.graph.user) is a type cast: the
//     object is kept when its "@odata.type" matches, otherwise it is null. A
//     final "$count" segment is the length of a collection.
//
// Expressions must come from ParseFilter; they are immutable and safe to
// evaluate concurrently. Input limits (MaxFilterLength, MaxDepth,
// MaxLambdaDepth, MaxExpandDepth) are reported as *SyntaxError.
//
// Positions in errors are 0-based byte offsets into the option's value.
package odata
