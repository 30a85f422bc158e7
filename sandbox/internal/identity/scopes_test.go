package identity

import (
	"reflect"
	"testing"
)

func TestParseScopes(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    scopeRequest
		wantErr string
	}{
		{in: "Mail.Read", want: scopeRequest{resource: graphResource, perms: []string{"Mail.Read"}, asked: []string{"Mail.Read"}}},
		{in: "https://graph.microsoft.com/Mail.Read  User.Read", want: scopeRequest{resource: graphResource, perms: []string{"Mail.Read", "User.Read"}, asked: []string{"https://graph.microsoft.com/Mail.Read", "User.Read"}}},
		{in: "00000003-0000-0000-c000-000000000000/Mail.Read", want: scopeRequest{resource: graphResource, perms: []string{"Mail.Read"}, asked: []string{"00000003-0000-0000-c000-000000000000/Mail.Read"}}},
		{in: "https://graph.microsoft.com//.default", want: scopeRequest{resource: graphResource, perms: []string{".default"}, asked: []string{"https://graph.microsoft.com//.default"}}},
		{in: "https://outlook.office.com/Mail.Read openid", want: scopeRequest{resource: outlookResource, perms: []string{"Mail.Read"}, asked: []string{"https://outlook.office.com/Mail.Read"}, openid: true}},
		{in: "https://Outlook.Office365.com/Mail.Send", want: scopeRequest{resource: outlook365Resource, perms: []string{"Mail.Send"}, asked: []string{"https://Outlook.Office365.com/Mail.Send"}}},
		{in: "api://abc/access_as_user", want: scopeRequest{resource: "api://abc", perms: []string{"access_as_user"}, asked: []string{"api://abc/access_as_user"}}},
		{in: "OpenID Profile email offline_access", want: scopeRequest{openid: true, profile: true, email: true, offline: true}},
		{in: "Mail.Read mail.read", want: scopeRequest{resource: graphResource, perms: []string{"Mail.Read"}, asked: []string{"Mail.Read"}}},
		{in: "", want: scopeRequest{}},
		{in: "Mail.Read https://outlook.office.com/Mail.Read", wantErr: "invalid_scope"},
		{in: ".default Mail.Read", wantErr: "invalid_scope"},
		{in: "https://graph.microsoft.com/", wantErr: "invalid_scope"},
		{in: "urn:x", wantErr: "invalid_scope"},
		{in: "Mail.Read;drop", wantErr: "invalid_scope"},
		{in: "https://vault.azure.net/.default", wantErr: "invalid_resource"},
		{in: "api:///x", wantErr: "invalid_resource"},
		{in: "api://a/b/c", wantErr: "invalid_resource"},
	} {
		got, err := parseScopes(tc.in)
		switch {
		case tc.wantErr != "" && (err == nil || err.code != tc.wantErr):
			t.Errorf("parseScopes(%q) error = %v, want %s", tc.in, err, tc.wantErr)
		case tc.wantErr == "" && err != nil:
			t.Errorf("parseScopes(%q) error = %v", tc.in, err)
		case tc.wantErr == "" && !reflect.DeepEqual(got, tc.want):
			t.Errorf("parseScopes(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestGrantDelegated(t *testing.T) {
	app := App{ClientID: "c", DelegatedScopes: []string{"openid", "Mail.Read", "offline_access", "User.Read", "api://x/access_as_user", "api://y/other"}}
	for _, tc := range []struct {
		scope   string
		want    []string
		wantErr bool
	}{
		{"mail.read", []string{"Mail.Read"}, false},
		{".default", []string{"Mail.Read", "User.Read"}, false},
		{"https://outlook.office.com/.default", []string{"Mail.Read", "User.Read"}, false},
		{"api://x/.default", []string{"access_as_user"}, false},
		{"api://x/access_as_user", []string{"access_as_user"}, false},
		{"openid", nil, false},
		{"Mail.Send", nil, true},
		{"api://x/other", nil, true},
	} {
		sr, oerr := parseScopes(tc.scope)
		if oerr != nil {
			t.Fatal(oerr)
		}
		got, oerr := grantDelegated(app, sr)
		if (oerr != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("grantDelegated(%q) = %v, %v; want %v (error %v)", tc.scope, got, oerr, tc.want, tc.wantErr)
		}
	}
}
