package sandbox

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/o365go/o365/internal/csdl"
	"github.com/o365go/o365/sandbox/internal/demo"
	"github.com/o365go/o365/sandbox/internal/sandboxtest"
	"github.com/o365go/o365/sandbox/internal/schema"
)

// The sandbox's answers checked against Graph's v1.0 schema (internal/csdl,
// the authority): every served type, in both dialects.
//
// Without $select an entity carries exactly the schema's structural
// properties minus the ones Graph leaves out by default; those exceptions
// are listed, each with Graph's documented reason, in
// internal/gen/schemagen/defaults.go (the table the sandbox shapes with is
// generated from it) and quoted here when a check fails. With $select of
// every structural property, every one of them answers. Values have the
// schema's JSON kinds, nested objects included.

// sandboxExceptions are the properties where the sandbox knowingly differs
// from Graph's default answers, with the reason. Keep it empty if you can.
var sandboxExceptions = map[string]string{}

// servedCase is one answer to check: a GET and the Graph type of its
// entity (or of each item of its value).
type servedCase struct {
	path   string
	typ    string
	header []string
}

func TestAnswersHaveGraphsShapes(t *testing.T) {
	ts := newTestServer(t, Options{})
	alice := ts.AliceToken(t)
	rc := sandboxtest.NewReceiver(t, true)
	ts.Do(t, alice, "POST", "/v1.0/subscriptions", map[string]any{
		"changeType": "created", "notificationUrl": rc.URL, "resource": "me/mailFolders('inbox')/messages",
		"expirationDateTime": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
	}).WantStatus(t, 201)
	msgs := sandboxtest.Values(t, ts.Do(t, alice, "GET", "/v1.0/me/messages?$filter=hasAttachments eq true", nil).WantStatus(t, 200))
	if len(msgs) == 0 {
		t.Fatal("no seeded message with attachments")
	}
	msg := msgs[0]["id"].(string)
	draft := ts.Do(t, alice, "POST", "/v1.0/me/messages", map[string]any{"subject": "shape"}).WantStatus(t, 201).JSON["id"].(string)
	ts.Do(t, alice, "POST", "/v1.0/me/mailFolders/inbox/messageRules", map[string]any{"displayName": "shape", "sequence": 1,
		"actions": map[string]any{"markAsRead": true}}).WantStatus(t, 201)
	ts.Do(t, alice, "POST", "/v1.0/me/inferenceClassification/overrides", map[string]any{"classifyAs": "other",
		"senderEmailAddress": map[string]any{"address": demo.Bob}}).WantStatus(t, 201)
	cases := []servedCase{
		{path: "/v1.0/me", typ: "user"},
		{path: "/v1.0/users", typ: "user"},
		{path: "/v1.0/users/" + demo.Bob + "/manager", typ: "directoryObject"},
		{path: "/v1.0/groups", typ: "group"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID, typ: "group"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID + "/members", typ: "directoryObject"},
		{path: "/v1.0/me/memberOf", typ: "directoryObject"},
		{path: "/v1.0/users/delta", typ: "user"},
		{path: "/v1.0/organization", typ: "organization"},
		{path: "/v1.0/me/messages", typ: "message"},
		{path: "/v1.0/me/messages/" + msg, typ: "message"},
		{path: "/v1.0/me/messages/" + draft, typ: "message"},
		{path: "/v1.0/me/mailFolders/inbox/messages/delta", typ: "message"},
		{path: "/v1.0/me/messages/" + msg + "/attachments", typ: "attachment"},
		{path: "/v1.0/me/mailFolders", typ: "mailFolder"},
		{path: "/v1.0/me/mailFolders/inbox", typ: "mailFolder"},
		{path: "/v1.0/me/mailFolders/delta", typ: "mailFolder"},
		{path: "/v1.0/me/mailboxSettings", typ: "mailboxSettings"},
		{path: "/v1.0/subscriptions", typ: "subscription"},
		{path: "/v1.0/me/mailFolders/inbox/messageRules", typ: "messageRule"},
		{path: "/v1.0/me/outlook/masterCategories", typ: "outlookCategory"},
		{path: "/v1.0/me/inferenceClassification/overrides", typ: "inferenceClassificationOverride"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID + "/transitiveMembers", typ: "directoryObject"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID + "/members/microsoft.graph.user", typ: "user"},
		{path: "/v1.0/me/transitiveMemberOf", typ: "directoryObject"},
		{path: "/api/v2.0/me/messages", typ: "message"},
		{path: "/api/v2.0/me/mailFolders", typ: "mailFolder"},
		{path: "/v1.0/me/messages", typ: "message", header: []string{"Prefer", `IdType="ImmutableId"`}},
		{path: "/v1.0/me/contacts", typ: "contact"},
		{path: "/v1.0/me/contacts/delta", typ: "contact"},
		{path: "/v1.0/me/contactFolders", typ: "contactFolder"},
		{path: "/v1.0/me/contactFolders/delta", typ: "contactFolder"},
		{path: "/api/v2.0/me/contacts", typ: "contact"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID + "/conversations", typ: "conversation"},
		{path: "/v1.0/groups/" + demo.EngineeringGroupID + "/threads", typ: "conversationThread"},
		{path: "/v1.0/me/events", typ: "event"},
		{path: "/v1.0/me/calendarView?startDateTime=2026-01-05T00:00:00Z&endDateTime=2026-01-12T00:00:00Z", typ: "event"},
		{path: "/v1.0/me/calendarView/delta?startDateTime=2026-01-05T00:00:00Z&endDateTime=2026-01-12T00:00:00Z", typ: "event"},
		{path: "/v1.0/me/calendars", typ: "calendar"},
		{path: "/v1.0/me/calendar", typ: "calendar"},
		{path: "/v1.0/me/calendarGroups", typ: "calendarGroup"},
		{path: "/v1.0/me/calendar/calendarPermissions", typ: "calendarPermission"},
		{path: "/api/v2.0/me/events", typ: "event"},
		{path: "/v1.0/sites/root", typ: "site"},
		{path: "/v1.0/sites?search=team", typ: "site"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/lists", typ: "list"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/lists/Inventory", typ: "list"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/lists/Inventory/columns", typ: "columnDefinition"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/contentTypes", typ: "contentType"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/lists/Inventory/items", typ: "listItem"},
		{path: "/v1.0/sites/contoso.sharepoint.com:/sites/team:/lists/Inventory/items/1", typ: "listItem"},
		{path: "/v1.0/me/followedSites", typ: "site"},
		{path: "/v1.0/me/drive", typ: "drive"},
		{path: "/v1.0/me/drives", typ: "drive"},
		{path: "/v1.0/me/drive/root", typ: "driveItem"},
		{path: "/v1.0/me/drive/root/children", typ: "driveItem"},
		{path: "/v1.0/me/drive/root:/Documents/Budget.csv:", typ: "driveItem"},
		{path: "/v1.0/me/drive/root/delta", typ: "driveItem"},
		{path: "/v1.0/me/drive/root/search(q='e')", typ: "driveItem"},
		{path: "/v1.0/me/drive/root:/Documents/Budget.csv:/versions", typ: "driveItemVersion"},
		{path: "/v1.0/me/drive/root:/Documents/Budget.csv:/permissions", typ: "permission"},
		{path: "/v1.0/me/drive/root:/Pictures/Logo.png:/thumbnails", typ: "thumbnailSet"},
	}
	s := csdl.MustLoad()
	for _, tc := range cases {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			tok := alice
			if strings.HasPrefix(tc.path, "/api/") {
				tok = ts.AliceOutlookToken(t) // Outlook REST takes Outlook tokens only
			}
			docs := served(t, ts, tok, tc.path, tc.header...)
			for _, doc := range docs {
				typ := docType(s, tc.typ, doc)
				checkDefaultSet(t, s, typ, doc)
				checkValues(t, s, typ, doc, typ)
			}
			// Every structural property answers $select (a sparse type's
			// only when set: OneDrive leaves unset facets out).
			if tc.typ == "mailboxSettings" || strings.Contains(tc.path, "/delta") || schema.Lookup(tc.typ).Sparse {
				return
			}
			typ := tc.typ
			if len(docs) > 0 {
				typ = docType(s, tc.typ, docs[0])
			}
			var all []string
			for _, p := range s.Structural(typ) {
				all = append(all, p.Name)
			}
			sep := "?"
			if strings.Contains(tc.path, "?") {
				sep = "&"
			}
			for _, doc := range served(t, ts, tok, tc.path+sep+"$select="+url.QueryEscape(strings.Join(all, ",")), tc.header...) {
				if docType(s, tc.typ, doc) != typ {
					continue
				}
				for _, name := range all {
					if _, ok := lookupKey(doc, name); !ok {
						t.Errorf("%s: $select=%s does not answer it", typ, name)
					}
				}
				checkValues(t, s, typ, doc, typ)
			}
		})
	}
}

