package cli

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/mail"
)

// newMailRulesCommand is `o365 mail rules ...`: inbox rules.
func newMailRulesCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List and manage inbox rules",
		Long: "Inbox rules act on the messages delivered to the Inbox, in order (# is a rule's place:\n" +
			"1 runs first). Commands that take a RULE take its #, its name or its id.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listRules(cmd.Context(), s) },
	}
	list := &cobra.Command{Use: "list", Short: "List the inbox rules in the order they run", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return listRules(cmd.Context(), s) }}
	show := &cobra.Command{Use: "show RULE", Short: "Show a rule's conditions, exceptions and actions", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			mb, rules, err := loadRules(ctx, s)
			if err != nil {
				return err
			}
			r, err := findRule(rules, args[0])
			if err != nil {
				return err
			}
			names, err := folderNames(ctx, mb, rules)
			if err != nil {
				return err
			}
			return s.Out().Print(r, func() *Table {
				return KeyValues([2]string{"Rule", r.DisplayName}, [2]string{"Place", strconv.Itoa(slices.Index(rules, r) + 1)},
					[2]string{"Enabled", Cell(r.IsEnabled)}, [2]string{"If", describeTerms(&r.Conditions, names, "all messages")},
					[2]string{"Unless", describeTerms(&r.Exceptions, names, "")}, [2]string{"Do", describeTerms(&r.Actions, names, "")},
					[2]string{"Error", map[bool]string{true: "the service cannot run this rule", false: ""}[r.HasError]},
					[2]string{"ID", r.ID})
			})
		}}
	cmd.AddCommand(list, show, newMailRulesCreateCommand(s),
		ruleCommand(s, "enable", "Turn inbox rules on", "enabled", func(ctx context.Context, r *mail.Rule) error { return r.SetEnabled(ctx, true) }),
		ruleCommand(s, "disable", "Turn inbox rules off", "disabled", func(ctx context.Context, r *mail.Rule) error { return r.SetEnabled(ctx, false) }),
		ruleCommand(s, "delete", "Delete inbox rules", "deleted", func(ctx context.Context, r *mail.Rule) error { return r.Delete(ctx) }),
		newMailRulesReorderCommand(s))
	return cmd
}

// loadRules lists the rules of the session's mailbox, in the order they
// run.
func loadRules(ctx context.Context, s *Session) (*mail.Mailbox, []*mail.Rule, error) {
	mb, err := mailbox(ctx, s)
	if err != nil {
		return nil, nil, err
	}
	rules, err := o365.Collect(mb.ListRules(ctx, nil))
	return mb, rules, err
}

// findRule finds a rule by its place (1 runs first), id or name.
func findRule(rules []*mail.Rule, arg string) (*mail.Rule, error) {
	for _, r := range rules {
		if r.ID == arg {
			return r, nil
		}
	}
	if n, err := strconv.Atoi(arg); err == nil && n >= 1 && n <= len(rules) {
		return rules[n-1], nil
	}
	var named []*mail.Rule
	for _, r := range rules {
		if strings.EqualFold(r.DisplayName, arg) {
			named = append(named, r)
		}
	}
	switch len(named) {
	case 1:
		return named[0], nil
	case 0:
		return nil, WithHint(notFoundError(fmt.Sprintf("no inbox rule is number, named or has the id %q", arg)),
			`list the rules with "o365 mail rules"`)
	}
	return nil, WithHint(UsageError("%d rules are named %q", len(named), arg), "give the rule's # or id instead")
}

