package cli

import (
	"sort"
	"strings"

	"github.com/o365go/o365"
)

// protocols are the presets --protocol names.
var protocols = map[string]func() *o365.Protocol{
	"graph":          o365.Graph,
	"graph-beta":     o365.GraphBeta,
	"office365":      o365.Office365,
	"graph-usgov-l4": o365.GraphUSGovL4,
	"graph-usgov-l5": o365.GraphUSGovL5,
	"graph-china":    o365.GraphChina,
}

func protocolNames() []string {
	names := make([]string, 0, len(protocols))
	for n := range protocols {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// protocolByName returns the preset for name ("" is graph).
func protocolByName(name string) (*o365.Protocol, error) {
	if name == "" {
		name = "graph"
	}
	p, ok := protocols[strings.ToLower(name)]
	if !ok {
		return nil, UsageError("unknown protocol %q; use one of %s", name, strings.Join(protocolNames(), ", "))
	}
	return p(), nil
}

// sandboxProtocol is the preset for name, pointed at the sandbox at base
// ("https://127.0.0.1:PORT"): Graph presets use its /v1.0 or /beta, Office 365
// uses its /api/v2.0. Scope prefixes stay those of the real service, as the
// sandbox issues tokens for them.
func sandboxProtocol(name, base string) (*o365.Protocol, error) {
	p, err := protocolByName(name)
	if err != nil {
		return nil, err
	}
	c := *p
	c.Name = "sandbox-" + p.Name
	c.AuthorityHost = base
	if p.KeyCase != nil { // Outlook REST
		c.BaseURL = base + "/api/"
		return &c, nil
	}
	c.BaseURL = base + "/"
	if c.Version != "beta" {
		c.Version = "v1.0"
	}
	return &c, nil
}
