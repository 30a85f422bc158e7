package mail

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Inbox rules (mailFolders/inbox/messageRules): stored per user, kept in
// sequence order, and run on every message delivered to the Inbox, as
// Exchange runs them: the enabled rules in sequence, each whose conditions
// all hold and no exception holds does its actions, until one says
// stopProcessingRules.

const collRules = "messageRules"

// Kinds of rule properties, for validation.
const (
	kindStrings    = "strings"    // Collection(Edm.String)
	kindContains   = "contains"   // Collection(Edm.String), stored upper-cased as Exchange does
	kindRecipients = "recipients" // Collection(microsoft.graph.recipient)
	kindBool       = "bool"
	kindImportance = "importance"
	kindSensitive  = "sensitivity"
	kindFlag       = "messageActionFlag"
	kindSize       = "sizeRange"
	kindFolder     = "folder" // a mail folder's id
)

// predicateKinds are messageRulePredicates' properties.
var predicateKinds = map[string]string{
	"bodyContains": kindContains, "bodyOrSubjectContains": kindContains, "categories": kindStrings,
	"fromAddresses": kindRecipients, "hasAttachments": kindBool, "headerContains": kindContains,
	"importance": kindImportance, "isApprovalRequest": kindBool, "isAutomaticForward": kindBool,
	"isAutomaticReply": kindBool, "isEncrypted": kindBool, "isMeetingRequest": kindBool,
	"isMeetingResponse": kindBool, "isNonDeliveryReport": kindBool, "isPermissionControlled": kindBool,
	"isReadReceipt": kindBool, "isSigned": kindBool, "isVoicemail": kindBool, "messageActionFlag": kindFlag,
	"notSentToMe": kindBool, "recipientContains": kindContains, "senderContains": kindContains,
	"sensitivity": kindSensitive, "sentCcMe": kindBool, "sentOnlyToMe": kindBool,
	"sentToAddresses": kindRecipients, "sentToMe": kindBool, "sentToOrCcMe": kindBool,
	"subjectContains": kindContains, "withinSizeRange": kindSize,
}

// actionKinds are messageRuleActions' properties.
var actionKinds = map[string]string{
	"assignCategories": kindStrings, "copyToFolder": kindFolder, "delete": kindBool,
	"forwardAsAttachmentTo": kindRecipients, "forwardTo": kindRecipients, "markAsRead": kindBool,
	"markImportance": kindImportance, "moveToFolder": kindFolder, "permanentDelete": kindBool,
	"redirectTo": kindRecipients, "stopProcessingRules": kindBool,
}

var enumMembers = map[string][]string{
	kindImportance: {"low", "normal", "high"},
	kindSensitive:  {"normal", "personal", "private", "confidential"},
	kindFlag:       {"any", "call", "doNotForward", "followUp", "fyi", "forward", "noResponseNecessary", "read", "reply", "replyToAll", "review"},
}

// ruleWritable are messageRule's properties a client sets.
var ruleWritable = []string{"displayName", "sequence", "isEnabled", "conditions", "exceptions", "actions"}

func errRuleNotFound() *core.Error {
	return core.ItemNotFound("The specified object was not found in the store., The rule was not found.")
}

func errRuleValidation(format string, args ...any) *core.Error {
	return core.Errorf(http.StatusBadRequest, "ErrorInboxRulesValidationError",
		"A validation error occurred while executing the rule operation. "+format, args...)
}

// newRuleID is an id in Exchange's form for rules: 8 bytes of base64.
func newRuleID() string {
	b := []byte{1, 0, 0, 0, 0, 0, 0, 0}
	rand.Read(b[4:])
	return base64.StdEncoding.EncodeToString(b)
}

func ruleSort(seq float64) string { return fmt.Sprintf("%010d", int64(seq)) }