func listRules(ctx context.Context, s *Session) error {
	mb, rules, err := loadRules(ctx, s)
	if err != nil {
		return err
	}
	if s.Out().JSONMode() {
		return s.Out().JSON(rules)
	}
	names, err := folderNames(ctx, mb, rules)
	if err != nil {
		return err
	}
	if len(rules) == 0 {
		s.Out().Notef(`No inbox rules. Create one with "o365 mail rules create NAME --if ... --do ...".`)
		return nil
	}
	t := NewTable("#", "Rule", "On", "If", "Do")
	for i, r := range rules {
		on := "yes"
		if !r.IsEnabled {
			on = "no"
		}
		if r.HasError {
			on += " (error)"
		}
		cond := describeTerms(&r.Conditions, names, "all messages")
		if ex := describeTerms(&r.Exceptions, names, ""); ex != "" {
			cond += "; unless " + ex
		}
		t.Add(i+1, r.DisplayName, on, cond, describeTerms(&r.Actions, names, ""))
	}
	return s.Out().Table(t)
}

// folderNames maps the ids of the folders rules move or copy to onto their
// names, for people; it lists the folders only when a rule names one.
func folderNames(ctx context.Context, mb *mail.Mailbox, rules []*mail.Rule) (map[string]string, error) {
	names := map[string]string{}
	if !slices.ContainsFunc(rules, func(r *mail.Rule) bool { return r.Actions.MoveToFolder != "" || r.Actions.CopyToFolder != "" }) {
		return names, nil
	}
	for f, err := range mb.ListFolders(ctx, nil, &mail.FolderOptions{Recursive: true, IncludeHidden: true}) {
		if err != nil {
			return nil, err
		}
		names[f.ID] = f.DisplayName
	}
	return names, nil
}

func newMailRulesCreateCommand(s *Session) *cobra.Command {
	var o struct {
		ifs, unless, do []string
		place           int
		disabled        bool
	}
	cmd := &cobra.Command{
		Use:   "create NAME --do ACTION [--if CONDITION] [--unless CONDITION]",
		Short: "Create an inbox rule",
		Long: `Create an inbox rule. Conditions (--if), exceptions (--unless) and actions (--do) are
Graph's names, as NAME=VALUE, or NAME alone for a yes/no one; repeat a flag for more.
A message gets the actions when it meets every --if and no --unless.

Conditions and exceptions:
  ` + strings.Join(ruleTermNames(mail.RulePredicates{}), ", ") + `
Actions:
  ` + strings.Join(ruleTermNames(mail.RuleActions{}), ", ") + `

Lists (subjectContains, fromAddresses, assignCategories ...) take one value per flag, or
several separated by commas; addresses are "a@b.c" or "Name <a@b.c>"; folders a well-known
name, a display name or an id; withinSizeRange is MIN-MAX in kilobytes; importance is
low, normal or high.`,
		Example: `  o365 mail rules create "Invoices" --if subjectContains=invoice --do moveToFolder=Finance --do markAsRead
  o365 mail rules create "Boss" --if fromAddresses=boss@contoso.com --unless isAutomaticReply --do markImportance=high --do stopProcessingRules
  o365 mail rules create "Big mail" --if withinSizeRange=5000-100000 --do assignCategories=Large --disabled`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(o.do) == 0 {
				return UsageError("give at least one action with --do, e.g. --do moveToFolder=Archive")
			}
			if o.place < 0 {
				return UsageError("--place must be 1 or more")
			}
			ctx := cmd.Context()
			mb, err := mailbox(ctx, s)
			if err != nil {
				return err
			}
			folder := func(name string) (string, error) { return resolveFolder(ctx, mb, name) }
			r := mb.NewRule(args[0])
			r.IsEnabled = !o.disabled
			for _, set := range []struct {
				flag  string
				terms []string
				into  any
			}{{"--if", o.ifs, &r.Conditions}, {"--unless", o.unless, &r.Exceptions}, {"--do", o.do, &r.Actions}} {
				for _, term := range set.terms {
					if err := setRuleTerm(set.into, term, folder); err != nil {
						var u *usageError
						if errors.As(err, &u) {
							return WithHint(UsageError("%s %s: %v", set.flag, term, u.err), `see "o365 mail rules create --help" for the names`)
						}
						return err
					}
				}
			}
			if err := r.Save(ctx); err != nil {
				return err
			}
			if o.place > 0 {
				if err := placeRule(ctx, mb, r.ID, o.place); err != nil {
					return err
				}
				if err := r.Refresh(ctx); err != nil {
					return err
				}
			}
			return s.Out().Print(r, func() *Table {
				return KeyValues([2]string{"Created", r.DisplayName}, [2]string{"Enabled", Cell(r.IsEnabled)}, [2]string{"ID", r.ID})
			})
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.ifs, "if", nil, "a condition, NAME=VALUE (repeatable)")
	f.StringArrayVar(&o.unless, "unless", nil, "an exception, NAME=VALUE (repeatable)")
	f.StringArrayVar(&o.do, "do", nil, "an action, NAME=VALUE or NAME (repeatable)")
	f.IntVar(&o.place, "place", 0, "where the rule runs: 1 first (default: after the others)")
	f.BoolVar(&o.disabled, "disabled", false, "create the rule turned off")
	return cmd
}

