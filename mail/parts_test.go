package mail_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
	"github.com/o365go/o365/outlook"
	"github.com/o365go/o365/sandbox"
)

// deliver sends a text message from one mailbox to an address.
func deliver(t *testing.T, from *mail.Mailbox, to, subject string) {
	t.Helper()
	msg := from.NewMessage()
	msg.Subject = subject
	msg.SetText("about " + subject)
	must(t, msg.AddTo(to))
	must(t, msg.Send(ctxT(t), nil))
}

// TestRules creates rules with conditions, exceptions and actions, and
// watches the sandbox apply them to delivered mail; then disables,
// reorders, edits and deletes them.
func TestRules(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			w := &wire{}
			alice := mailbox(t, srv, proto, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
			bob := mailbox(t, srv, proto, sandbox.DemoBob)
			carol := mailbox(t, srv, proto, sandbox.DemoCarol)
			archive, err := alice.GetFolder(ctx, mail.Archive, nil)
			must(t, err)
			before := collect(t, alice.ListRules(ctx, nil))

			invoices := alice.NewRule("Invoices")
			invoices.Conditions.SubjectContains = []string{"invoice"}
			invoices.Exceptions.SenderContains = []string{"carol"}
			invoices.Actions.MoveToFolder = archive.ID
			invoices.Actions.MarkAsRead = true
			invoices.Actions.AssignCategories = []string{"Bills"}
			must(t, invoices.Save(ctx))
			if invoices.ID == "" || !invoices.IsEnabled || invoices.Sequence != len(before)+1 || invoices.Path() == "" {
				t.Fatalf("created rule %+v", invoices)
			}
			var sent map[string]any
			must(t, json.Unmarshal(w.last(http.MethodPost).Body, &sent))
			if sent[key(proto, "isEnabled")] != true || sent[key(proto, "displayName")] != "Invoices" {
				t.Fatalf("rule POST %s", w.last(http.MethodPost).Body)
			}
			quiet := alice.NewRule("Quiet")
			quiet.IsEnabled = false
			quiet.Conditions.HasAttachments = true
			quiet.Actions.Delete = true
			must(t, quiet.Save(ctx))
			must(t, json.Unmarshal(w.last(http.MethodPost).Body, &sent))
			if sent[key(proto, "isEnabled")] != false || quiet.IsEnabled {
				t.Fatalf("a rule created disabled: POST %s, answer %v", w.last(http.MethodPost).Body, quiet.IsEnabled)
			}
			if err := alice.NewRule("Nothing").Save(ctx); !errors.Is(err, mail.ErrRuleNoActions) {
				t.Fatalf("a rule without actions: %v", err)
			}

			rules := collect(t, alice.ListRules(ctx, nil))
			if len(rules) != len(before)+2 || rules[len(rules)-2].ID != invoices.ID || rules[len(rules)-1].ID != quiet.ID {
				t.Fatalf("rules in order: %v", names(rules))
			}

			// Delivery: Bob's invoice is filed, Carol's is the exception.
			deliver(t, bob, sandbox.DemoUser, "Invoice 42 "+proto)
			deliver(t, carol, sandbox.DemoUser, "Invoice 43 "+proto)
			filed := collect(t, alice.Folder(mail.Archive).ListMessages(ctx, o365.NewQuery().Filter(o365.Eq("subject", "Invoice 42 "+proto))))
			if len(filed) != 1 || !filed[0].IsRead || !slices.Contains(filed[0].Categories, "Bills") {
				t.Fatalf("Bob's invoice: %d in the archive %+v", len(filed), filed)
			}
			if n := countSubject(t, alice, mail.Inbox, "Invoice 43 "+proto); n != 1 {
				t.Fatalf("Carol's invoice (an exception): %d in the inbox", n)
			}

			// Off, the rule leaves mail alone.
			must(t, invoices.SetEnabled(ctx, false))
			deliver(t, bob, sandbox.DemoUser, "Invoice 44 "+proto)
			if n := countSubject(t, alice, mail.Inbox, "Invoice 44 "+proto); n != 1 {
				t.Fatalf("with the rule off: %d in the inbox", n)
			}
			got, err := alice.GetRule(ctx, invoices.ID)
			must(t, err)
			if got.IsEnabled || got.DisplayName != "Invoices" || !slices.Equal(got.Conditions.SubjectContains, []string{"INVOICE"}) &&
				!slices.Equal(got.Conditions.SubjectContains, []string{"invoice"}) {
				t.Fatalf("the rule as loaded: %+v", got)
			}

			// Reorder: Quiet first.
			must(t, alice.ReorderRules(ctx, []string{quiet.ID}))
			rules = collect(t, alice.ListRules(ctx, nil))
			if rules[0].ID != quiet.ID || rules[0].Sequence != 1 || rules[len(rules)-1].ID != invoices.ID {
				t.Fatalf("after reordering: %v", names(rules))
			}
			if err := alice.ReorderRules(ctx, []string{"nope"}); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("reordering an unknown rule: %v", err)
			}

			// Save sends only what changed.
			got.DisplayName = "Invoices and bills"
			must(t, got.Save(ctx))
			patch := w.last(http.MethodPatch)
			if keys := jsonKeys(t, patch.Body); !slices.Equal(keys, []string{key(proto, "displayName")}) {
				t.Fatalf("rule PATCH sent %v", keys)
			}

			must(t, alice.Rule(quiet.ID).Delete(ctx))
			if _, err := alice.GetRule(ctx, quiet.ID); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("deleted rule: %v", err)
			}
		})
	}
}