// inboxOnly checks that the route's folder is the Inbox: Graph keeps rules
// there only.
func inboxOnly(ctx context.Context, c *core.Call) error {
	if err := mailbox(ctx, c); err != nil {
		return err
	}
	p := c.Param("folder")
	if !strings.EqualFold(p, "inbox") && p != wellKnownID(c.User.ID, "inbox") {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidRequest", "Message rules are kept on the Inbox only; use mailFolders/inbox/messageRules.")
	}
	return nil
}

func rulesScope(c *core.Call) core.Scope { return core.Scope{Collection: collRules, Owner: c.User.ID} }

// typeRule is the Graph type of rules.
const typeRule = "messageRule"

func rulesSpec(c *core.Call) core.ListSpec {
	return core.ListSpec{Scope: rulesScope(c), Type: typeRule, DefaultTop: 100, MaxTop: 1000}
}

func listRules(ctx context.Context, c *core.Call) error {
	if err := inboxOnly(ctx, c); err != nil {
		return err
	}
	return c.List(ctx, rulesSpec(c))
}

func getRule(ctx context.Context, c *core.Call) error {
	if err := inboxOnly(ctx, c); err != nil {
		return err
	}
	err := c.GetEntity(ctx, rulesSpec(c), c.Param("rule"))
	if core.IsNotFound(err) {
		return errRuleNotFound()
	}
	return err
}

func createRule(ctx context.Context, c *core.Call) error {
	if err := inboxOnly(ctx, c); err != nil {
		return err
	}
	var in map[string]any
	if err := c.Decode(&in); err != nil {
		return err
	}
	doc := map[string]any{"isEnabled": true}
	o := &core.Object{Collection: collRules, Owner: c.User.ID, ID: newRuleID(), Data: doc}
	err := c.Store().Write(ctx, func(tx *core.Tx) error {
		if err := applyRuleInput(ctx, c, tx, doc, in); err != nil {
			return err
		}
		for _, k := range []string{"displayName", "sequence", "actions"} {
			if _, ok := doc[k]; !ok {
				return errRuleValidation("The rule needs %s.", k)
			}
		}
		o.Sort = ruleSort(doc["sequence"].(float64))
		return tx.Put(ctx, o)
	})
	if err != nil {
		return err
	}
	return c.EntityOf(http.StatusCreated, typeRule, o.Data)
}

func patchRule(ctx context.Context, c *core.Call) error {
	if err := inboxOnly(ctx, c); err != nil {
		return err
	}
	return patchSetting(ctx, c, collRules, c.Param("rule"), typeRule, errRuleNotFound(), func(tx *core.Tx, o *core.Object, in map[string]any) error {
		if ro, _ := o.Data["isReadOnly"].(bool); ro {
			return errRuleValidation("The rule is read-only.")
		}
		if err := applyRuleInput(ctx, c, tx, o.Data, in); err != nil {
			return err
		}
		o.Sort = ruleSort(o.Data["sequence"].(float64))
		return nil
	})
}

func deleteRule(ctx context.Context, c *core.Call) error {
	if err := inboxOnly(ctx, c); err != nil {
		return err
	}
	err := c.DeleteEntity(ctx, rulesScope(c), c.Param("rule"))
	if core.IsNotFound(err) {
		return errRuleNotFound()
	}
	return err
}

