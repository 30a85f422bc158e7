package mail

import (
	"context"
	"encoding/binary"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/o365go/o365/sandbox/internal/core"
)

// Mail tips (getMailTips) and the mailbox state behind them: automatic
// replies from the recipients' settings, full mailboxes (which also bounce
// delivered mail with a non-delivery report), custom tips, group sizes.

// maxMessageSize is Exchange Online's default largest message, in bytes.
const maxMessageSize = 37748736

var actionGetMailTips = core.Action{Name: "getMailTips", Params: []core.ActionParam{
	{Name: "EmailAddresses", Type: "Collection(Edm.String)"},
	{Name: "MailTipsOptions", Type: "microsoft.graph.mailTipsType", Enum: true},
}}

// mailTipsTypes are mailTipsType's flags.
var mailTipsTypes = []string{"automaticReplies", "mailboxFullStatus", "customMailTip", "externalMemberCount",
	"totalMemberCount", "maxMessageSize", "deliveryRestriction", "moderationStatus", "recipientScope", "recipientSuggestions"}

// maxMailTipsRecipients is how many addresses one request may ask about.
const maxMailTipsRecipients = 100

func quotaKey(userID string) string     { return "mail:quota:" + userID }
func customTipKey(userID string) string { return "mail:customTip:" + userID }

// mailboxFull reports whether u's mailbox has reached its quota. Mailboxes
// have no quota until one is set (Exchange Online's are 50 GB and more,
// which the sandbox never reaches), so the mailbox is only measured then.
func mailboxFull(ctx context.Context, tx *core.Tx, userID string) (bool, error) {
	raw, ok, err := tx.KVGet(ctx, quotaKey(userID))
	if err != nil || !ok || len(raw) != 8 {
		return false, err
	}
	quota := int64(binary.BigEndian.Uint64(raw))
	msgs, err := tx.StoredSize(ctx, core.Scope{Collection: collMessages, Owner: userID}, "")
	if err != nil {
		return false, err
	}
	atts, err := tx.StoredSize(ctx, core.Scope{Collection: messageAttachments.Collection, Owner: userID}, "size")
	if err != nil {
		return false, err
	}
	return msgs+atts >= quota, nil
}

// setMailboxQuota sets the size (bytes) at which a mailbox is full; 0
// removes the quota.
func setMailboxQuota(ctx context.Context, tx *core.Tx, userID string, bytes int64) error {
	if bytes <= 0 {
		return tx.KVDelete(ctx, quotaKey(userID))
	}
	raw := binary.BigEndian.AppendUint64(nil, uint64(bytes))
	return tx.KVPut(ctx, quotaKey(userID), raw, time.Time{})
}

// bounce answers a message that could not be delivered to rcpt with a
// non-delivery report in the sender's Inbox, as Exchange's postmaster does.
func bounce(ctx context.Context, c *core.Call, tx *core.Tx, sender *core.User, orig map[string]any, rcpt *core.User, reason string, now time.Time) error {
	if sender == nil {
		return nil
	}
	postmaster := map[string]any{"emailAddress": map[string]any{"name": "Microsoft Outlook",
		"address": "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@" + c.Domain()}}
	body := "<html><body><p><b>Your message to " + html.EscapeString(rcpt.Mail) + " couldn't be delivered.</b></p><p>" +
		html.EscapeString(reason) + "</p></body></html>"
	doc := newMessageDoc(map[string]any{
		"subject":      "Undeliverable: " + core.Str(orig, "subject"),
		"body":         map[string]any{"contentType": "html", "content": body},
		"toRecipients": []any{recipientOf(sender)},
		"importance":   "normal",
	}, now, c.Domain(), sender.ID)
	inbox := wellKnownID(sender.ID, "inbox")
	doc["from"], doc["sender"] = postmaster, postmaster
	doc["isDraft"], doc["isRead"] = false, false
	doc["sentDateTime"], doc["receivedDateTime"] = core.ISOTime(now), core.ISOTime(now)
	doc["conversationId"] = orig["conversationId"]
	doc["parentFolderId"] = inbox
	doc["_ndr"] = true
	m := &core.Object{Collection: collMessages, Owner: sender.ID, ID: core.NewItemID(sender.ID), Parent: inbox, Data: doc, Created: now}
	m.Sort = messageSort(doc, now)
	if err := mailboxFolders.Ensure(ctx, tx, sender.ID, now); err != nil {
		return err
	}
	return tx.Put(ctx, m)
}

