package mail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/o365go/o365"
)

// Rule is Graph's messageRule: an inbox rule. Outlook applies the enabled
// rules to every message delivered to the Inbox, in the order of their
// Sequence: a message that meets the Conditions and none of the Exceptions
// gets the Actions, and StopProcessingRules keeps later rules from seeing
// it. Build one with Mailbox.NewRule and Save it; change fields of a loaded
// one and Save it: only the changes are sent.
type Rule struct {
	o365.Object
	ID          string `json:"id,omitzero" o365:"readonly"`
	DisplayName string `json:"displayName,omitzero"`
	// Sequence orders the rules: lower runs first.
	Sequence int `json:"sequence,omitzero"`
	// IsEnabled is sent when the rule is created, false included.
	IsEnabled  bool           `json:"isEnabled,omitzero"`
	Conditions RulePredicates `json:"conditions,omitzero"`
	Exceptions RulePredicates `json:"exceptions,omitzero"`
	Actions    RuleActions    `json:"actions,omitzero"`
	// HasError is set when the service cannot run the rule (a folder it
	// moves to was deleted ...).
	HasError bool `json:"hasError,omitzero" o365:"readonly"`
	// IsReadOnly is set on rules made by other clients that Graph cannot
	// change.
	IsReadOnly bool `json:"isReadOnly,omitzero" o365:"readonly"`
}

// UnmarshalJSONFrom decodes the rule and keeps its JSON (see o365.Object).
func (r *Rule) UnmarshalJSONFrom(d *jsontext.Decoder) error {
	type plain Rule
	return o365.DecodeObject(d, (*plain)(r))
}

// MarshalJSON encodes the rule as the service sent it, with the program's
// changes (see o365.Object).
func (r Rule) MarshalJSON() ([]byte, error) {
	type plain Rule
	return o365.MarshalObject((*plain)(&r))
}

// RulePredicates is Graph's messageRulePredicates: the conditions (or
// exceptions) of a Rule. A message meets them when it meets every one that
// is set; a list is met by any of its values. Text conditions compare
// without regard to case.
type RulePredicates struct {
	BodyContains          []string         `json:"bodyContains,omitzero"`
	BodyOrSubjectContains []string         `json:"bodyOrSubjectContains,omitzero"`
	Categories            []string         `json:"categories,omitzero"`
	FromAddresses         []o365.Recipient `json:"fromAddresses,omitzero"`
	HasAttachments        bool             `json:"hasAttachments,omitzero"`
	HeaderContains        []string         `json:"headerContains,omitzero"`
	// Importance is ImportanceLow, ImportanceNormal or ImportanceHigh.
	Importance             string `json:"importance,omitzero"`
	IsApprovalRequest      bool   `json:"isApprovalRequest,omitzero"`
	IsAutomaticForward     bool   `json:"isAutomaticForward,omitzero"`
	IsAutomaticReply       bool   `json:"isAutomaticReply,omitzero"`
	IsEncrypted            bool   `json:"isEncrypted,omitzero"`
	IsMeetingRequest       bool   `json:"isMeetingRequest,omitzero"`
	IsMeetingResponse      bool   `json:"isMeetingResponse,omitzero"`
	IsNonDeliveryReport    bool   `json:"isNonDeliveryReport,omitzero"`
	IsPermissionControlled bool   `json:"isPermissionControlled,omitzero"`
	IsReadReceipt          bool   `json:"isReadReceipt,omitzero"`
	IsSigned               bool   `json:"isSigned,omitzero"`
	IsVoicemail            bool   `json:"isVoicemail,omitzero"`
	// MessageActionFlag is "any", "call", "doNotForward", "followUp",
	// "fyi", "forward", "noResponseNecessary", "read", "reply",
	// "replyToAll" or "review".
	MessageActionFlag string   `json:"messageActionFlag,omitzero"`
	NotSentToMe       bool     `json:"notSentToMe,omitzero"`
	RecipientContains []string `json:"recipientContains,omitzero"`
	SenderContains    []string `json:"senderContains,omitzero"`
	// Sensitivity is "normal", "personal", "private" or "confidential".
	Sensitivity     string           `json:"sensitivity,omitzero"`
	SentCcMe        bool             `json:"sentCcMe,omitzero"`
	SentOnlyToMe    bool             `json:"sentOnlyToMe,omitzero"`
	SentToAddresses []o365.Recipient `json:"sentToAddresses,omitzero"`
	SentToMe        bool             `json:"sentToMe,omitzero"`
	SentToOrCcMe    bool             `json:"sentToOrCcMe,omitzero"`
	SubjectContains []string         `json:"subjectContains,omitzero"`
	WithinSizeRange *SizeRange       `json:"withinSizeRange,omitzero"`
}