// applyRuleInput validates a rule's JSON input and sets it on doc; the
// complex properties are replaced whole, as Graph's PATCH does.
func applyRuleInput(ctx context.Context, c *core.Call, tx *core.Tx, doc, in map[string]any) error {
	for k, v := range in {
		if strings.HasPrefix(k, "@") || k == "id" || k == "hasError" || k == "isReadOnly" {
			continue
		}
		if !slices.Contains(ruleWritable, k) {
			return core.Errorf(http.StatusBadRequest, "RequestBodyRead",
				"The property '%s' does not exist on type 'microsoft.graph.messageRule'. Make sure to only use property names that are defined by the type.", k)
		}
		switch k {
		case "displayName":
			s, ok := v.(string)
			if !ok || strings.TrimSpace(s) == "" {
				return errRuleValidation("The rule's displayName must be a non-empty string.")
			}
			doc[k] = s
		case "sequence":
			n, ok := v.(float64)
			if !ok || n != float64(int32(n)) || n < 1 {
				return errRuleValidation("The rule's sequence must be a whole number of at least 1.")
			}
			doc[k] = n
		case "isEnabled":
			b, ok := v.(bool)
			if !ok {
				return errRuleValidation("isEnabled must be true or false.")
			}
			doc[k] = b
		case "conditions", "exceptions", "actions":
			if v == nil {
				if k == "actions" {
					return errRuleValidation("The rule needs actions.")
				}
				delete(doc, k)
				continue
			}
			kinds, typ := predicateKinds, "messageRulePredicates"
			if k == "actions" {
				kinds, typ = actionKinds, "messageRuleActions"
			}
			m, err := ruleObject(ctx, c, tx, v, kinds, typ)
			if err != nil {
				return err
			}
			if k == "actions" && len(m) == 0 {
				return errRuleValidation("The rule needs at least one action.")
			}
			doc[k] = m
		}
	}
	doc["hasError"] = false
	doc["isReadOnly"] = false
	return nil
}

// ruleObject validates and normalises a messageRulePredicates or
// messageRuleActions value; only the properties given are kept, as Graph
// answers them.
func ruleObject(ctx context.Context, c *core.Call, tx *core.Tx, v any, kinds map[string]string, typ string) (map[string]any, error) {
	in, ok := v.(map[string]any)
	if !ok {
		return nil, errRuleValidation("%s must be an object.", typ)
	}
	out := map[string]any{}
	for k, val := range in {
		if strings.HasPrefix(k, "@") {
			continue
		}
		kind, ok := kinds[k]
		if !ok {
			return nil, core.Errorf(http.StatusBadRequest, "RequestBodyRead",
				"The property '%s' does not exist on type 'microsoft.graph.%s'. Make sure to only use property names that are defined by the type.", k, typ)
		}
		if val == nil {
			continue
		}
		bad := func() error {
			return errRuleValidation("%s.%s has a value of the wrong kind (%s expected).", typ, k, kind)
		}
		switch kind {
		case kindStrings, kindContains:
			list, ok := val.([]any)
			if !ok {
				return nil, bad()
			}
			strs := make([]any, 0, len(list))
			for _, s := range list {
				str, ok := s.(string)
				if !ok {
					return nil, bad()
				}
				if kind == kindContains {
					str = strings.ToUpper(str)
				}
				strs = append(strs, str)
			}
			out[k] = strs
		case kindRecipients:
			list, ok := val.([]any)
			if !ok || len(list) == 0 {
				return nil, bad()
			}
			for _, r := range list {
				if !validRecipient(r) {
					return nil, core.Errorf(http.StatusBadRequest, "ErrorInvalidRecipients", "At least one recipient is not valid., Recipient '%v' is not resolved.", r)
				}
			}
			out[k] = list
		case kindBool:
			b, ok := val.(bool)
			if !ok {
				return nil, bad()
			}
			out[k] = b
		case kindImportance, kindSensitive, kindFlag:
			s, _ := val.(string)
			member, ok := core.Canonical(enumMembers[kind], s)
			if !ok {
				return nil, errRuleValidation("%s.%s must be one of %s.", typ, k, strings.Join(enumMembers[kind], ", "))
			}
			out[k] = member
		case kindSize:
			m, ok := val.(map[string]any)
			if !ok {
				return nil, bad()
			}
			size := map[string]any{}
			for _, sk := range []string{"minimumSize", "maximumSize"} {
				if n, ok := m[sk].(float64); ok && n >= 0 && n == float64(int32(n)) {
					size[sk] = n
				} else if m[sk] != nil {
					return nil, bad()
				}
			}
			out[k] = size
		case kindFolder:
			s, _ := val.(string)
			f, err := mailboxFolders.Get(ctx, tx, c.User.ID, s)
			if err != nil {
				return nil, errRuleValidation("The folder '%s' of %s does not exist in the mailbox.", s, k)
			}
			out[k] = f.ID
		}
	}
	return out, nil
}