// served GETs path and returns its entity, or the items of its value.
func served(t *testing.T, ts *testServer, tok, path string, header ...string) []map[string]any {
	t.Helper()
	r := ts.Do(t, tok, "GET", path, nil, header...).WantStatus(t, 200)
	if _, ok := r.JSON["value"]; ok {
		docs := sandboxtest.Values(t, r)
		if len(docs) == 0 {
			t.Fatalf("%s lists nothing to check", path)
		}
		return docs
	}
	return []map[string]any{r.JSON}
}

// docType is the type a document is checked as: its @odata.type when that
// derives from the served type.
func docType(s *csdl.Schema, served string, doc map[string]any) string {
	if ot, ok := lookupKey(doc, "@odata.type"); ok {
		name := strings.TrimPrefix(fmt.Sprint(ot), "#")
		name = strings.TrimPrefix(strings.TrimPrefix(name, "microsoft.graph."), "Microsoft.OutlookServices.")
		name = strings.ToLower(name[:1]) + name[1:]
		if t := s.Type(name); t != nil && slices.Contains(append(s.Derived(served), "microsoft.graph."+served), t.Name) {
			return strings.TrimPrefix(t.Name, "microsoft.graph.")
		}
	}
	return served
}

// lookupKey finds a member whatever the dialect's case.
func lookupKey(doc map[string]any, name string) (any, bool) {
	if v, ok := doc[name]; ok {
		return v, true
	}
	for k, v := range doc {
		if strings.EqualFold(k, name) || graphName(k) == name {
			return v, true
		}
	}
	return nil, false
}

