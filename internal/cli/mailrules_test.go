package cli

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
)

func TestSetRuleTerm(t *testing.T) {
	t.Parallel()
	folder := func(name string) (string, error) {
		if name == "nowhere" {
			return "", errors.New("no folder named nowhere")
		}
		return "id-of-" + name, nil
	}
	bob := o365.Recipient{EmailAddress: o365.EmailAddress{Address: "bob@contoso.com"}}
	ann := o365.Recipient{EmailAddress: o365.EmailAddress{Name: "Ann", Address: "ann@contoso.com"}}
	for _, tc := range []struct {
		terms []string
		want  any
		err   string
	}{
		{[]string{"subjectContains=invoice", "SUBJECTCONTAINS=bill, receipt"}, &mail.RulePredicates{SubjectContains: []string{"invoice", "bill", "receipt"}}, ""},
		{[]string{"hasAttachments", "isAutomaticReply=false", "sentToMe=true"}, &mail.RulePredicates{HasAttachments: true, SentToMe: true}, ""},
		{[]string{"fromAddresses=bob@contoso.com, Ann <ann@contoso.com>"}, &mail.RulePredicates{FromAddresses: []o365.Recipient{bob, ann}}, ""},
		{[]string{"importance=HIGH", "sensitivity=private"}, &mail.RulePredicates{Importance: "high", Sensitivity: "private"}, ""},
		{[]string{"withinSizeRange=100-2048"}, &mail.RulePredicates{WithinSizeRange: &mail.SizeRange{MinimumSize: 100, MaximumSize: 2048}}, ""},
		{[]string{"withinSizeRange=2048-100"}, nil, "MIN-MAX in kilobytes"},
		{[]string{"withinSizeRange=big"}, nil, "MIN-MAX in kilobytes"},
		{[]string{"importance=urgent"}, nil, "importance is one of low, normal, high"},
		{[]string{"hasAttachments=maybe"}, nil, "yes or no"},
		{[]string{"subjectContains"}, nil, "needs a value"},
		{[]string{"subjectContains="}, nil, "needs a value"},
		{[]string{"fromAddresses=not an address"}, nil, ""},
		{[]string{"colour=red"}, nil, `"colour" is not one of the names`},
	} {
		got := &mail.RulePredicates{}
		var err error
		for _, term := range tc.terms {
			if err = setRuleTerm(got, term, folder); err != nil {
				break
			}
		}
		if tc.want == nil {
			var u *usageError
			if err == nil || !errors.As(err, &u) || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want a usage error containing %q", tc.terms, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %+v, %v; want %+v", tc.terms, got, err, tc.want)
		}
	}

	acts := &mail.RuleActions{}
	for _, term := range []string{"moveToFolder=Finance", "markAsRead", "markImportance=low", "assignCategories=Bills", "forwardTo=bob@contoso.com", "stopProcessingRules"} {
		if err := setRuleTerm(acts, term, folder); err != nil {
			t.Fatalf("%s: %v", term, err)
		}
	}
	want := &mail.RuleActions{MoveToFolder: "id-of-Finance", MarkAsRead: true, MarkImportance: "low", AssignCategories: []string{"Bills"},
		ForwardTo: []o365.Recipient{bob}, StopProcessingRules: true}
	if !reflect.DeepEqual(acts, want) {
		t.Fatalf("actions %+v", acts)
	}
	if err := setRuleTerm(acts, "copyToFolder=nowhere", folder); err == nil || !strings.Contains(err.Error(), "nowhere") {
		t.Fatalf("unknown folder: %v", err)
	}
	if got := describeTerms(acts, map[string]string{"id-of-Finance": "Finance"}, ""); got !=
		"assignCategories Bills; forwardTo bob@contoso.com; markAsRead; markImportance low; moveToFolder Finance; stopProcessingRules" {
		t.Fatalf("describe: %q", got)
	}
	if got := describeTerms(&mail.RulePredicates{}, nil, "all messages"); got != "all messages" {
		t.Fatalf("describe nothing: %q", got)
	}
}

func TestPlainText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`<style type="text/css">p {margin:0}</style><div><p>Hi, I am on vacation &amp; back<br>on Monday.</p></div>`: "Hi, I am on vacation & back on Monday.",
		"plain\r\n  text":                   "plain text",
		strings.Repeat("a", 100):            strings.Repeat("a", 79) + "…",
		"<HEAD><title>x</title></HEAD>body": "body",
	} {
		if got := plainText(in, 80); got != want {
			t.Errorf("plainText(%q) = %q, want %q", in, got, want)
		}
	}
}