// Running the rules.

// runRules applies u's Inbox rules to m, a message just delivered to u's
// Inbox, inside the delivering transaction.
func runRules(ctx context.Context, c *core.Call, tx *core.Tx, u *core.User, m *core.Object) error {
	rules, err := tx.List(ctx, core.Scope{Collection: collRules, Owner: u.ID}, false, 0, 0)
	if err != nil || len(rules) == 0 {
		return err
	}
	var moveTo string
	deleted := false
	for _, r := range rules {
		if on, _ := r.Data["isEnabled"].(bool); !on {
			continue
		}
		cond, _ := r.Data["conditions"].(map[string]any)
		exc, _ := r.Data["exceptions"].(map[string]any)
		if !predicatesHold(cond, m.Data, u, true) || (len(exc) > 0 && predicatesHold(exc, m.Data, u, false)) {
			continue
		}
		act, _ := r.Data["actions"].(map[string]any)
		if cats, ok := act["assignCategories"].([]any); ok {
			have, _ := m.Data["categories"].([]any)
			for _, cat := range cats {
				if !slices.Contains(have, cat) {
					have = append(have, cat)
				}
			}
			m.Data["categories"] = have
		}
		if b, _ := act["markAsRead"].(bool); b {
			m.Data["isRead"] = true
		}
		if imp, ok := act["markImportance"].(string); ok {
			m.Data["importance"] = imp
		}
		if f, ok := act["moveToFolder"].(string); ok {
			moveTo = f
		}
		if b, _ := act["delete"].(bool); b {
			moveTo = wellKnownID(u.ID, "deleteditems")
		}
		if b, _ := act["permanentDelete"].(bool); b {
			deleted = true
		}
		if err := tx.Put(ctx, m); err != nil {
			return err
		}
		if f, ok := act["copyToFolder"].(string); ok {
			if _, err := copyMessageTx(ctx, tx, u.ID, m, u.ID, f, nil); err != nil && !core.IsNotFound(err) {
				return err
			}
		}
		if err := ruleForwards(ctx, c, tx, u, m, act); err != nil {
			return err
		}
		if stop, _ := act["stopProcessingRules"].(bool); stop {
			break
		}
	}
	switch {
	case deleted:
		return deleteMessageTx(ctx, tx, u.ID, m.ID)
	case moveTo != "":
		if _, err := tx.Get(ctx, collMailFolders, u.ID, moveTo); err != nil {
			if core.IsNotFound(err) {
				return nil // the folder was deleted since: Exchange flags the rule in error and leaves the message
			}
			return err
		}
		_, err := moveMessageTx(ctx, tx, m, moveTo, c.Now())
		return err
	}
	return nil
}