// placeRule moves rule id to place (1 first), keeping the others' order.
func placeRule(ctx context.Context, mb *mail.Mailbox, id string, place int) error {
	rules, err := o365.Collect(mb.ListRules(ctx, nil))
	if err != nil {
		return err
	}
	var order []string
	for _, r := range rules {
		if r.ID != id {
			order = append(order, r.ID)
		}
	}
	place = min(place, len(order)+1)
	order = slices.Insert(order, place-1, id)
	return mb.ReorderRules(ctx, order)
}

// ruleCommand is `mail rules VERB RULE...`: act on each rule named, each
// one's outcome reported as done.
func ruleCommand(s *Session, verb, short, done string, act func(context.Context, *mail.Rule) error) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " RULE...",
		Short: short,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			_, rules, err := loadRules(ctx, s)
			if err != nil {
				return err
			}
			return eachRule(s, rules, args, done, func(r *mail.Rule) error { return act(ctx, r) })
		},
	}
}

// eachRule finds every rule args name first (nothing is done when one is
// not found), then acts on each and prints the outcomes.
func eachRule(s *Session, rules []*mail.Rule, args []string, done string, act func(*mail.Rule) error) error {
	var targets []*mail.Rule
	for _, a := range args {
		r, err := findRule(rules, a)
		if err != nil {
			return err
		}
		if !slices.Contains(targets, r) {
			targets = append(targets, r)
		}
	}
	return actOnEach(s, "Rule", targets, func(r *mail.Rule) (string, string) { return r.ID, r.DisplayName }, done, act)
}

func newMailRulesReorderCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "reorder RULE...",
		Short: "Make rules run first, in the order given (the others follow in their order)",
		Example: "  o365 mail rules reorder Boss Invoices     # Boss runs first, then Invoices, then the rest\n" +
			"  o365 mail rules reorder 3                 # the third rule runs first",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			mb, rules, err := loadRules(ctx, s)
			if err != nil {
				return err
			}
			var ids []string
			for _, a := range args {
				r, err := findRule(rules, a)
				if err != nil {
					return err
				}
				if slices.Contains(ids, r.ID) {
					return UsageError("%s names rule %q twice", a, r.DisplayName)
				}
				ids = append(ids, r.ID)
			}
			if err := mb.ReorderRules(ctx, ids); err != nil {
				return err
			}
			return listRules(ctx, s)
		},
	}
}

// ruleTermNames lists the JSON names of the fields of a predicates or
// actions struct.
func ruleTermNames(v any) []string {
	var out []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		out = append(out, jsonName(t.Field(i)))
	}
	return out
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// ruleEnums are the values of the enumerated terms.
var ruleEnums = map[string][]string{
	"importance":        {mail.ImportanceLow, mail.ImportanceNormal, mail.ImportanceHigh},
	"markImportance":    {mail.ImportanceLow, mail.ImportanceNormal, mail.ImportanceHigh},
	"sensitivity":       {"normal", "personal", "private", "confidential"},
	"messageActionFlag": {"any", "call", "doNotForward", "followUp", "fyi", "forward", "noResponseNecessary", "read", "reply", "replyToAll", "review"},
}

