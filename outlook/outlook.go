// Package outlook holds what Outlook items share across service packages:
// the attachments of messages, events and To Do tasks (file, item and
// reference attachments, inline ones, upload sessions above 3 MB, in Graph's
// and Office 365's dialects), MAPI extended properties, and the client id
// that makes creating an item exactly-once. It is the one small shared
// package service packages may import besides the root; they re-export what
// their users need with type aliases (mail.Attachment is
// outlook.Attachment), so a program rarely imports it itself.
package outlook

import (
	"strings"

	"github.com/o365go/o365"
)

// Sizes of Outlook attachments, the same on Graph and Office 365.
const (
	// MaxAttachmentSize is the largest attachment Outlook accepts (through
	// an upload session).
	MaxAttachmentSize = 150 << 20
	// SessionThreshold is the size from which an attachment goes through
	// an upload session instead of one POST (Graph: "under 3 MB").
	SessionThreshold = 3 << 20
	// InlineBudget is how much attachment content (base64 included) rides
	// inside one request that creates or sends an item: Graph caps a
	// request at 4 MB.
	InlineBudget = 3 << 20
)

// ClientIDProperty is a named MAPI string property (PS_PUBLIC_STRINGS) that
// holds an id the client chose. An item created with it can be found again
// when the answer of its creation was lost (see o365.Once), instead of being
// created twice; messages, events and contacts all carry it the same way.
const ClientIDProperty = "String {00020329-0000-0000-C000-000000000046} Name o365go.clientId"

// ExtendedProperty is Graph's singleValueLegacyExtendedProperty: a MAPI
// property the item resources do not expose, such as "SystemTime 0x3FEF".
type ExtendedProperty struct {
	ID    string `json:"id,omitzero"`
	Value string `json:"value,omitzero"`
}

// MultiValueExtendedProperty is Graph's multiValueLegacyExtendedProperty.
type MultiValueExtendedProperty struct {
	ID    string   `json:"id,omitzero"`
	Value []string `json:"value,omitzero"`
}

// ClientIDFilter is the $filter that finds the items carrying clientID in
// ClientIDProperty.
func ClientIDFilter(clientID string) o365.Filter {
	return o365.Any("singleValueExtendedProperties", "ep",
		o365.And(o365.Eq("ep/id", ClientIDProperty), o365.Eq("ep/value", clientID)))
}

// SetExtendedProperty sets a single-value property in props, replacing one
// with the same id (ids compare case-insensitively, as Exchange's do).
func SetExtendedProperty(props []ExtendedProperty, id, value string) []ExtendedProperty {
	for i, p := range props {
		if strings.EqualFold(p.ID, id) {
			props = append([]ExtendedProperty(nil), props...)
			props[i].Value = value
			return props
		}
	}
	return append(props, ExtendedProperty{ID: id, Value: value})
}

// LookupExtendedProperty returns the value of a single-value property in
// props, or "".
func LookupExtendedProperty(props []ExtendedProperty, id string) string {
	for _, p := range props {
		if strings.EqualFold(p.ID, id) {
			return p.Value
		}
	}
	return ""
}
