package o365

import (
	"bytes"
	"strings"
	"time"
)

// Hosts of the public and national clouds.
const (
	graphPublicHost    = "https://graph.microsoft.com/"
	graphUSGovL4Host   = "https://graph.microsoft.us/"
	graphUSGovL5Host   = "https://dod-graph.microsoft.us/"
	graphChinaHost     = "https://microsoftgraph.chinacloudapi.cn/"
	loginPublicHost    = "https://login.microsoftonline.com"
	loginUSGovHost     = "https://login.microsoftonline.us"
	loginChinaHost     = "https://login.chinacloudapi.cn"
	outlookRESTHost    = "https://outlook.office.com/api/"
	businessCentral    = "https://api.businesscentral.dynamics.com/"
	defaultGraphMaxTop = 999
)

// Protocol describes one API set: where it lives, how its JSON is cased, how its
// scopes and types are named. The presets below cover Microsoft's APIs; a
// user-defined protocol is a filled-in struct. Facts of one service on one
// protocol (the largest Outlook attachment, OneDrive's simple-upload limit)
// live with that service's package, not here.
//
// A Protocol is read-only once an Account uses it; build a new one to change it.
type Protocol struct {
	// Name is a short label used in logs and by the CLI ("graph", "office365").
	Name string
	// BaseURL is the API root with a trailing slash, such as
	// "https://graph.microsoft.com/".
	BaseURL string
	// Version is the API version path segment, such as "v1.0" or "beta".
	Version string
	// DefaultResource is the resource used when neither the Account nor the call
	// names one. Empty means "me".
	DefaultResource string
	// KeyCase rewrites JSON keys from the Go models' camelCase into the wire's
	// case. Nil means the wire uses camelCase and bodies are passed untouched.
	KeyCase func(string) string
	// Renames maps a model's camelCase property name to the wire's name for
	// the properties the API names otherwise than by case (Outlook REST
	// calls a contact's mobilePhone MobilePhone1). Bodies and query property
	// names go through it both ways; nil for none.
	Renames map[string]string
	// ScopePrefix is prepended to permission names, such as
	// "https://graph.microsoft.com/".
	ScopePrefix string
	// Namespace is the OData namespace of the API's types, as @odata.type
	// values name them: "microsoft.graph" (the default when empty) or
	// "Microsoft.OutlookServices".
	Namespace string
	// MaxTop is the largest page size ($top) the API accepts.
	MaxTop int
	// TimeZone is the zone in which the API should return dates (through
	// Prefer: outlook.timezone). Nil means UTC.
	TimeZone *time.Location
	// AuthorityHost is the identity platform host of the protocol's cloud, such
	// as "https://login.microsoftonline.com".
	AuthorityHost string
}

func graphOn(name, host, authority, version string) *Protocol {
	return &Protocol{
		Name:          name,
		BaseURL:       host,
		Version:       version,
		ScopePrefix:   host,
		MaxTop:        defaultGraphMaxTop,
		AuthorityHost: authority,
	}
}

// Graph returns the Microsoft Graph v1.0 protocol on the public cloud: the default.
func Graph() *Protocol { return graphOn("graph", graphPublicHost, loginPublicHost, "v1.0") }

// GraphBeta returns the Microsoft Graph beta protocol on the public cloud.
func GraphBeta() *Protocol { return graphOn("graph-beta", graphPublicHost, loginPublicHost, "beta") }

// GraphVersion returns Microsoft Graph on the public cloud at any version string.
func GraphVersion(version string) *Protocol {
	return graphOn("graph-"+version, graphPublicHost, loginPublicHost, version)
}

// GraphUSGovL4 returns Microsoft Graph v1.0 for US Government L4 (GCC High).
func GraphUSGovL4() *Protocol {
	return graphOn("graph-usgov-l4", graphUSGovL4Host, loginUSGovHost, "v1.0")
}

// GraphUSGovL5 returns Microsoft Graph v1.0 for US Government L5 (DOD).
func GraphUSGovL5() *Protocol {
	return graphOn("graph-usgov-l5", graphUSGovL5Host, loginUSGovHost, "v1.0")
}

// GraphChina returns Microsoft Graph v1.0 for the China cloud operated by 21Vianet.
func GraphChina() *Protocol {
	return graphOn("graph-china", graphChinaHost, loginChinaHost, "v1.0")
}