// SizeRange is Graph's sizeRange: message sizes in kilobytes, both bounds
// included.
type SizeRange struct {
	MinimumSize int `json:"minimumSize,omitzero"`
	MaximumSize int `json:"maximumSize,omitzero"`
}

// RuleActions is Graph's messageRuleActions: what a Rule does to a message.
// Folders are named by id (see Mailbox.GetFolderByName).
type RuleActions struct {
	AssignCategories      []string         `json:"assignCategories,omitzero"`
	CopyToFolder          string           `json:"copyToFolder,omitzero"`
	Delete                bool             `json:"delete,omitzero"`
	ForwardAsAttachmentTo []o365.Recipient `json:"forwardAsAttachmentTo,omitzero"`
	ForwardTo             []o365.Recipient `json:"forwardTo,omitzero"`
	MarkAsRead            bool             `json:"markAsRead,omitzero"`
	// MarkImportance is ImportanceLow, ImportanceNormal or ImportanceHigh.
	MarkImportance      string           `json:"markImportance,omitzero"`
	MoveToFolder        string           `json:"moveToFolder,omitzero"`
	PermanentDelete     bool             `json:"permanentDelete,omitzero"`
	RedirectTo          []o365.Recipient `json:"redirectTo,omitzero"`
	StopProcessingRules bool             `json:"stopProcessingRules,omitzero"`
}

// rulesPath is where the inbox rules live: Graph keeps them on the Inbox.
const rulesPath = "mailFolders/inbox/messageRules"

// rulePath is "mailFolders/inbox/messageRules/{id}" with the id escaped.
func rulePath(id string) string { return rulesPath + "/" + o365.Path(id) }

