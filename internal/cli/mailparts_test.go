package cli

import (
	"strings"
	"testing"

	"github.com/o365go/o365/sandbox"
)

func TestMailRulesCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "mail", "rules")
	if !strings.Contains(r.stderr, "No inbox rules") {
		t.Fatalf("no rules yet: %q %q", r.stdout, r.stderr)
	}
	r = h.mustRun("--sandbox", "mail", "rules", "create", "Invoices", "--if", "subjectContains=invoice,bill",
		"--unless", "isAutomaticReply", "--do", "moveToFolder=Archive", "--do", "markAsRead")
	if !strings.Contains(r.stdout, "Created") || !strings.Contains(r.stdout, "Invoices") {
		t.Fatalf("create:\n%s", r.stdout)
	}
	h.mustRun("--sandbox", "mail", "rules", "create", "Boss", "--if", "fromAddresses=Bob Baker <"+sandbox.DemoBob+">",
		"--do", "markImportance=high", "--do", "stopProcessingRules", "--place", "1", "--disabled")

	r = h.mustRun("--sandbox", "mail", "rules", "list")
	rows := lines(r.stdout)
	if len(rows) != 3 || !strings.HasPrefix(rows[1], `1 Boss no fromAddresses "Bob Baker" <`+sandbox.DemoBob+"> markImportance high; stopProcessingRules") ||
		!strings.HasPrefix(rows[2], "2 Invoices yes subjectContains") || !strings.Contains(rows[2], "unless isAutomaticReply") ||
		!strings.Contains(rows[2], "markAsRead; moveToFolder Archive") {
		t.Fatalf("rules table:\n%s", r.stdout)
	}
	rules := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "rules"))
	if len(rules) != 2 || rules[0]["displayName"] != "Boss" || rules[0]["isEnabled"] != false || rules[1]["sequence"] != float64(2) {
		t.Fatalf("rules --json: %v", rules)
	}

	// Bob's invoice is filed and marked read by the rule.
	h.mustRun("--sandbox", "--resource", "user:"+sandbox.DemoBob, "mail", "send", "--to", sandbox.DemoUser, "--subject", "Invoice 7", "--body", "due")
	archived := jsonOut[[]listed](t, h.mustRun("--sandbox", "--json", "mail", "list", "--folder", "archive"))
	if len(archived) != 1 || archived[0].Subject != "Invoice 7" || !archived[0].IsRead {
		t.Fatalf("archive: %+v", archived)
	}

	h.mustRun("--sandbox", "mail", "rules", "enable", "Boss")
	h.mustRun("--sandbox", "mail", "rules", "disable", "2")
	h.mustRun("--sandbox", "mail", "rules", "reorder", "Invoices")
	r = h.mustRun("--sandbox", "mail", "rules", "show", "1")
	if got := strings.Join(lines(r.stdout), "\n"); !strings.Contains(got, "Rule: Invoices") || !strings.Contains(got, "Enabled: no") {
		t.Fatalf("show 1:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "mail", "rules", "show", "Boss")
	if got := strings.Join(lines(r.stdout), "\n"); !strings.Contains(got, "Place: 2") || !strings.Contains(got, "Enabled: yes") {
		t.Fatalf("show Boss:\n%s", r.stdout)
	}

	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"create", "X", "--if", "subjectContains=a"}, ExitUsage, "give at least one action"},
		{[]string{"create", "X", "--do", "moveToFolder"}, ExitUsage, "moveToFolder needs a value"},
		{[]string{"create", "X", "--do", "paint=red"}, ExitUsage, `"paint" is not one of the names`},
		{[]string{"create", "X", "--if", "importance=urgent", "--do", "markAsRead"}, ExitUsage, "importance is one of low, normal, high"},
		{[]string{"create", "X", "--do", "moveToFolder=Nowhere"}, ExitNotFound, "no folder named or with id"},
		{[]string{"enable", "Nope"}, ExitNotFound, `no inbox rule is number, named or has the id "Nope"`},
		{[]string{"reorder", "1", "Invoices"}, ExitUsage, "twice"},
	} {
		r := h.run(append([]string{"--sandbox", "mail", "rules"}, tc.args...)...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.err) {
			t.Errorf("rules %v: exit %d, stderr %q", tc.args, r.code, r.stderr)
		}
	}

	outs := jsonOut[[]map[string]string](t, h.mustRun("--sandbox", "--json", "mail", "rules", "delete", "Boss", "1"))
	if len(outs) != 2 || outs[0]["result"] != "deleted" || outs[1]["result"] != "deleted" {
		t.Fatalf("delete: %v", outs)
	}
	if r := h.mustRun("--sandbox", "mail", "rules"); !strings.Contains(r.stderr, "No inbox rules") {
		t.Fatalf("after delete: %q", r.stdout)
	}
}

func TestMailTipsAndTranslateCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The demo user may change only her own settings: she asks about herself.
	h.mustRun("--sandbox", "mail", "auto-reply", "on", "--message", "<p>Away &amp; offline</p>")
	r := h.mustRun("--sandbox", "mail", "tips", sandbox.DemoUser, "partner@fabrikam.com", sandbox.DemoShared)
	got := lines(r.stdout)
	if len(got) != 4 || got[1] != sandbox.DemoUser+" automatic reply on: Away & offline" ||
		got[2] != "partner@fabrikam.com outside your organisation" || !strings.HasPrefix(got[3], sandbox.DemoShared+" This is the team's shared mailbox") {
		t.Fatalf("tips table:\n%s", r.stdout)
	}
	if r := h.mustRun("--sandbox", "mail", "tips", sandbox.DemoBob, "--kind", "maxMessageSize"); !strings.Contains(r.stdout, "accepts messages up to 38 MB") {
		t.Fatalf("the size limit when asked for:\n%s", r.stdout)
	}
	tips := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "tips", sandbox.DemoBob, "--kind", "mailboxfullstatus"))
	if len(tips) != 1 || tips[0]["mailboxFull"] != false || tips[0]["automaticReplies"] != nil {
		t.Fatalf("tips --json: %v", tips)
	}
	if r := h.run("--sandbox", "mail", "tips", sandbox.DemoBob, "--kind", "mood"); r.code != ExitUsage || !strings.Contains(r.stderr, "not a kind of mail tip") {
		t.Fatalf("--kind mood: exit %d %q", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "mail", "tips", "not an address"); r.code != ExitUsage {
		t.Fatalf("a bad address: exit %d %q", r.code, r.stderr)
	}

	h.mustRun("--sandbox", "mail", "list", "--folder", "inbox")
	res := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "translate-ids", "1", "2"))
	if len(res) != 2 || res[0]["targetId"] == nil || res[0]["sourceId"] == res[0]["targetId"] {
		t.Fatalf("translate-ids: %v", res)
	}
	back := jsonOut[[]map[string]any](t, h.mustRun("--sandbox", "--json", "mail", "translate-ids", res[0]["targetId"].(string), "--from", "immutable", "--to", "rest"))
	if back[0]["targetId"] != res[0]["sourceId"] {
		t.Fatalf("back: %v", back)
	}
	if r := h.run("--sandbox", "mail", "translate-ids", "x", "--to", "weird"); r.code != ExitUsage || !strings.Contains(r.stderr, "use rest, immutable, ews") {
		t.Fatalf("--to weird: exit %d %q", r.code, r.stderr)
	}
	r = h.run("--sandbox", "mail", "translate-ids", "AAAA", "--from", "ews")
	if r.code != ExitError || !strings.Contains(r.stdout, "not translated") || !strings.Contains(r.stderr, "1 of 1 ids were not translated") {
		t.Fatalf("a bad id: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestCategoriesCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.mustRun("--sandbox", "categories")
	if got := lines(r.stdout); len(got) != 7 || !strings.HasPrefix(got[1], "Red category red ") {
		t.Fatalf("categories:\n%s", r.stdout)
	}
	r = h.mustRun("--sandbox", "categories", "create", "Apollo")
	// The first colour no category has: brown (preset2).
	if got := strings.Join(lines(r.stdout), "\n"); !strings.Contains(got, "Created: Apollo") || !strings.Contains(got, "Colour: brown") {
		t.Fatalf("create without a colour:\n%s", r.stdout)
	}
	c := jsonOut[map[string]any](t, h.mustRun("--sandbox", "--json", "categories", "create", "Urgent", "--color", "Dark Red"))
	if c["displayName"] != "Urgent" || c["color"] != "preset15" || c["id"] == "" {
		t.Fatalf("create --json: %v", c)
	}
	if r := h.run("--sandbox", "categories", "create", "urgent"); r.code != ExitUsage || !strings.Contains(r.stderr, `a category named "Urgent" exists`) {
		t.Fatalf("a taken name: exit %d %q", r.code, r.stderr)
	}
	if r := h.run("--sandbox", "categories", "create", "X", "--color", "pink"); r.code != ExitUsage || !strings.Contains(r.stderr, "not a category colour") {
		t.Fatalf("a bad colour: exit %d %q", r.code, r.stderr)
	}
	h.mustRun("--sandbox", "categories", "color", "urgent", "preset3")
	r = h.mustRun("--sandbox", "categories", "list")
	if !strings.Contains(strings.Join(lines(r.stdout), "\n"), "Urgent yellow") {
		t.Fatalf("after color:\n%s", r.stdout)
	}
	r = h.run("--sandbox", "categories", "delete", "Apollo", "Nope")
	if r.code != ExitNotFound || !strings.Contains(r.stderr, `no category is named or has the id "Nope"`) {
		t.Fatalf("delete with an unknown name: exit %d %q", r.code, r.stderr)
	}
	outs := jsonOut[[]map[string]string](t, h.mustRun("--sandbox", "--json", "categories", "delete", "Apollo", "urgent"))
	if len(outs) != 2 || outs[0]["name"] != "Apollo" || outs[1]["result"] != "deleted" {
		t.Fatalf("delete: %v", outs)
	}
	if r := h.run("--sandbox", "--resource", "group:"+sandbox.DemoEngineeringGroupID, "categories"); r.code != ExitUsage {
		t.Fatalf("a group's categories: exit %d", r.code)
	}
}