// ruleForwards does a rule's forwardTo, forwardAsAttachmentTo and
// redirectTo. Messages a rule forwarded are not forwarded again by rules,
// which keeps two mailboxes from forwarding to each other forever (as
// Exchange's loop detection does).
func ruleForwards(ctx context.Context, c *core.Call, tx *core.Tx, u *core.User, m *core.Object, act map[string]any) error {
	if auto, _ := m.Data["_autoForward"].(bool); auto {
		return nil
	}
	now := c.Now()
	send := func(doc map[string]any) error {
		drafts := wellKnownID(u.ID, "drafts")
		doc["parentFolderId"] = drafts
		doc["_autoForward"] = true
		d := &core.Object{Collection: collMessages, Owner: u.ID, ID: core.NewItemID(u.ID), Parent: drafts, Data: doc}
		if err := tx.Put(ctx, d); err != nil {
			return err
		}
		return deliver(ctx, c, tx, u, d, false)
	}
	if to, ok := act["forwardTo"].([]any); ok {
		doc := forwardDoc(u, m.Data, now, c.Domain())
		doc["toRecipients"] = to
		if err := send(doc); err != nil {
			return err
		}
	}
	if to, ok := act["forwardAsAttachmentTo"].([]any); ok {
		doc := newMessageDoc(map[string]any{
			"subject":      responseSubject("forward", core.Str(m.Data, "subject")),
			"body":         map[string]any{"contentType": "text", "content": ""},
			"toRecipients": to,
		}, now, c.Domain(), u.ID)
		drafts := wellKnownID(u.ID, "drafts")
		doc["parentFolderId"] = drafts
		doc["_autoForward"] = true
		d := &core.Object{Collection: collMessages, Owner: u.ID, ID: core.NewItemID(u.ID), Parent: drafts, Data: doc}
		if err := tx.Put(ctx, d); err != nil {
			return err
		}
		item := core.PublicDoc(core.CloneDoc(m.Data))
		delete(item, "extensions")
		delete(item, "id")
		delete(item, "parentFolderId")
		if _, err := messageAttachments.Put(ctx, tx, d, map[string]any{"@odata.type": core.TypeItemAttachment,
			"name": core.Str(m.Data, "subject"), "item": item}, now, ""); err != nil {
			return err
		}
		if err := deliver(ctx, c, tx, u, d, false); err != nil {
			return err
		}
	}
	if to, ok := act["redirectTo"].([]any); ok {
		// A redirect keeps the original sender: the message goes on as it
		// came, to other recipients.
		for _, r := range to {
			target, err := core.LookupUser(ctx, tx, addrOf(r))
			if core.IsNotFound(err) || err == nil && target.ID == u.ID {
				continue
			}
			if err != nil {
				return err
			}
			if err := mailboxFolders.Ensure(ctx, tx, target.ID, now); err != nil {
				return err
			}
			cp, err := copyMessageTx(ctx, tx, u.ID, m, target.ID, wellKnownID(target.ID, "inbox"), func(d map[string]any) {
				d["isRead"] = false
				d["categories"] = []any{}
				d["_autoForward"] = true
			})
			if err != nil {
				return err
			}
			if err := runRules(ctx, c, tx, target, cp); err != nil {
				return err
			}
		}
	}
	return nil
}

// forwardDoc is the forward a rule sends of orig, from u.
func forwardDoc(u *core.User, orig map[string]any, now time.Time, domain string) map[string]any {
	b, _ := orig["body"].(map[string]any)
	content := core.Str(b, "content")
	if !strings.EqualFold(core.Str(b, "contentType"), "html") {
		content = "<pre>" + content + "</pre>"
	}
	doc := newMessageDoc(map[string]any{
		"subject": responseSubject("forward", core.Str(orig, "subject")),
		"body": map[string]any{"contentType": "html", "content": "<html><body><hr><b>From:</b> " +
			formatRecipients([]any{orig["from"]}) + "<br><b>Subject:</b> " + core.Str(orig, "subject") + "<br><br>" + content + "</body></html>"},
	}, now, domain, u.ID)
	doc["conversationId"] = orig["conversationId"]
	return doc
}

// predicatesHold evaluates messageRulePredicates p on message doc delivered
// to u: all of them must hold (conditions); for exceptions, any one that
// holds is enough (all is false). An empty set holds for conditions.
func predicatesHold(p, doc map[string]any, u *core.User, all bool) bool {
	if len(p) == 0 {
		return all
	}
	for k, want := range p {
		ok := predicate(k, want, doc, u)
		if all && !ok {
			return false
		}
		if !all && ok {
			return true
		}
	}
	return all
}