// key is a JSON property name as the protocol writes it.
func key(proto, name string) string {
	if proto == office365 {
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

func names(rules []*mail.Rule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, fmt.Sprintf("%d %s", r.Sequence, r.DisplayName))
	}
	return out
}

// TestCreateRuleAfterLostAnswer: the rule's creation is done and its answer
// lost; Save finds it instead of creating a second.
func TestCreateRuleAfterLostAnswer(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	lossy := &lossyTransport{rules: map[string]int{"POST /messageRules": 1}}
	alice := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
	r := alice.NewRule("Once")
	r.Conditions.FromAddresses = []o365.Recipient{{EmailAddress: o365.EmailAddress{Address: sandbox.DemoBob}}}
	r.Actions.MarkImportance = mail.ImportanceHigh
	must(t, r.Save(ctx))
	if !lossy.fired() || r.ID == "" {
		t.Fatalf("fired %v, rule %+v", lossy.dropped, r)
	}
	n := 0
	for _, x := range collect(t, alice.ListRules(ctx, nil)) {
		if x.DisplayName == "Once" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d rules named Once", n)
	}
}

// TestCategories works the master list on both protocols: the defaults,
// a new one, a taken name, a colour change, a delete, and a creation whose
// answer was lost.
func TestCategories(t *testing.T) {
	for _, proto := range []string{graph, office365} {
		t.Run(proto, func(t *testing.T) {
			srv := newSandbox(t)
			ctx := ctxT(t)
			w := &wire{}
			lossy := &lossyTransport{rules: map[string]int{"POST /masterCategories": 1, "POST /MasterCategories": 1}}
			mb := mailbox(t, srv, proto, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
			cats := collect(t, mb.ListCategories(ctx, nil))
			if len(cats) == 0 || cats[0].DisplayName == "" || outlook.CategoryColorName(cats[0].Color) == cats[0].Color {
				t.Fatalf("default categories: %+v", cats)
			}

			c, err := mb.CreateCategory(ctx, "Project Apollo", outlook.CategoryTeal)
			must(t, err)
			if c.ID == "" || c.DisplayName != "Project Apollo" || c.Color != outlook.CategoryTeal {
				t.Fatalf("created %+v", c)
			}
			if _, err := mb.CreateCategory(ctx, "project apollo", outlook.CategoryRed); !errors.Is(err, outlook.ErrCategoryExists) {
				t.Fatalf("a taken name: %v", err)
			}
			found, err := outlook.FindCategory(ctx, mb.Account(), "PROJECT APOLLO")
			must(t, err)
			if found == nil || found.ID != c.ID {
				t.Fatalf("find: %+v", found)
			}

			c.Color = outlook.CategoryDarkBlue
			must(t, c.Save(ctx))
			if keys := jsonKeys(t, w.last(http.MethodPatch).Body); !slices.Equal(keys, []string{key(proto, "color")}) {
				t.Fatalf("category PATCH sent %v", keys)
			}
			got, err := mb.GetCategory(ctx, c.ID)
			must(t, err)
			if got.Color != outlook.CategoryDarkBlue {
				t.Fatalf("colour after the change: %q", got.Color)
			}
			must(t, mb.Category(c.ID).Delete(ctx))
			if _, err := mb.GetCategory(ctx, c.ID); !errors.Is(err, o365.ErrNotFound) {
				t.Fatalf("deleted category: %v", err)
			}

			lost := mailbox(t, srv, proto, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
			c, err = lost.CreateCategory(ctx, "Lost answer", "")
			must(t, err)
			if c.ID == "" || c.Color != outlook.CategoryNone {
				t.Fatalf("created after a lost answer: %+v", c)
			}
			if len(lossy.dropped) != 1 {
				t.Fatalf("dropped %v", lossy.dropped)
			}
		})
	}
}

func TestParseCategoryColor(t *testing.T) {
	for in, want := range map[string]string{
		"red": "preset0", "Dark Blue": "preset22", "dark-cranberry": "preset24", "Preset7": "preset7", "preset24": "preset24",
		"none": "none", " Teal ": "preset5",
	} {
		if got, err := outlook.ParseCategoryColor(in); err != nil || got != want {
			t.Errorf("ParseCategoryColor(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "pink", "preset25", "preset-1"} {
		if _, err := outlook.ParseCategoryColor(bad); err == nil {
			t.Errorf("ParseCategoryColor(%q) accepted", bad)
		}
	}
	if outlook.CategoryColorName("preset22") != "darkBlue" || outlook.CategoryColorName("none") != "none" || outlook.CategoryColorName("odd") != "odd" {
		t.Error("CategoryColorName")
	}
	if n := len(outlook.CategoryColors()); n != 26 {
		t.Errorf("%d colours", n)
	}
}

// TestMailTips asks about a recipient who is away, the shared mailbox (it
// has a custom tip), an address outside the tenant and a malformed one;
// the body carries Graph's parameter names, and a lost answer is asked
// again.
func TestMailTips(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	bob := mailbox(t, srv, graph, sandbox.DemoBob)
	must(t, bob.SetAutoReply(ctx, mail.AutoReply{Internal: "<p>On holiday &amp; offline</p>"}))
	w := &wire{}
	lossy := &lossyTransport{rules: map[string]int{"POST /getMailTips": 1}}
	alice := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: w}))
	tips, err := alice.GetMailTips(ctx, []string{"Bob Baker <" + sandbox.DemoBob + ">", sandbox.DemoShared + ", someone@example.com"}, nil)
	must(t, err)
	var body map[string]any
	must(t, json.Unmarshal(w.last(http.MethodPost).Body, &body))
	if fmt.Sprint(body["EmailAddresses"]) != fmt.Sprintf("[%s %s someone@example.com]", sandbox.DemoBob, sandbox.DemoShared) ||
		body["MailTipsOptions"] != strings.Join(mail.MailTipKinds(), ", ") {
		t.Fatalf("getMailTips body %s", w.last(http.MethodPost).Body)
	}
	if len(tips) != 3 {
		t.Fatalf("%d tips", len(tips))
	}
	b, shared, ext := tips[0], tips[1], tips[2]
	if b.EmailAddress.Address != sandbox.DemoBob || b.AutomaticReplies == nil || !strings.Contains(b.AutomaticReplies.Message, "On holiday") ||
		b.MailboxFull || b.External() || b.MaxMessageSize == 0 {
		t.Fatalf("Bob's tips %+v %+v", b, b.AutomaticReplies)
	}
	if shared.CustomMailTip == "" || shared.External() {
		t.Fatalf("the shared mailbox's tips %+v", shared)
	}
	if !ext.External() || ext.Error != nil {
		t.Fatalf("an outside address %+v", ext)
	}
	// --json keeps what the service sent, false included.
	out, err := json.Marshal(b)
	must(t, err)
	if !strings.Contains(string(out), `"mailboxFull":false`) {
		t.Fatalf("encoded tips lost mailboxFull:false: %s", out)
	}

	lost := mailbox(t, srv, graph, sandbox.DemoUser, o365.WithHTTPClient(&http.Client{Transport: lossy}))
	tips, err = lost.GetMailTips(ctx, []string{"not an address@"}, &mail.MailTipsOptions{Kinds: []string{mail.TipMailboxFullStatus}})
	if err == nil {
		t.Fatalf("a malformed address was sent: %+v", tips)
	}
	tips, err = lost.GetMailTips(ctx, []string{sandbox.DemoBob}, &mail.MailTipsOptions{Kinds: []string{mail.TipMailboxFullStatus}})
	must(t, err)
	if len(tips) != 1 || tips[0].AutomaticReplies != nil || !lossy.fired() || lossy.count("POST /getMailTips") != 2 {
		t.Fatalf("after a lost answer: %+v, sent %d", tips, lossy.count("POST /getMailTips"))
	}
	if _, err := alice.GetMailTips(ctx, []string{sandbox.DemoBob}, &mail.MailTipsOptions{Kinds: []string{"mood"}}); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

// TestTranslateExchangeIDs translates the inbox's ids to immutable ones and
// back, and an id from before a move, which no longer names the message.
func TestTranslateExchangeIDs(t *testing.T) {
	srv := newSandbox(t)
	ctx := ctxT(t)
	mb := mailbox(t, srv, graph, sandbox.DemoUser)
	msgs := collect(t, mb.Inbox().ListMessages(ctx, o365.NewQuery().Select("id")))
	imm := collect(t, mb.WithImmutableIDs().Inbox().ListMessages(ctx, o365.NewQuery().Select("id")))
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	res, err := mb.TranslateExchangeIDs(ctx, ids, outlook.IDFormatREST, outlook.IDFormatRESTImmutable)
	must(t, err)
	if len(res) != len(ids) {
		t.Fatalf("%d results for %d ids", len(res), len(ids))
	}
	for i, r := range res {
		if r.SourceID != ids[i] || r.TargetID != imm[i].ID || r.ErrorDetails != nil {
			t.Fatalf("result %d: %+v, want %s", i, r, imm[i].ID)
		}
	}
	back, err := mb.TranslateExchangeIDs(ctx, []string{res[0].TargetID}, outlook.IDFormatRESTImmutable, outlook.IDFormatREST)
	must(t, err)
	if back[0].TargetID != ids[0] {
		t.Fatalf("back: %+v", back[0])
	}
	must(t, mb.Message(ids[0]).Move(ctx, mail.Archive))
	stale, err := mb.TranslateExchangeIDs(ctx, []string{ids[0]}, outlook.IDFormatREST, outlook.IDFormatRESTImmutable)
	must(t, err)
	if stale[0].ErrorDetails == nil || stale[0].TargetID != "" {
		t.Fatalf("an id from before a move: %+v", stale[0])
	}
	if _, err := mb.TranslateExchangeIDs(ctx, ids, "restid", outlook.IDFormatEWS); err == nil {
		t.Fatal("a wrong format was sent")
	}
}
