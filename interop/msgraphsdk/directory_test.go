package msgraphsdk

import (
	"context"
	"strings"
	"testing"

	abstractions "github.com/microsoft/kiota-abstractions-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/o365go/o365/sandbox"
)

func eventual() *abstractions.RequestHeaders {
	h := abstractions.NewRequestHeaders()
	h.Add("ConsistencyLevel", "eventual")
	return h
}

// TestDirectory is what an SDK program does with users and groups, in
// both modes: advanced queries with ConsistencyLevel and $count, paging,
// members, memberOf with a type cast, checkMemberGroups, manager and delta.
func TestDirectory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, c := range []struct {
		mode   string
		client *msgraphsdk.GraphServiceClient
	}{{"delegated", e.alice}, {"app-only", e.app}} {
		t.Run(c.mode, func(t *testing.T) {
			// Advanced query: $count, $search, $orderby, ConsistencyLevel.
			count := true
			search := `"displayName:a"`
			res, err := c.client.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				Headers: eventual(),
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
					Count: &count, Search: &search, Orderby: []string{"displayName"}, Select: []string{"displayName", "mail", "userPrincipalName"}}})
			must(t, "users with $search and $count", err)
			if res.GetOdataCount() == nil || int(*res.GetOdataCount()) != len(res.GetValue()) || len(res.GetValue()) == 0 {
				t.Fatalf("$search: %d users, @odata.count %v", len(res.GetValue()), res.GetOdataCount())
			}
			var last string
			for _, u := range res.GetValue() {
				name := deref(u.GetDisplayName())
				if !strings.Contains(strings.ToLower(name), "a") || strings.ToLower(name) < strings.ToLower(last) {
					t.Fatalf("$search/$orderby gave %q after %q", name, last)
				}
				last = name
			}
			// Without ConsistencyLevel, $count is refused as Graph refuses it.
			_, err = c.client.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Count: &count, Search: &search}})
			wantODataError(t, "$search without ConsistencyLevel", err, 400, "Request_UnsupportedQuery")

			// The count segment.
			n, err := c.client.Users().Count().Get(ctx, &users.CountRequestBuilderGetRequestConfiguration{Headers: eventual()})
			must(t, "users/$count", err)

			// Paging through every user, two at a time.
			top := int32(2)
			page, err := c.client.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Top: &top, Select: []string{"id", "displayName"}}})
			must(t, "users page", err)
			it, err := msgraphcore.NewPageIterator[models.Userable](page, c.client.GetAdapter(), models.CreateUserCollectionResponseFromDiscriminatorValue)
			must(t, "user iterator", err)
			seen := 0
			must(t, "iterate users", it.Iterate(ctx, func(models.Userable) bool { seen++; return true }))
			if int32(seen) != deref(n) {
				t.Fatalf("paged through %d users, $count says %d", seen, deref(n))
			}

			// $filter on mail, and a get by UPN.
			filter := "mail eq '" + sandbox.DemoBob + "'"
			bobs, err := c.client.Users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Filter: &filter}})
			must(t, "filter by mail", err)
			if len(bobs.GetValue()) != 1 || deref(bobs.GetValue()[0].GetId()) != sandbox.DemoBobID {
				t.Fatalf("filter by mail: %d users", len(bobs.GetValue()))
			}
			bob, err := c.client.Users().ByUserId(sandbox.DemoBob).Get(ctx, &users.UserItemRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.UserItemRequestBuilderGetQueryParameters{Select: []string{"displayName", "jobTitle", "proxyAddresses"}}})
			must(t, "get Bob", err)
			if deref(bob.GetId()) != sandbox.DemoBobID || bob.GetProxyAddresses() == nil {
				t.Fatalf("Bob: id %q proxyAddresses %v", deref(bob.GetId()), bob.GetProxyAddresses())
			}

			// Manager and direct reports: Carol reports to Bob, Bob to Alice.
			mgr, err := c.client.Users().ByUserId(sandbox.DemoCarol).Manager().Get(ctx, nil)
			must(t, "Carol's manager", err)
			if deref(mgr.GetId()) != sandbox.DemoBobID {
				t.Fatalf("Carol's manager is %q", deref(mgr.GetId()))
			}
			if _, ok := mgr.(models.Userable); !ok {
				t.Fatalf("manager decoded as %T: @odata.type missing?", mgr)
			}
			reports, err := c.client.Users().ByUserId(sandbox.DemoBob).DirectReports().Get(ctx, nil)
			must(t, "Bob's reports", err)
			if len(reports.GetValue()) != 2 {
				t.Fatalf("Bob has %d reports", len(reports.GetValue()))
			}

			// Group members, with the type cast, and memberOf.
			members, err := c.client.Groups().ByGroupId(sandbox.DemoEngineeringGroupID).Members().Get(ctx, nil)
			must(t, "group members", err)
			if len(members.GetValue()) != 4 { // Alice (the owner), Bob, Carol and Dan
				t.Fatalf("engineering has %d members", len(members.GetValue()))
			}
			for _, m := range members.GetValue() {
				if _, ok := m.(models.Userable); !ok {
					t.Fatalf("member decoded as %T", m)
				}
			}
			asUsers, err := c.client.Groups().ByGroupId(sandbox.DemoEngineeringGroupID).Members().GraphUser().Get(ctx,
				&groups.ItemMembersGraphUserRequestBuilderGetRequestConfiguration{
					Headers:         eventual(),
					QueryParameters: &groups.ItemMembersGraphUserRequestBuilderGetQueryParameters{Count: &count, Select: []string{"displayName"}}})
			must(t, "members/microsoft.graph.user", err)
			if len(asUsers.GetValue()) != 4 || deref(asUsers.GetOdataCount()) != 4 {
				t.Fatalf("members as users: %d, count %v", len(asUsers.GetValue()), asUsers.GetOdataCount())
			}
			memberOf, err := c.client.Users().ByUserId(sandbox.DemoCarol).MemberOf().GraphGroup().Get(ctx, nil)
			must(t, "Carol's memberOf/microsoft.graph.group", err)
			ids := map[string]bool{}
			for _, g := range memberOf.GetValue() {
				ids[deref(g.GetId())] = true
			}
			if !ids[sandbox.DemoEngineeringGroupID] || !ids[sandbox.DemoAllStaffGroupID] {
				t.Fatalf("Carol's groups: %v", ids)
			}
			check := users.NewItemCheckMemberGroupsPostRequestBody()
			check.SetGroupIds([]string{sandbox.DemoEngineeringGroupID, "00000000-0000-0000-0000-000000000001"})
			checked, err := c.client.Users().ByUserId(sandbox.DemoCarol).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, check, nil)
			must(t, "checkMemberGroups", err)
			if got := checked.GetValue(); len(got) != 1 || got[0] != sandbox.DemoEngineeringGroupID {
				t.Fatalf("checkMemberGroups: %v", got)
			}

			// Delta over users: a first round to the deltaLink, then a change.
			d1, err := c.client.Users().Delta().GetAsDeltaGetResponse(ctx, &users.DeltaRequestBuilderGetRequestConfiguration{
				QueryParameters: &users.DeltaRequestBuilderGetQueryParameters{Select: []string{"displayName", "jobTitle"}}})
			must(t, "users delta", err)
			dit, err := msgraphcore.NewPageIterator[models.Userable](d1, c.client.GetAdapter(), users.CreateDeltaGetResponseFromDiscriminatorValue)
			must(t, "users delta iterator", err)
			first := 0
			must(t, "users delta iterate", dit.Iterate(ctx, func(models.Userable) bool { first++; return true }))
			link := dit.GetOdataDeltaLink()
			if link == nil || first != seen {
				t.Fatalf("users delta: %d users (of %d), deltaLink %v", first, seen, link)
			}
			upd := models.NewUser()
			upd.SetJobTitle(ptr("Principal engineer " + c.mode))
			// Changing a user needs User.ReadWrite.All: the daemon has it.
			_, err = e.app.Users().ByUserId(sandbox.DemoDan).Patch(ctx, upd, nil)
			must(t, "patch Dan", err)
			d2, err := c.client.Users().Delta().WithUrl(*link).GetAsDeltaGetResponse(ctx, nil)
			must(t, "users delta 2", err)
			dit, err = msgraphcore.NewPageIterator[models.Userable](d2, c.client.GetAdapter(), users.CreateDeltaGetResponseFromDiscriminatorValue)
			must(t, "users delta iterator 2", err)
			var changed []string
			must(t, "users delta iterate 2", dit.Iterate(ctx, func(u models.Userable) bool {
				changed = append(changed, deref(u.GetId())+"="+deref(u.GetJobTitle()))
				return true
			}))
			if len(changed) != 1 || changed[0] != sandbox.DemoDanID+"=Principal engineer "+c.mode {
				t.Fatalf("users delta round 2: %v", changed)
			}

			// Groups delta with members.
			gd, err := c.client.Groups().Delta().GetAsDeltaGetResponse(ctx, &groups.DeltaRequestBuilderGetRequestConfiguration{
				QueryParameters: &groups.DeltaRequestBuilderGetQueryParameters{Select: []string{"displayName", "members"}}})
			must(t, "groups delta", err)
			git, err := msgraphcore.NewPageIterator[models.Groupable](gd, c.client.GetAdapter(), groups.CreateDeltaGetResponseFromDiscriminatorValue)
			must(t, "groups delta iterator", err)
			gs := 0
			must(t, "groups delta iterate", git.Iterate(ctx, func(models.Groupable) bool { gs++; return true }))
			if gs < 2 || git.GetOdataDeltaLink() == nil {
				t.Fatalf("groups delta: %d groups, deltaLink %v", gs, git.GetOdataDeltaLink())
			}
		})
	}
}

