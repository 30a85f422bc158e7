package odata

import (
	"slices"
	"testing"
)

func TestProperties(t *testing.T) {
	tests := []struct {
		filter string
		want   []string
		all    bool
	}{
		{"isRead eq false and from/emailAddress/address eq 'a@b'", []string{"isRead", "from"}, false},
		{"toRecipients/any(r: r/emailAddress/address eq 'x') or IsRead eq true or isread eq false", []string{"toRecipients", "IsRead"}, false},
		{"attachments/all(a: a/size lt hasAttachments)", []string{"attachments", "hasAttachments"}, false},
		{"not (contains(subject, 'x')) and importance in ('high', body/contentType)", []string{"subject", "importance", "body"}, false},
		{"microsoft.graph.eventMessage/meetingMessageType eq 'x'", nil, true},
		{"true", nil, false},
	}
	for _, tt := range tests {
		e, err := ParseFilter(tt.filter)
		if err != nil {
			t.Fatalf("%s: %v", tt.filter, err)
		}
		names, all := Properties(e)
		if !slices.Equal(names, tt.want) || all != tt.all {
			t.Errorf("Properties(%s) = %v, %v; want %v, %v", tt.filter, names, all, tt.want, tt.all)
		}
	}
}

func TestSearchProperties(t *testing.T) {
	tests := []struct {
		search string
		fields []string
		want   []string
		all    bool
	}{
		{"pizza", []string{"subject", "body/content"}, []string{"subject", "body"}, false},
		{"from:bob AND NOT received:2026-01-05", nil, []string{"from", "receivedDateTime"}, false},
		{"pizza OR to:bob", nil, []string{"toRecipients"}, true},
	}
	for _, tt := range tests {
		q, err := CompileSearch(tt.search)
		if err != nil {
			t.Fatalf("%s: %v", tt.search, err)
		}
		names, all := q.Properties(tt.fields...)
		if !slices.Equal(names, tt.want) || all != tt.all {
			t.Errorf("Properties(%s, %v) = %v, %v; want %v, %v", tt.search, tt.fields, names, all, tt.want, tt.all)
		}
	}
}