// outlookRenamed are the properties Outlook REST names otherwise than by
// case (a contact's mobilePhone is MobilePhone1 there).
var outlookRenamed = map[string]string{"MobilePhone1": "mobilePhone"}

// graphName is the schema's name of a key in either dialect.
func graphName(k string) string {
	if g, ok := outlookRenamed[k]; ok {
		return g
	}
	return lowerFirst(k)
}

// checkDefaultSet checks that doc carries exactly typ's default set.
func checkDefaultSet(t *testing.T, s *csdl.Schema, typ string, doc map[string]any) {
	t.Helper()
	st := schema.Lookup(typ)
	if st == nil {
		t.Fatalf("the sandbox's table has no type %s", typ)
	}
	var missing, extra []string
	for _, p := range s.Structural(typ) {
		_, has := lookupKey(doc, p.Name)
		sp, _ := st.Property(p.Name)
		want := sp != nil && sp.Default()
		if why, ok := sandboxExceptions[typ+"."+p.Name]; ok {
			t.Logf("%s.%s: sandbox exception: %s", typ, p.Name, why)
			continue
		}
		switch {
		case want && !has && !st.Sparse: // a sparse type leaves unset properties out
			missing = append(missing, p.Name)
		case !want && has:
			extra = append(extra, fmt.Sprintf("%s (Graph leaves it out: %s)", p.Name, sp.NotDefault))
		}
	}
	for k := range doc {
		if strings.HasPrefix(k, "@") {
			continue
		}
		if _, ok := s.Property(typ, graphName(k)); !ok {
			extra = append(extra, k+" (not in the schema)")
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("%s %v: missing %v; unexpected %v", typ, doc["id"], missing, extra)
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// checkValues checks the JSON kinds of doc's properties against typ,
// nested complex values included; path names the value in failures.
func checkValues(t *testing.T, s *csdl.Schema, typ string, doc map[string]any, path string) {
	t.Helper()
	for k, v := range doc {
		if strings.HasPrefix(k, "@") {
			continue
		}
		p, ok := s.Property(typ, graphName(k))
		for _, d := range s.Derived(typ) { // a derived type's, as SharePoint's identities (email)
			if !ok {
				p, ok = s.Property(strings.TrimPrefix(d, "microsoft.graph."), graphName(k))
			}
		}
		if !ok {
			t.Errorf("%s.%s is not a property of %s", path, k, typ)
			continue
		}
		if p.IsCollection() {
			list, ok := v.([]any)
			if !ok {
				t.Errorf("%s.%s = %#v, want an array (%s)", path, k, v, p.Type)
				continue
			}
			for i, item := range list {
				checkValue(t, s, p.ElemType(), item, fmt.Sprintf("%s.%s[%d]", path, k, i))
			}
			continue
		}
		checkValue(t, s, p.Type, v, path+"."+k)
	}
}

func checkValue(t *testing.T, s *csdl.Schema, typ string, v any, path string) {
	t.Helper()
	if v == nil {
		return
	}
	bad := func() { t.Errorf("%s = %#v, not a %s", path, v, typ) }
	switch typ {
	case "Edm.String", "Edm.Guid", "Edm.Binary", "Edm.Date", "Edm.TimeOfDay", "Edm.Duration":
		if _, ok := v.(string); !ok {
			bad()
		}
	case "Edm.DateTimeOffset":
		str, ok := v.(string)
		if _, err := time.Parse(time.RFC3339, str); !ok || err != nil {
			bad()
		}
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			bad()
		}
	case "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Single", "Edm.Decimal", "Edm.Byte":
		if _, ok := v.(float64); !ok {
			bad()
		}
	default:
		st := s.Type(typ)
		switch {
		case st == nil:
		case st.Kind == csdl.Enum:
			str, ok := v.(string)
			if !ok {
				bad()
				return
			}
			for _, m := range strings.Split(str, ",") {
				if !slices.ContainsFunc(st.Members, func(x string) bool { return strings.EqualFold(x, strings.TrimSpace(m)) }) {
					t.Errorf("%s = %q, not a member of %s %v", path, str, typ, st.Members)
				}
			}
		default:
			m, ok := v.(map[string]any)
			if !ok {
				bad()
				return
			}
			checkValues(t, s, docType(s, strings.TrimPrefix(typ, "microsoft.graph."), m), m, path)
		}
	}
}