// setRuleTerm reads a term, NAME=VALUE or NAME, into the field of into (a
// *mail.RulePredicates or *mail.RuleActions) whose JSON name is NAME
// (without regard to case). folder turns a folder's name into its id.
// Errors in the term are usage errors.
func setRuleTerm(into any, term string, folder func(string) (string, error)) error {
	name, value, hasValue := strings.Cut(term, "=")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	v := reflect.ValueOf(into).Elem()
	var field reflect.Value
	for i := range v.NumField() {
		if strings.EqualFold(jsonName(v.Type().Field(i)), name) {
			field, name = v.Field(i), jsonName(v.Type().Field(i))
			break
		}
	}
	if !field.IsValid() {
		return UsageError("%q is not one of the names", name)
	}
	switch field.Interface().(type) {
	case bool:
		on := true
		if hasValue {
			b, err := strconv.ParseBool(value)
			if err != nil {
				return UsageError("%s is yes or no: give %s alone, or %s=true or %s=false", name, name, name, name)
			}
			on = b
		}
		field.SetBool(on)
		return nil
	}
	if !hasValue || value == "" {
		return UsageError("%s needs a value: %s=VALUE", name, name)
	}
	switch field.Interface().(type) {
	case string:
		if name == "moveToFolder" || name == "copyToFolder" {
			id, err := folder(value)
			if err != nil {
				return err
			}
			value = id
		}
		if allowed, ok := ruleEnums[name]; ok {
			i := slices.IndexFunc(allowed, func(a string) bool { return strings.EqualFold(a, value) })
			if i < 0 {
				return UsageError("%s is one of %s", name, strings.Join(allowed, ", "))
			}
			value = allowed[i]
		}
		field.SetString(value)
	case []string:
		for part := range strings.SplitSeq(value, ",") {
			if part = strings.TrimSpace(part); part != "" {
				field.Set(reflect.Append(field, reflect.ValueOf(part)))
			}
		}
	case []o365.Recipient:
		list, err := mail.ParseAddressList(value)
		if err != nil {
			return UsageError("%v", err)
		}
		for _, a := range list {
			field.Set(reflect.Append(field, reflect.ValueOf(o365.Recipient{EmailAddress: a})))
		}
	case *mail.SizeRange:
		lo, hi, ok := strings.Cut(value, "-")
		minKB, err1 := strconv.Atoi(strings.TrimSpace(lo))
		maxKB, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if !ok || err1 != nil || err2 != nil || minKB < 0 || maxKB < minKB {
			return UsageError("%s is MIN-MAX in kilobytes, e.g. 100-5000", name)
		}
		field.Set(reflect.ValueOf(&mail.SizeRange{MinimumSize: minKB, MaximumSize: maxKB}))
	default:
		return fmt.Errorf("%s: unsupported type %s", name, field.Type())
	}
	return nil
}

// describeTerms is the set fields of a predicates or actions struct for
// people ("subjectContains invoice; markAsRead"); empty when none is set
// is shown as none.
func describeTerms(v any, folders map[string]string, none string) string {
	rv := reflect.ValueOf(v).Elem()
	var parts []string
	for i := range rv.NumField() {
		f := rv.Field(i)
		if f.IsZero() {
			continue
		}
		name := jsonName(rv.Type().Field(i))
		switch x := f.Interface().(type) {
		case bool:
			parts = append(parts, name)
		case string:
			if n, ok := folders[x]; ok {
				x = n
			}
			parts = append(parts, name+" "+x)
		case []string:
			parts = append(parts, name+" "+strings.Join(x, ", "))
		case []o365.Recipient:
			parts = append(parts, name+" "+addressList(x))
		case *mail.SizeRange:
			parts = append(parts, fmt.Sprintf("%s %d-%d KB", name, x.MinimumSize, x.MaximumSize))
		default:
			parts = append(parts, fmt.Sprintf("%s %v", name, x))
		}
	}
	if len(parts) == 0 {
		return none
	}
	return strings.Join(parts, "; ")
}