// Office365 returns the Office 365 / Outlook REST v2.0 protocol: PascalCase JSON,
// Microsoft.OutlookServices type names. Microsoft has retired the public service;
// the preset remains for on-premises-compatible endpoints and for the sandbox's
// /api/v2.0 dialect.
func Office365() *Protocol {
	return &Protocol{
		Name:          "office365",
		BaseURL:       outlookRESTHost,
		Version:       "v2.0",
		KeyCase:       PascalCase,
		Renames:       map[string]string{"mobilePhone": "MobilePhone1"},
		ScopePrefix:   "https://outlook.office.com/",
		Namespace:     "Microsoft.OutlookServices",
		MaxTop:        defaultGraphMaxTop,
		AuthorityHost: loginPublicHost,
	}
}

// BusinessCentral returns the Dynamics 365 Business Central API v1.0 protocol. With
// an environment ("production", "sandbox") the URL is
// https://api.businesscentral.dynamics.com/v2.0/{environment}/api/; without one it is
// the legacy .../v1.0/api/.
func BusinessCentral(environment string) *Protocol {
	base := businessCentral + "v1.0/api/"
	if env := strings.Trim(strings.TrimSpace(environment), "/"); env != "" {
		base = businessCentral + "v2.0/" + escapeSegment(env) + "/api/"
	}
	return &Protocol{
		Name:          "business-central",
		BaseURL:       base,
		Version:       "v1.0",
		ScopePrefix:   businessCentral,
		MaxTop:        defaultGraphMaxTop,
		AuthorityHost: loginPublicHost,
	}
}

// ServiceURL returns the root that request paths are joined to: BaseURL + Version + "/".
func (p *Protocol) ServiceURL() string {
	base := p.BaseURL
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if p.Version == "" {
		return base
	}
	return base + strings.Trim(p.Version, "/") + "/"
}

// TypeName returns the qualified name of one of the API's types, as an
// @odata.type value names it: TypeName("fileAttachment") is
// "microsoft.graph.fileAttachment" on Graph and
// "Microsoft.OutlookServices.FileAttachment" on Office 365. Prefix "#" for
// the @odata.type of an entity sent in a body.
func (p *Protocol) TypeName(name string) string {
	ns := p.Namespace
	if ns == "" {
		ns = "microsoft.graph"
	}
	return ns + "." + p.CaseKey(name)
}

// CaseKey converts one JSON key or query property name into the protocol's case.
// Paths such as from/emailAddress/address are cased segment by segment, and
// annotations (@odata.type) and type names (#microsoft.graph.x) are left alone.
func (p *Protocol) CaseKey(key string) string {
	if p.camelWire() || key == "" {
		return key
	}
	if !strings.Contains(key, "/") {
		return caseOne(key, p.wireKey)
	}
	parts := strings.Split(key, "/")
	for i, s := range parts {
		parts[i] = caseOne(s, p.wireKey)
	}
	return strings.Join(parts, "/")
}

func caseOne(key string, f func(string) string) string {
	if key == "" || key[0] == '@' || key[0] == '#' || key[0] == '$' || strings.Contains(key, ".") {
		return key
	}
	return f(key)
}

// wireKey converts one property name of a model into the wire's name:
// Renames first, else KeyCase.
func (p *Protocol) wireKey(key string) string {
	if w, ok := p.Renames[key]; ok {
		return w
	}
	if p.KeyCase == nil {
		return key
	}
	return p.KeyCase(key)
}

// modelKeys undoes Renames in a body whose keys are camelCase already: a
// key that is the camelCase form of a renamed wire name ("mobilePhone1")
// becomes the model's name ("mobilePhone"). Bodies without such a key are
// returned as they are, without a rewrite.
func (p *Protocol) modelKeys(body []byte) ([]byte, error) {
	var back map[string]string
	for model, wire := range p.Renames {
		cw := CamelCase(wire)
		if bytes.Contains(body, []byte(`"`+cw+`"`)) {
			if back == nil {
				back = map[string]string{}
			}
			back[cw] = model
		}
	}
	if back == nil {
		return body, nil
	}
	return rewriteKeysBytes(body, func(k string) string {
		if m, ok := back[k]; ok {
			return m
		}
		return k
	})
}

// camelWire reports whether bodies go on the wire as the models write them.
func (p *Protocol) camelWire() bool { return p.KeyCase == nil && len(p.Renames) == 0 }

// maxTop returns the protocol's page-size ceiling, 999 when unset.
func (p *Protocol) maxTop() int {
	if p.MaxTop > 0 {
		return p.MaxTop
	}
	return defaultGraphMaxTop
}

// defaultResource returns the protocol's default resource, "me" when unset.
func (p *Protocol) defaultResource() string {
	if p.DefaultResource == "" {
		return "me"
	}
	return p.DefaultResource
}
