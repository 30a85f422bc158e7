package o365

import "strings"

// scopeHelpers are python-o365's scope helper names and the permissions they
// stand for, so configurations written for it carry over.
var scopeHelpers = map[string][]string{
	"basic":                   {"User.Read"},
	"mailbox":                 {"Mail.Read"},
	"mailbox_shared":          {"Mail.Read.Shared"},
	"mailbox_settings":        {"MailboxSettings.ReadWrite"},
	"message_send":            {"Mail.Send"},
	"message_send_shared":     {"Mail.Send.Shared"},
	"message_all":             {"Mail.ReadWrite", "Mail.Send"},
	"message_all_shared":      {"Mail.ReadWrite.Shared", "Mail.Send.Shared"},
	"address_book":            {"Contacts.Read"},
	"address_book_shared":     {"Contacts.Read.Shared"},
	"address_book_all":        {"Contacts.ReadWrite"},
	"address_book_all_shared": {"Contacts.ReadWrite.Shared"},
	"calendar":                {"Calendars.Read"},
	"calendar_shared":         {"Calendars.Read.Shared"},
	"calendar_all":            {"Calendars.ReadWrite"},
	"calendar_shared_all":     {"Calendars.ReadWrite.Shared"},
	"users":                   {"User.ReadBasic.All"},
	"onedrive":                {"Files.Read.All"},
	"onedrive_all":            {"Files.ReadWrite.All"},
	"sharepoint":              {"Sites.Read.All"},
	"sharepoint_all":          {"Sites.ReadWrite.All"},
	"settings_all":            {"MailboxSettings.ReadWrite"},
	"tasks":                   {"Tasks.Read"},
	"tasks_all":               {"Tasks.ReadWrite"},
	"presence":                {"Presence.Read"},
}

// ScopeHelpers returns a copy of the scope helper table: helper name ->
// permission names, without the protocol prefix.
func ScopeHelpers() map[string][]string {
	m := make(map[string][]string, len(scopeHelpers))
	for k, v := range scopeHelpers {
		m[k] = append([]string(nil), v...)
	}
	return m
}

// isOIDCScope reports the OpenID Connect scopes, which the identity platform
// wants bare, never under a resource prefix.
func isOIDCScope(s string) bool {
	switch strings.ToLower(s) {
	case "openid", "profile", "offline_access", "email":
		return true
	}
	return false
}

// Scopes expands scope names into the permission scopes to request. A helper name
// ("message_all", see ScopeHelpers) expands to its permissions; any other name is
// a raw permission ("Mail.ReadWrite"). Each gets the protocol's ScopePrefix unless
// it is already qualified (contains "://", such as "https://graph.microsoft.com/Mail.Read"
// or "api://app/x") or is an OpenID Connect scope (openid, profile, offline_access,
// email). Order is kept and duplicates, compared case-insensitively, are dropped.
func (p *Protocol) Scopes(names ...string) []string {
	out := make([]string, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		perms, ok := scopeHelpers[n]
		if !ok {
			perms = []string{n}
		}
		for _, s := range perms {
			s = p.prefixScope(s)
			if k := strings.ToLower(s); !seen[k] {
				seen[k] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// DefaultScope returns the app-only scope: the prefix followed by ".default", as
// the client-credentials flow requires.
func (p *Protocol) DefaultScope() string { return p.prefixScope(".default") }

func (p *Protocol) prefixScope(s string) string {
	if p == nil || p.ScopePrefix == "" || strings.Contains(s, "://") || isOIDCScope(s) {
		return s
	}
	prefix := p.ScopePrefix
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return prefix + strings.TrimPrefix(s, "/")
}