// ListRules lists the mailbox's inbox rules, in the order they run
// (by Sequence) unless q orders them.
//
// Graph: GET /me/mailFolders/inbox/messageRules
// (https://learn.microsoft.com/graph/api/mailfolder-list-messagerules).
func (m *Mailbox) ListRules(ctx context.Context, q *o365.Query) iter.Seq2[*Rule, error] {
	return func(yield func(*Rule, error) bool) {
		rules, err := o365.Collect(o365.List[Rule](ctx, m.acct, &o365.Request{Path: rulesPath, Query: q}))
		if err != nil {
			yield(nil, fmt.Errorf("mail: list rules: %w", err))
			return
		}
		if q == nil {
			// Exchange keeps a few dozen rules at most: ordering them
			// here costs nothing and is what a reader expects.
			slices.SortStableFunc(rules, func(a, b *Rule) int { return cmp.Compare(a.Sequence, b.Sequence) })
		}
		for _, r := range rules {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// GetRule loads one inbox rule by id.
//
// Graph: GET /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-get).
func (m *Mailbox) GetRule(ctx context.Context, id string) (*Rule, error) {
	r, err := o365.Get[Rule](ctx, m.acct, &o365.Request{Path: rulePath(id)})
	if err != nil {
		return nil, fmt.Errorf("mail: get rule %q: %w", id, err)
	}
	return r, nil
}

// Rule returns the inbox rule with the given id without a request: enough
// to Delete it, SetEnabled it, or set fields and Save them.
func (m *Mailbox) Rule(id string) *Rule {
	r := &Rule{ID: id}
	_ = o365.Bind(r, m.acct, rulePath(id))
	return r
}

// NewRule returns a new, enabled inbox rule named name to fill in and
// Save. Without a Sequence, Save puts it after the existing rules.
func (m *Mailbox) NewRule(name string) *Rule {
	r := &Rule{DisplayName: name, IsEnabled: true}
	_ = o365.BindNew(r, m.acct, rulesPath)
	return r
}

// ErrRuleNoActions is returned by Save for a new rule without actions:
// Graph requires them.
var ErrRuleNoActions = errors.New("mail: a rule needs at least one action")

// Save creates the rule, or PATCHes the fields changed since it was loaded.
//
// Creating is exactly-once: Save notes the ids of the rules before it
// creates one, and after an answer that may hide a created rule it looks
// for a new rule of the same name instead of creating a second. A new rule
// without a Sequence is put after the existing rules.
//
// Graph: POST /me/mailFolders/inbox/messageRules
// (https://learn.microsoft.com/graph/api/mailfolder-post-messagerules),
// PATCH /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-update).
func (r *Rule) Save(ctx context.Context) error {
	if r.Account() == nil {
		return ErrUnbound
	}
	if r.Exists() {
		if err := o365.Save(ctx, r); err != nil {
			return fmt.Errorf("mail: update rule %q: %w", r.ID, err)
		}
		return nil
	}
	if err := r.create(ctx); err != nil {
		return fmt.Errorf("mail: create rule %q: %w", r.DisplayName, err)
	}
	return nil
}

func (r *Rule) create(ctx context.Context) error {
	if r.DisplayName == "" {
		return errors.New("the rule has no name")
	}
	if r.Actions.isZero() {
		return ErrRuleNoActions
	}
	acct := r.Account()
	mb := New(acct)
	before := map[string]bool{}
	last := 0
	for old, err := range mb.ListRules(ctx, nil) {
		if err != nil {
			return err
		}
		before[old.ID] = true
		last = max(last, old.Sequence)
	}
	if r.Sequence == 0 {
		r.Sequence = last + 1
	}
	body, err := o365.Changes(r)
	if err != nil {
		return err
	}
	// isEnabled goes whatever its value: a rule created disabled must not
	// take the service's default.
	if body["isEnabled"], err = o365.EncodeJSON(r.IsEnabled); err != nil {
		return err
	}
	err = o365.Once(ctx, func() error {
		_, err := acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: rulesPath, Body: body}, r)
		return err
	}, func() (bool, error) {
		for now, err := range mb.ListRules(ctx, nil) {
			if err != nil {
				return false, fmt.Errorf("looking for the rule: %w", err)
			}
			if !before[now.ID] && now.DisplayName == r.DisplayName {
				*r = *now
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	return o365.Bind(r, acct, rulePath(r.ID))
}

// isZero reports whether no action is set.
func (a *RuleActions) isZero() bool {
	return len(a.AssignCategories) == 0 && a.CopyToFolder == "" && !a.Delete && len(a.ForwardAsAttachmentTo) == 0 &&
		len(a.ForwardTo) == 0 && !a.MarkAsRead && a.MarkImportance == "" && a.MoveToFolder == "" && !a.PermanentDelete &&
		len(a.RedirectTo) == 0 && !a.StopProcessingRules
}

// Refresh reloads the rule from the service, discarding unsaved changes.
//
// Graph: GET /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-get).
func (r *Rule) Refresh(ctx context.Context) error {
	if err := o365.Refresh(ctx, r, nil); err != nil {
		return fmt.Errorf("mail: refresh rule %q: %w", r.ID, err)
	}
	return nil
}

// SetEnabled turns the rule on or off, whatever else was edited.
//
// Graph: PATCH /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-update).
func (r *Rule) SetEnabled(ctx context.Context, enabled bool) error {
	if err := o365.Ready(r); err != nil {
		return err
	}
	req := r.Request(http.MethodPatch, "", map[string]bool{"isEnabled": enabled})
	req.Idempotent = true
	if _, err := r.Account().Do(ctx, req, nil); err != nil {
		return fmt.Errorf("mail: enable rule %q: %w", r.ID, err)
	}
	r.IsEnabled = enabled
	return nil
}

// Delete deletes the rule.
//
// Graph: DELETE /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-delete).
func (r *Rule) Delete(ctx context.Context) error {
	if err := o365.Delete(ctx, r); err != nil {
		return fmt.Errorf("mail: delete rule %q: %w", r.ID, err)
	}
	return nil
}

// ReorderRules makes the rules run in the order of ids (the first first),
// followed by the rules ids leaves out, in their present order: every rule
// gets its place as its Sequence (1, 2, ...) by a PATCH, in that order, so
// the result is the same whether the service shifts the others when one
// moves (as Exchange does with priorities) or not. Every id must name a
// rule; nothing is changed otherwise.
//
// Graph: PATCH /me/mailFolders/inbox/messageRules/{id}
// (https://learn.microsoft.com/graph/api/messagerule-update).
func (m *Mailbox) ReorderRules(ctx context.Context, ids []string) error {
	rules, err := o365.Collect(m.ListRules(ctx, nil))
	if err != nil {
		return fmt.Errorf("mail: reorder rules: %w", err)
	}
	byID := map[string]*Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	order := make([]*Rule, 0, len(rules))
	named := map[string]bool{}
	for _, id := range ids {
		r, ok := byID[id]
		if !ok {
			return fmt.Errorf("mail: reorder rules: %w: no rule has the id %q", o365.ErrNotFound, id)
		}
		if named[id] {
			return fmt.Errorf("mail: reorder rules: the id %q is given twice", id)
		}
		named[id] = true
		order = append(order, r)
	}
	for _, r := range rules {
		if !named[r.ID] {
			order = append(order, r)
		}
	}
	for i, r := range order {
		req := r.Request(http.MethodPatch, "", map[string]int{"sequence": i + 1})
		req.Idempotent = true
		if _, err := m.acct.Do(ctx, req, nil); err != nil {
			return fmt.Errorf("mail: reorder rules: moving %q to place %d: %w", r.DisplayName, i+1, err)
		}
	}
	return nil
}
