// Package zones maps Windows time-zone names to IANA ones and back, from
// CLDR's windowsZones table (zones_gen.go). The client's root package and
// the sandbox both read it: it is data, so sharing it keeps the two
// implementations of the wire protocol apart while they agree on zones.
package zones

//go:generate go run ../gen/tzgen -in ../../../shared/data -links /usr/share/zoneinfo/tzdata.zi -extra ../gen/tzgen/extra.tsv -out zones_gen.go -pkg zones

import (
	"sort"
	"strings"
)

// zonePair is one row of the generated tables.
type zonePair struct{ key, value string }

// Windows returns the Windows name of an IANA zone or alias
// ("Europe/Paris" gives "Romance Standard Time"), spelled exactly.
func Windows(iana string) (string, bool) {
	_, v, ok := find(ianaToWindows, iana, false)
	return v, ok
}

// IANA returns the primary IANA zone of a Windows zone name ("Pacific
// Standard Time" gives "America/Los_Angeles"), spelled exactly.
func IANA(windows string) (string, bool) {
	_, v, ok := find(windowsToIANA, windows, false)
	return v, ok
}

// WindowsFold is Windows, ignoring case when no name matches exactly.
func WindowsFold(iana string) (string, bool) {
	_, v, ok := find(ianaToWindows, iana, true)
	return v, ok
}

// IANAFold is IANA, ignoring case when no name matches exactly; name is the
// Windows name as the table spells it.
func IANAFold(windows string) (iana, name string, ok bool) {
	name, iana, ok = find(windowsToIANA, windows, true)
	return iana, name, ok
}

// find looks key up in a table sorted by key: exactly, then, if fold,
// ignoring case. It returns the row's key and value.
func find(table []zonePair, key string, fold bool) (string, string, bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].key >= key })
	if i < len(table) && table[i].key == key {
		return table[i].key, table[i].value, true
	}
	if fold {
		for _, p := range table {
			if strings.EqualFold(p.key, key) {
				return p.key, p.value, true
			}
		}
	}
	return "", "", false
}
