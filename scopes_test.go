package o365

import (
	"slices"
	"testing"
)

func TestScopes(t *testing.T) {
	const g = "https://graph.microsoft.com/"
	graph := Graph()
	tests := []struct {
		name string
		p    *Protocol
		in   []string
		want []string
	}{
		{"helpers in order", graph, []string{"message_all", "basic"}, []string{g + "Mail.ReadWrite", g + "Mail.Send", g + "User.Read"}},
		{"raw passes through", graph, []string{"Team.ReadBasic.All"}, []string{g + "Team.ReadBasic.All"}},
		{"unknown helper is raw", graph, []string{"sharepoint_dl"}, []string{g + "sharepoint_dl"}},
		{"duplicates dropped case-insensitively", graph, []string{"mailbox_settings", "settings_all", "MAILBOXSETTINGS.READWRITE", g + "mailboxsettings.readwrite"},
			[]string{g + "MailboxSettings.ReadWrite"}},
		{"helper and its expansion", graph, []string{"message_send", "message_all"}, []string{g + "Mail.Send", g + "Mail.ReadWrite"}},
		{"qualified kept", graph, []string{"https://outlook.office.com/Mail.Read", "api://my-app/access"}, []string{"https://outlook.office.com/Mail.Read", "api://my-app/access"}},
		{"OIDC bare", graph, []string{"openid", "Profile", "offline_access", "email", "basic"}, []string{"openid", "Profile", "offline_access", "email", g + "User.Read"}},
		{"blank skipped", graph, []string{" ", "", " presence "}, []string{g + "Presence.Read"}},
		{"office365 prefix", Office365(), []string{"mailbox"}, []string{"https://outlook.office.com/Mail.Read"}},
		{"prefix without slash", &Protocol{ScopePrefix: "https://api.example.com"}, []string{"tasks"}, []string{"https://api.example.com/Tasks.Read"}},
		{"no prefix", &Protocol{}, []string{"tasks_all"}, []string{"Tasks.ReadWrite"}},
		{"nil protocol", nil, []string{"users"}, []string{"User.ReadBasic.All"}},
		{"none", graph, nil, []string{}},
	}
	for _, tt := range tests {
		if got := tt.p.Scopes(tt.in...); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Scopes(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestDefaultScope(t *testing.T) {
	for _, tt := range []struct {
		p    *Protocol
		want string
	}{
		{Graph(), "https://graph.microsoft.com/.default"},
		{GraphChina(), "https://microsoftgraph.chinacloudapi.cn/.default"},
		{Office365(), "https://outlook.office.com/.default"},
	} {
		if got := tt.p.DefaultScope(); got != tt.want {
			t.Errorf("DefaultScope = %q, want %q", got, tt.want)
		}
	}
}

func TestScopeHelpers(t *testing.T) {
	h := ScopeHelpers()
	if len(h) != 25 {
		t.Errorf("%d helpers, want python-o365's 25", len(h))
	}
	h["basic"][0] = "Changed"
	delete(h, "mailbox")
	if got := Graph().Scopes("basic", "mailbox"); !slices.Equal(got, []string{"https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/Mail.Read"}) {
		t.Errorf("ScopeHelpers returned shared state: %q", got)
	}
}