// predicate evaluates one messageRulePredicates property.
func predicate(name string, want any, doc map[string]any, u *core.User) bool {
	me := func(r any) bool {
		a := addrOf(r)
		return a != "" && (strings.EqualFold(a, u.Mail) || strings.EqualFold(a, u.UPN))
	}
	list := func(k string) []any { l, _ := doc[k].([]any); return l }
	anyOf := func(l []any, f func(any) bool) bool { return slices.ContainsFunc(l, f) }
	contains := func(text string) bool {
		words, _ := want.([]any)
		for _, w := range words {
			if s, _ := w.(string); s != "" && strings.Contains(strings.ToUpper(text), s) {
				return true
			}
		}
		return false
	}
	body := func() string {
		b, _ := doc["body"].(map[string]any)
		if strings.EqualFold(core.Str(b, "contentType"), "html") {
			return core.HTMLToText(core.Str(b, "content"))
		}
		return core.Str(b, "content")
	}
	wantBool, _ := want.(bool)
	flag := func(v bool) bool { return v == wantBool }
	switch name {
	case "bodyContains":
		return contains(body())
	case "subjectContains":
		return contains(core.Str(doc, "subject"))
	case "bodyOrSubjectContains":
		return contains(core.Str(doc, "subject")) || contains(body())
	case "senderContains":
		f, _ := doc["from"].(map[string]any)
		e, _ := f["emailAddress"].(map[string]any)
		return contains(core.Str(e, "address")) || contains(core.Str(e, "name"))
	case "recipientContains":
		for _, r := range append(list("toRecipients"), list("ccRecipients")...) {
			m, _ := r.(map[string]any)
			e, _ := m["emailAddress"].(map[string]any)
			if contains(core.Str(e, "address")) || contains(core.Str(e, "name")) {
				return true
			}
		}
		return false
	case "headerContains":
		raw, _ := json.Marshal(doc["internetMessageHeaders"])
		return contains(string(raw))
	case "categories":
		words, _ := want.([]any)
		return anyOf(list("categories"), func(c any) bool { return slices.Contains(words, c) })
	case "fromAddresses":
		addrs, _ := want.([]any)
		from := addrOf(doc["from"])
		return anyOf(addrs, func(r any) bool { return addrOf(r) == from })
	case "sentToAddresses":
		addrs, _ := want.([]any)
		return anyOf(list("toRecipients"), func(r any) bool {
			return anyOf(addrs, func(w any) bool { return addrOf(w) == addrOf(r) })
		})
	case "hasAttachments":
		has, _ := doc["hasAttachments"].(bool)
		return flag(has)
	case "importance":
		return strings.EqualFold(core.Str(doc, "importance"), fmt.Sprint(want))
	case "sensitivity":
		s := core.Str(doc, "sensitivity")
		if s == "" {
			s = "normal"
		}
		return strings.EqualFold(s, fmt.Sprint(want))
	case "isAutomaticReply":
		auto, _ := doc["_autoReply"].(bool)
		return flag(auto)
	case "isAutomaticForward":
		auto, _ := doc["_autoForward"].(bool)
		return flag(auto)
	case "sentToMe":
		return flag(anyOf(list("toRecipients"), me))
	case "sentCcMe":
		return flag(anyOf(list("ccRecipients"), me))
	case "sentToOrCcMe":
		return flag(anyOf(list("toRecipients"), me) || anyOf(list("ccRecipients"), me))
	case "notSentToMe":
		return flag(!anyOf(list("toRecipients"), me) && !anyOf(list("ccRecipients"), me))
	case "sentOnlyToMe":
		to := list("toRecipients")
		return flag(len(to) == 1 && me(to[0]) && len(list("ccRecipients")) == 0)
	case "withinSizeRange":
		r, _ := want.(map[string]any)
		raw, _ := json.Marshal(core.PublicDoc(doc))
		kb := float64(len(raw)) / 1024
		lo, hasLo := r["minimumSize"].(float64)
		hi, hasHi := r["maximumSize"].(float64)
		return (!hasLo || kb >= lo) && (!hasHi || kb <= hi)
	case "isNonDeliveryReport":
		ndr, _ := doc["_ndr"].(bool)
		return flag(ndr)
	case "messageActionFlag":
		return false // the sandbox's messages carry no flag requests
	}
	// Kinds of message the sandbox does not produce (meeting requests,
	// voicemail, signed or encrypted mail, NDRs ...): such a condition
	// holds only when it asks for false.
	return !wantBool
}