// getMailTips answers POST {user}/getMailTips: the requested tips of each
// address, computed from the tenant's state.
func getMailTips(ctx context.Context, c *core.Call) error {
	args, err := c.DecodeAction(actionGetMailTips)
	if err != nil {
		return err
	}
	addrs := args.Strings("EmailAddresses")
	if len(addrs) == 0 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'EmailAddresses' is empty.")
	}
	if len(addrs) > maxMailTipsRecipients {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "At most %d addresses can be asked about at once.", maxMailTipsRecipients)
	}
	want := map[string]bool{}
	for _, f := range strings.Split(args.String("MailTipsOptions"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		t, ok := core.Canonical(mailTipsTypes, f)
		if !ok {
			return core.Errorf(http.StatusBadRequest, "RequestBodyRead",
				"The value '%s' is not a valid mailTipsType; use %s.", f, strings.Join(mailTipsTypes, ", "))
		}
		want[t] = true
	}
	if len(want) == 0 {
		return core.Errorf(http.StatusBadRequest, "ErrorInvalidParameter", "The value of the parameter 'MailTipsOptions' is empty.")
	}
	now := c.Now()
	var out []any
	err = c.Store().Read(ctx, func(tx *core.Tx) error {
		for _, a := range addrs {
			tip, err := mailTip(ctx, c, tx, a, want, now)
			if err != nil {
				return err
			}
			out = append(out, tip)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.WriteJSON(http.StatusOK, map[string]any{
		"@odata.context": c.RootURL() + "$metadata#Collection(microsoft.graph.mailTips)",
		"value":          out,
	})
}

// mailTip computes the tips of one address.
func mailTip(ctx context.Context, c *core.Call, tx *core.Tx, addr string, want map[string]bool, now time.Time) (map[string]any, error) {
	tip := map[string]any{"emailAddress": map[string]any{"name": "", "address": addr}}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || strings.ContainsAny(addr, " <>") {
		tip["error"] = map[string]any{"code": "InvalidRecipient", "message": "The address '" + addr + "' is not a valid SMTP address."}
		return tip, nil
	}
	internal := strings.EqualFold(addr[at+1:], c.Domain())
	u, err := core.LookupUser(ctx, tx, addr)
	if err != nil && !core.IsNotFound(err) {
		return nil, err
	}
	var group *core.Group
	var members []core.Member
	if u == nil {
		group, err = core.LookupGroup(ctx, tx, addr)
		if err != nil && !core.IsNotFound(err) {
			return nil, err
		}
		if group != nil {
			if members, err = core.GroupMembers(ctx, tx, group.ID, true); err != nil {
				return nil, err
			}
		}
	}
	if internal && u == nil && group == nil {
		tip["error"] = map[string]any{"code": "UnableToResolveRecipient", "message": "The recipient '" + addr + "' doesn't exist in the organization."}
		return tip, nil
	}
	scope := "external"
	if u != nil || group != nil {
		scope = "internal"
	}
	if want["automaticReplies"] {
		ar := map[string]any{"message": ""}
		if u != nil {
			if ar, err = automaticRepliesTip(ctx, tx, c, u, now); err != nil {
				return nil, err
			}
		}
		tip["automaticReplies"] = ar
	}
	if want["mailboxFullStatus"] {
		full := false
		if u != nil {
			if full, err = mailboxFull(ctx, tx, u.ID); err != nil {
				return nil, err
			}
		}
		tip["mailboxFull"] = full
	}
	if want["customMailTip"] && u != nil {
		if raw, ok, err := tx.KVGet(ctx, customTipKey(u.ID)); err != nil {
			return nil, err
		} else if ok {
			tip["customMailTip"] = string(raw)
		}
	}
	if want["totalMemberCount"] || want["externalMemberCount"] {
		total, external := 0, 0
		for _, mem := range members {
			if mem.Group {
				continue
			}
			m, err := tx.Get(ctx, core.UsersCollection, "", mem.ID)
			if core.IsNotFound(err) {
				continue
			}
			if err != nil {
				return nil, err
			}
			total++
			if mail := core.Str(m.Data, "mail"); core.Str(m.Data, "userType") == "Guest" || !strings.HasSuffix(strings.ToLower(mail), "@"+strings.ToLower(c.Domain())) {
				external++
			}
		}
		if want["totalMemberCount"] {
			tip["totalMemberCount"] = total
		}
		if want["externalMemberCount"] {
			tip["externalMemberCount"] = external
		}
	}
	if want["maxMessageSize"] {
		tip["maxMessageSize"] = maxMessageSize
	}
	if want["deliveryRestriction"] {
		// A Microsoft 365 group that does not take mail from outside refuses
		// external senders; the caller is inside the tenant, so nothing here
		// restricts its delivery.
		tip["deliveryRestricted"] = false
	}
	if want["moderationStatus"] {
		tip["isModerated"] = false
	}
	if want["recipientScope"] {
		tip["recipientScope"] = scope
	}
	if want["recipientSuggestions"] {
		tip["recipientSuggestions"] = []any{}
	}
	return tip, nil
}

// automaticRepliesTip is the automatic replies tip of u now: the reply an
// internal sender gets, with its language and schedule, or an empty message
// when replies are off.
func automaticRepliesTip(ctx context.Context, tx *core.Tx, c *core.Call, u *core.User, now time.Time) (map[string]any, error) {
	s, err := loadSettings(ctx, tx, c, u.ID)
	if err != nil {
		return nil, err
	}
	text, on := autoReplyActive(ctx, tx, c, u.ID, now)
	if !on {
		return map[string]any{"message": ""}, nil
	}
	out := map[string]any{"message": text}
	if lang, ok := s["language"].(map[string]any); ok {
		out["messageLanguage"] = map[string]any{"locale": lang["locale"], "displayName": lang["displayName"]}
	}
	ar, _ := s["automaticRepliesSetting"].(map[string]any)
	if strings.EqualFold(core.Str(ar, "status"), "scheduled") {
		out["scheduledStartTime"] = ar["scheduledStartDateTime"]
		out["scheduledEndTime"] = ar["scheduledEndDateTime"]
	}
	return out, nil
}
