package identity

import (
	"strings"
)

// Resources the sandbox issues tokens for, besides the APIs of registered apps.
const (
	graphResource      = "https://graph.microsoft.com"
	outlookResource    = "https://outlook.office.com"
	outlook365Resource = "https://outlook.office365.com"
	graphAppID         = "00000003-0000-0000-c000-000000000000"
	defaultScope       = ".default"
)

// scopeRequest is a parsed scope parameter: the OIDC scopes, and the
// permissions asked of one resource.
type scopeRequest struct {
	resource                        string   // "" when only OIDC scopes were asked for
	perms                           []string // bare permission names, or [".default"]
	asked                           []string // the resource scopes as they were written
	openid, profile, email, offline bool
}

// parseScopes parses a space-separated scope parameter. Permissions are
// normalised to their bare names: "https://graph.microsoft.com/Mail.Read",
// "00000003-0000-0000-c000-000000000000/Mail.Read" and "Mail.Read" are all
// Mail.Read on Graph. All permissions must belong to one resource.
func parseScopes(raw string) (scopeRequest, *oauthError) {
	var sr scopeRequest
	for _, s := range strings.Fields(raw) {
		if isOIDCScope(s) {
			switch strings.ToLower(s) {
			case "openid":
				sr.openid = true
			case "profile":
				sr.profile = true
			case "email":
				sr.email = true
			default:
				sr.offline = true
			}
			continue
		}
		resource, perm, err := splitScope(s)
		if err != nil {
			return scopeRequest{}, err
		}
		if sr.resource != "" && sr.resource != resource {
			return scopeRequest{}, badRequest("invalid_scope", 28000,
				"Provided value for the input parameter scope is not valid because it contains more than one resource. The scope %s is not valid. Request scopes of one resource per token.", raw)
		}
		sr.resource = resource
		if !containsFold(sr.perms, perm) {
			sr.perms = append(sr.perms, perm)
			sr.asked = append(sr.asked, s)
		}
	}
	if len(sr.perms) > 1 && containsFold(sr.perms, defaultScope) {
		return scopeRequest{}, badRequest("invalid_scope", 70011,
			"The provided value for the input parameter 'scope' is not valid. The scope '%s' is not valid. .default scope can't be combined with resource-specific scopes.", raw)
	}
	return sr, nil
}

// splitScope splits one resource scope into its resource and bare permission.
func splitScope(s string) (resource, perm string, oerr *oauthError) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		if strings.Contains(s, ":") {
			return "", "", badRequest("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope '%s' is not valid.", s)
		}
		resource, perm = graphResource, s
	} else {
		resource, perm = strings.TrimRight(s[:i], "/"), s[i+1:]
	}
	if !validPermission(perm) {
		return "", "", badRequest("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid. The scope '%s' is not valid.", s)
	}
	switch lower := strings.ToLower(resource); {
	case lower == graphResource, lower == graphAppID:
		return graphResource, perm, nil
	case lower == outlookResource, lower == outlook365Resource:
		return lower, perm, nil
	case strings.HasPrefix(lower, "api://") && len(lower) > len("api://") && !strings.ContainsAny(lower[len("api://"):], "/?#"):
		return lower, perm, nil
	default:
		return "", "", badRequest("invalid_resource", 500011,
			"The resource principal named %s was not found in the tenant. The sandbox serves https://graph.microsoft.com, https://outlook.office.com and the api:// URIs of registered apps.", resource)
	}
}

func validPermission(perm string) bool {
	if perm == "" || len(perm) > 200 {
		return false
	}
	for _, c := range perm {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// permissionsFor picks from an app's granted permissions those of resource,
// as bare names. Graph and Outlook permissions are written bare, others fully
// qualified. OIDC scopes listed among them are not resource permissions.
func permissionsFor(resource string, granted []string) []string {
	var out []string
	for _, g := range granted {
		if isOIDCScope(g) {
			continue
		}
		switch resource {
		case graphResource, outlookResource, outlook365Resource:
			if !strings.Contains(g, "/") {
				out = append(out, g)
			}
		default:
			if len(g) > len(resource)+1 && strings.EqualFold(g[:len(resource)+1], resource+"/") {
				out = append(out, g[len(resource)+1:])
			}
		}
	}
	return out
}

// grantDelegated returns the permissions the app gets for sr: all its granted
// ones for .default, else exactly those asked for, which it must have.
func grantDelegated(app App, sr scopeRequest) ([]string, *oauthError) {
	if sr.resource == "" {
		return nil, nil
	}
	have := permissionsFor(sr.resource, app.DelegatedScopes)
	if len(sr.perms) == 1 && strings.EqualFold(sr.perms[0], defaultScope) {
		return have, nil
	}
	var granted []string
	for _, p := range sr.perms {
		i := indexFold(have, p)
		if i < 0 {
			e := badRequest("invalid_grant", 65001,
				"The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource. (The app lacks the delegated permission %s/%s; add it to the app registration.)",
				app.ClientID, app.DisplayName, sr.resource, p)
			e.suberror = "consent_required"
			return nil, e
		}
		granted = append(granted, have[i])
	}
	return granted, nil
}

// grantedScopeString is the token response's scope: the scopes asked for,
// spelled as they were asked (MSAL refuses a response in which a requested
// scope is missing, comparing strings), then for .default every granted
// permission fully qualified, then the OIDC scopes asked for. Entra does not
// list offline_access.
func grantedScopeString(resource string, granted []string, sr scopeRequest) string {
	parts := append([]string(nil), sr.asked...)
	if len(sr.perms) == 1 && strings.EqualFold(sr.perms[0], defaultScope) {
		for _, g := range granted {
			parts = append(parts, resource+"/"+g)
		}
	}
	return strings.Join(append(parts, oidcScopes(sr)...), " ")
}

// oidcScopes lists the OIDC scopes of sr that belong in scp and scope.
func oidcScopes(sr scopeRequest) []string {
	var out []string
	if sr.openid {
		out = append(out, "openid")
	}
	if sr.profile {
		out = append(out, "profile")
	}
	if sr.email {
		out = append(out, "email")
	}
	return out
}

func isOIDCScope(s string) bool {
	switch strings.ToLower(s) {
	case "openid", "profile", "email", "offline_access":
		return true
	}
	return false
}

func indexFold(list []string, s string) int {
	for i, v := range list {
		if strings.EqualFold(v, s) {
			return i
		}
	}
	return -1
}

func containsFold(list []string, s string) bool { return indexFold(list, s) >= 0 }