// TestDirectoryWrites is what an admin daemon does: create, change and
// delete a user, set a manager, change a group and its members by $ref,
// and read a photo.
func TestDirectoryWrites(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := models.NewUser()
	u.SetAccountEnabled(ptr(true))
	u.SetDisplayName(ptr("Erin Evans"))
	u.SetMailNickname(ptr("erin"))
	u.SetUserPrincipalName(ptr("erin@" + sandbox.DemoTenantDomain))
	pw := models.NewPasswordProfile()
	pw.SetPassword(ptr("Sandbox-Passw0rd!"))
	pw.SetForceChangePasswordNextSignIn(ptr(false))
	u.SetPasswordProfile(pw)
	erin, err := e.app.Users().Post(ctx, u, nil)
	must(t, "create user", err)
	id := deref(erin.GetId())
	if id == "" || deref(erin.GetUserPrincipalName()) != "erin@"+sandbox.DemoTenantDomain {
		t.Fatalf("created user: %q %q", id, deref(erin.GetUserPrincipalName()))
	}
	upd := models.NewUser()
	upd.SetJobTitle(ptr("Designer"))
	upd.SetDepartment(ptr("Product"))
	_, err = e.app.Users().ByUserId(id).Patch(ctx, upd, nil)
	must(t, "patch user", err)

	// Manager by $ref.
	ref := models.NewReferenceUpdate()
	ref.SetOdataId(ptr(e.srv.GraphURL() + "users/" + sandbox.DemoBobID))
	must(t, "set manager", e.app.Users().ByUserId(id).Manager().Ref().Put(ctx, ref, nil))
	mgr, err := e.app.Users().ByUserId(id).Manager().Get(ctx, nil)
	must(t, "get manager", err)
	if deref(mgr.GetId()) != sandbox.DemoBobID {
		t.Fatalf("manager %q", deref(mgr.GetId()))
	}
	must(t, "remove manager", e.app.Users().ByUserId(id).Manager().Ref().Delete(ctx, nil))
	_, err = e.app.Users().ByUserId(id).Manager().Get(ctx, nil)
	wantODataError(t, "manager after removal", err, 404, "Request_ResourceNotFound")

	// A group: PATCH, members by $ref, both forms of removal.
	g := e.app.Groups().ByGroupId(sandbox.DemoAllStaffGroupID)
	gp := models.NewGroup()
	gp.SetDescription(ptr("Everyone, Erin too"))
	_, err = g.Patch(ctx, gp, nil)
	must(t, "patch group", err)
	add := models.NewReferenceCreate()
	add.SetOdataId(ptr(e.srv.GraphURL() + "directoryObjects/" + id))
	must(t, "add member", g.Members().Ref().Post(ctx, add, nil))
	// GET members/$ref: Graph answers OData's collection of entity
	// references, {"value":[{"@odata.id": ...}]}, while the SDK's
	// Members().Ref().Get() decodes a collection of strings (its OpenAPI
	// says StringCollectionResponse) and fails on Graph's answer as on the
	// sandbox's. A program reads the links with the builder's request and
	// a directoryObject collection, where @odata.id lands in the
	// additional data.
	_, err = g.Members().Ref().Get(ctx, nil)
	if err == nil || !strings.Contains(err.Error(), "not compatible with type string") {
		t.Fatalf("the SDK's members/$ref Get decoded Graph's references (fixed upstream? then use it here): %v", err)
	}
	info, err := g.Members().Ref().ToGetRequestInformation(ctx, nil)
	must(t, "members/$ref request", err)
	res, err := e.app.GetAdapter().Send(ctx, info, models.CreateDirectoryObjectCollectionResponseFromDiscriminatorValue, nil)
	must(t, "members/$ref", err)
	found := false
	for _, r := range res.(models.DirectoryObjectCollectionResponseable).GetValue() {
		ref, _ := r.GetAdditionalData()["@odata.id"].(*string)
		found = found || strings.HasSuffix(deref(ref), "/directoryObjects/"+id)
	}
	if !found {
		t.Fatalf("members/$ref lacks Erin")
	}
	must(t, "remove member", g.Members().ByDirectoryObjectId(id).Ref().Delete(ctx, nil))
	must(t, "add member again", g.Members().Ref().Post(ctx, add, nil))
	must(t, "remove member by @id", g.Members().Ref().Delete(ctx, &groups.ItemMembersRefRequestBuilderDeleteRequestConfiguration{
		QueryParameters: &groups.ItemMembersRefRequestBuilderDeleteQueryParameters{Id: ptr(e.srv.GraphURL() + "directoryObjects/" + id)}}))
	check := users.NewItemCheckMemberGroupsPostRequestBody()
	check.SetGroupIds([]string{sandbox.DemoAllStaffGroupID})
	in, err := e.app.Users().ByUserId(id).CheckMemberGroups().PostAsCheckMemberGroupsPostResponse(ctx, check, nil)
	must(t, "checkMemberGroups", err)
	if len(in.GetValue()) != 0 {
		t.Fatalf("Erin is still a member: %v", in.GetValue())
	}

	// Photos: Alice's own, as bytes.
	photo, err := e.alice.Me().Photo().Content().Get(ctx, nil)
	if err == nil && len(photo) == 0 {
		t.Fatalf("empty photo")
	}
	if err != nil {
		wantODataError(t, "photo", err, 404, "ImageNotFound")
	}

	must(t, "delete user", e.app.Users().ByUserId(id).Delete(ctx, nil))
	_, err = e.app.Users().ByUserId(id).Get(ctx, nil)
	wantODataError(t, "deleted user", err, 404, "Request_ResourceNotFound")
}
