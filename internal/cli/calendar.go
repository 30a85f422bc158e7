package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/o365go/o365"
	"github.com/o365go/o365/calendar"
)

// newCalendarCommand is `o365 calendar ...`.
func newCalendarCommand(s *Session) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calendar",
		Short: "Read and organise calendars, events and meetings",
		Long: "Read and organise Outlook calendars: the agenda, events and recurring series, meetings and\n" +
			"their answers, free/busy, iCalendar export. Every command works on the signed-in user's\n" +
			"calendar, or another's with --resource user:bob@contoso.com (or a group's: group:ID), and\n" +
			"prints JSON with --json. Commands that take an event ID also take its number (#) in the\n" +
			"last \"calendar agenda\" table: o365 calendar show 3.\n\n" +
			"Dates are ISO: 2026-12-03, 2026-12-03T10:00 or 2026-12-03T10:00:00+01:00, read in the\n" +
			"local zone (or --tz) unless they carry an offset.",
	}
	cmd.AddCommand(
		newCalendarListCommand(s), newCalendarAgendaCommand(s), newCalendarShowCommand(s),
		newCalendarCreateCommand(s), newCalendarUpdateCommand(s), newCalendarDeleteCommand(s),
		newCalendarCancelCommand(s), newCalendarRespondCommand(s), newCalendarFreeCommand(s),
		newCalendarExportCommand(s),
	)
	return cmd
}

// schedule returns the schedule of the session's account; sites have none.
func schedule(ctx context.Context, s *Session) (*calendar.Schedule, error) {
	acct, err := s.Account(ctx)
	if err != nil {
		return nil, err
	}
	if r := acct.Resource(); r.Kind() == o365.KindSite {
		return nil, UsageError("--resource %s: a SharePoint site has no calendar", r)
	}
	return calendar.New(acct), nil
}

// zoneFlag reads --tz (an IANA or Windows name), else the local zone.
func zoneFlag(name string) (*time.Location, error) {
	if name == "" {
		return time.Local, nil
	}
	loc, err := o365.LoadZone(name)
	if err != nil {
		return nil, WithHint(UsageError("--tz %q is not a time zone", name), "use an IANA name such as Europe/Berlin, or a Windows name such as \"W. Europe Standard Time\"")
	}
	return loc, nil
}

// dateLayouts are the ISO forms dates are accepted in; natural-language
// dates ("tomorrow 10:00") would need a well-kept parser the project does
// not take on.
var dateLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"}

// parseWhen reads a date or a date and time in loc (an explicit offset
// wins); dateOnly reports a date without a time.
func parseDate(flag, v string, loc *time.Location) (t time.Time, dateOnly bool, err error) {
	v = strings.TrimSpace(v)
	if t, err := time.ParseInLocation(time.DateOnly, v, loc); err == nil {
		return t, true, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.In(loc), false, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, false, nil
		}
	}
	return time.Time{}, false, WithHint(UsageError("%s %q is not a date", flag, v),
		"write it as 2026-12-03 or 2026-12-03T10:00 (natural-language dates such as \"tomorrow\" are not understood)")
}

// eventArg turns an event id or a row number of the last agenda into an
// id, and returns the schedule it is in.
func eventArg(ctx context.Context, s *Session, arg string) (*calendar.Schedule, string, error) {
	id, err := s.eventID(arg)
	if err != nil {
		return nil, "", err
	}
	sc, err := schedule(ctx, s)
	return sc, id, err
}

func newCalendarListCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the calendars, shared ones included",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			if sc.Account().Resource().Kind() == o365.KindGroup {
				def, err := sc.GetDefaultCalendar(ctx)
				if err != nil {
					return err
				}
				return printCalendars(s, []*calendar.Calendar{def})
			}
			cals, err := o365.Collect(sc.ListCalendars(ctx, nil))
			if err != nil {
				return err
			}
			return printCalendars(s, cals)
		},
	}
}

func printCalendars(s *Session, cals []*calendar.Calendar) error {
	return s.Out().Print(cals, func() *Table {
		t := NewTable("Name", "Owner", "Color", "Default", "Can edit", "ID")
		for _, c := range cals {
			def := ""
			if c.IsDefaultCalendar {
				def = "yes"
			}
			edit := "no"
			if c.CanEdit {
				edit = "yes"
			}
			t.Add(c.Name, c.Owner.String(), c.Color, def, edit, c.ID)
		}
		return t
	})
}

// calendarByName resolves --calendar (a name or an id).
func calendarByName(ctx context.Context, sc *calendar.Schedule, name string) (*calendar.Calendar, error) {
	if name == "" {
		return sc.DefaultCalendar(), nil
	}
	c, err := sc.GetCalendarByName(ctx, name)
	if err == nil {
		return c, nil
	}
	if !errors.Is(err, calendar.ErrCalendarNotFound) {
		return nil, err
	}
	if c, gerr := sc.GetCalendar(ctx, name, nil); gerr == nil {
		return c, nil
	}
	return nil, WithHint(fmt.Errorf("no calendar named or with id %q: %w", name, err), "run `o365 calendar list` to see the calendars")
}

func newCalendarAgendaCommand(s *Session) *cobra.Command {
	var from, to, calName, tz string
	cmd := &cobra.Command{
		Use:   "agenda",
		Short: "List what the calendar holds, day by day (today to a week ahead by default)",
		Long: "List the events and the occurrences of recurring series between --from and --to (today\n" +
			"to a week ahead by default), grouped by day in the local zone (or --tz). Rows are\n" +
			"numbered: other calendar commands take the number for the event.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			loc, err := zoneFlag(tz)
			if err != nil {
				return err
			}
			now := time.Now().In(loc)
			start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
			end := start.AddDate(0, 0, 7)
			if from != "" {
				if start, _, err = parseDate("--from", from, loc); err != nil {
					return err
				}
			}
			if to != "" {
				var dateOnly bool
				if end, dateOnly, err = parseDate("--to", to, loc); err != nil {
					return err
				}
				if dateOnly {
					end = end.AddDate(0, 0, 1) // --to names the last day
				}
			} else if from != "" {
				end = start.AddDate(0, 0, 7)
			}
			if !end.After(start) {
				return UsageError("--to (%s) is not after --from (%s)", end.Format(time.DateTime), start.Format(time.DateTime))
			}
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			var view func(context.Context, time.Time, time.Time, *o365.Query) iter.Seq2[*calendar.Event, error]
			if calName == "" {
				view = sc.CalendarView
			} else {
				c, err := calendarByName(ctx, sc, calName)
				if err != nil {
					return err
				}
				view = c.CalendarView
			}
			var evs []*calendar.Event
			for ev, err := range view(ctx, start, end, o365.NewQuery().Top(100)) {
				if err != nil {
					return err
				}
				evs = append(evs, ev)
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(evs)
			}
			ids := make([]string, len(evs))
			for i, ev := range evs {
				ids[i] = ev.ID
			}
			t := NewTable("#", "Day", "Time", "Subject", "Location", "Status")
			lastDay := ""
			for i, ev := range evs {
				day, when := agendaTimes(ev, loc)
				if day == lastDay {
					day = ""
				} else {
					lastDay = day
				}
				t.Add(i+1, day, when, ev.Subject, ev.Location.DisplayName, eventStatus(ev))
			}
			if err := s.Out().Table(t); err != nil {
				return err
			}
			if len(evs) == 0 {
				s.Out().Notef("nothing from %s to %s", start.Format("Mon 2 Jan 15:04"), end.Format("Mon 2 Jan 15:04 MST"))
			}
			s.rememberEventHandles(ids)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first day or time (default today)")
	cmd.Flags().StringVar(&to, "to", "", "last day, or end time (default a week after --from)")
	cmd.Flags().StringVar(&calName, "calendar", "", "a calendar's name or id (default the default calendar)")
	cmd.Flags().StringVar(&tz, "tz", "", "the zone to show times in (IANA or Windows name; default local)")
	return cmd
}

// agendaTimes is an event's day and time range as the agenda shows them.
func agendaTimes(ev *calendar.Event, loc *time.Location) (day, when string) {
	if ev.IsAllDay {
		first, last, err := ev.Dates()
		if err != nil {
			return "?", "?"
		}
		when = "all day"
		if !last.Equal(first) {
			when = "all day, to " + last.Format("Mon 2 Jan")
		}
		return first.Format("Mon 2 Jan 2006"), when
	}
	st, err := ev.StartTime()
	if err != nil {
		return "?", "?"
	}
	en, err := ev.EndTime()
	if err != nil {
		return "?", "?"
	}
	st, en = st.In(loc), en.In(loc)
	when = st.Format("15:04") + "-" + en.Format("15:04")
	if en.YearDay() != st.YearDay() || en.Year() != st.Year() {
		when = st.Format("15:04") + "-" + en.Format("Mon 15:04")
	}
	return st.Format("Mon 2 Jan 2006"), when
}

// eventStatus is what the agenda says of an event: the user's answer to a
// meeting, a series marker, cancellation.
func eventStatus(ev *calendar.Event) string {
	var parts []string
	if ev.IsCancelled {
		parts = append(parts, "cancelled")
	}
	switch {
	case ev.IsOrganizer && len(ev.Attendees) > 0:
		parts = append(parts, "organizer")
	case ev.ResponseStatus != nil && ev.ResponseStatus.Response != "" && ev.ResponseStatus.Response != calendar.ResponseOrganizer && ev.ResponseStatus.Response != calendar.ResponseNone:
		parts = append(parts, ev.ResponseStatus.Response)
	}
	switch ev.Type {
	case calendar.Occurrence:
		parts = append(parts, "recurring")
	case calendar.Exception:
		parts = append(parts, "recurring, changed")
	}
	if ev.IsOnlineMeeting {
		parts = append(parts, "online")
	}
	return strings.Join(parts, ", ")
}

func newCalendarShowCommand(s *Session) *cobra.Command {
	var tz string
	cmd := &cobra.Command{
		Use:   "show ID|#",
		Short: "Show an event: times, place, attendees and their answers, recurrence, body",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			loc, err := zoneFlag(tz)
			if err != nil {
				return err
			}
			sc, id, err := eventArg(ctx, s, args[0])
			if err != nil {
				return err
			}
			if !s.Out().JSONMode() {
				sc = calendar.New(sc.Account(), o365.WithPrefer(`outlook.body-content-type="text"`))
			}
			ev, err := sc.GetEvent(ctx, id, nil)
			if err != nil {
				return err
			}
			return s.Out().Print(ev, func() *Table { return eventTable(ev, loc) })
		},
	}
	cmd.Flags().StringVar(&tz, "tz", "", "the zone to show times in (default local)")
	return cmd
}

// eventTable is one event for people.
func eventTable(ev *calendar.Event, loc *time.Location) *Table {
	day, when := agendaTimes(ev, loc)
	pairs := [][2]string{{"Subject", ev.Subject}, {"When", day + " " + when}}
	if ev.Location.DisplayName != "" {
		pairs = append(pairs, [2]string{"Where", ev.Location.DisplayName})
	}
	if ev.Organizer.EmailAddress.Address != "" {
		pairs = append(pairs, [2]string{"Organizer", ev.Organizer.EmailAddress.String()})
	}
	for _, a := range ev.Attendees {
		st := calendar.ResponseNone
		if a.Status != nil && a.Status.Response != "" {
			st = a.Status.Response
		}
		pairs = append(pairs, [2]string{"Attendee", fmt.Sprintf("%s (%s, %s)", a.EmailAddress.String(), a.Type, st)})
	}
	if ev.ResponseStatus != nil && !ev.IsOrganizer {
		pairs = append(pairs, [2]string{"Your answer", ev.ResponseStatus.Response})
	}
	if ev.Recurrence != nil {
		pairs = append(pairs, [2]string{"Repeats", describeRecurrence(ev.Recurrence)})
	}
	if status := eventStatus(ev); status != "" {
		pairs = append(pairs, [2]string{"Status", status})
	}
	if u := ev.JoinURL(); u != "" {
		pairs = append(pairs, [2]string{"Join", u})
	}
	pairs = append(pairs, [2]string{"ID", ev.ID})
	if body := strings.TrimSpace(ev.Body.Content); body != "" {
		pairs = append(pairs, [2]string{"", ""}, [2]string{"Body", body})
	}
	return KeyValues(pairs...)
}

// describeRecurrence says a recurrence in words.
func describeRecurrence(r *o365.PatternedRecurrence) string {
	p, g := r.Pattern, r.Range
	every := ""
	if p.Interval > 1 {
		every = fmt.Sprintf(" every %d", p.Interval)
	}
	var what string
	switch p.Type {
	case "daily":
		what = "daily" + every
	case "weekly":
		what = "weekly" + every + " on " + strings.Join(p.DaysOfWeek, ", ")
	case "absoluteMonthly":
		what = fmt.Sprintf("monthly%s on day %d", every, p.DayOfMonth)
	case "relativeMonthly":
		what = fmt.Sprintf("monthly%s on the %s %s", every, p.Index, strings.Join(p.DaysOfWeek, "/"))
	case "absoluteYearly":
		what = fmt.Sprintf("yearly on %s %d", time.Month(p.Month), p.DayOfMonth)
	case "relativeYearly":
		what = fmt.Sprintf("yearly on the %s %s of %s", p.Index, strings.Join(p.DaysOfWeek, "/"), time.Month(p.Month))
	default:
		what = p.Type
	}
	switch g.Type {
	case "endDate":
		return what + ", until " + g.EndDate
	case "numbered":
		return fmt.Sprintf("%s, %d times", what, g.NumberOfOccurrences)
	}
	return what + ", from " + g.StartDate
}

// eventFlags are the flags create and update share.
type eventFlags struct {
	subject, start, end, tz, location, body, repeat, until, calName string
	duration                                                        time.Duration
	attendees, optional                                             []string
	allDay, online, html                                            bool
	count                                                           int
}

func (f *eventFlags) register(cmd *cobra.Command, create bool) {
	cmd.Flags().StringVar(&f.subject, "subject", "", "the subject")
	cmd.Flags().StringVar(&f.start, "start", "", "start: 2026-12-03T10:00 (a date with --all-day)")
	cmd.Flags().StringVar(&f.end, "end", "", "end: 2026-12-03T11:00 (the last date with --all-day)")
	cmd.Flags().DurationVar(&f.duration, "duration", 0, "length instead of --end, e.g. 30m or 1h30m")
	cmd.Flags().StringVar(&f.tz, "tz", "", "the event's zone (IANA or Windows name; default local)")
	cmd.Flags().BoolVar(&f.allDay, "all-day", false, "an all-day event: --start and --end are dates")
	cmd.Flags().StringVar(&f.location, "location", "", "where")
	cmd.Flags().StringVar(&f.body, "body", "", "the description")
	cmd.Flags().BoolVar(&f.html, "html", false, "--body is HTML")
	cmd.Flags().StringArrayVar(&f.attendees, "attendee", nil, "invite a required attendee (repeatable)")
	cmd.Flags().StringArrayVar(&f.optional, "optional", nil, "invite an optional attendee (repeatable)")
	cmd.Flags().BoolVar(&f.online, "online", false, "make it a Teams meeting")
	if create {
		cmd.Flags().StringVar(&f.repeat, "repeat", "", "daily, weekly[:mon,wed], monthly or yearly (from --start)")
		cmd.Flags().StringVar(&f.until, "until", "", "with --repeat: the last day")
		cmd.Flags().IntVar(&f.count, "count", 0, "with --repeat: how many times")
		cmd.Flags().StringVar(&f.calName, "calendar", "", "a calendar's name or id (default the default calendar)")
		cmd.MarkFlagsMutuallyExclusive("end", "duration")
		cmd.MarkFlagsMutuallyExclusive("until", "count")
	}
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// rule reads --repeat, --until and --count; start is the event's start.
func (f *eventFlags) rule(start time.Time, loc *time.Location) (calendar.Rule, error) {
	kind, days, _ := strings.Cut(strings.ToLower(strings.TrimSpace(f.repeat)), ":")
	var r calendar.Rule
	switch kind {
	case "daily":
		r = calendar.Daily()
	case "weekly":
		on := []time.Weekday{start.Weekday()}
		if days != "" {
			on = nil
			for d := range strings.SplitSeq(days, ",") {
				wd, ok := weekdayNames[strings.TrimSpace(d)[:min(3, len(strings.TrimSpace(d)))]]
				if !ok {
					return r, WithHint(UsageError("--repeat %q: %q is not a weekday", f.repeat, d), "write days as mon,tue,wed,thu,fri,sat,sun")
				}
				on = append(on, wd)
			}
		}
		r = calendar.Weekly(on...)
	case "monthly":
		r = calendar.MonthlyOn(start.Day())
	case "yearly":
		r = calendar.YearlyOn(start.Month(), start.Day())
	default:
		return r, WithHint(UsageError("--repeat %q is not a pattern", f.repeat), "use daily, weekly, weekly:mon,wed, monthly or yearly")
	}
	switch {
	case f.count > 0:
		r = r.Count(f.count)
	case f.until != "":
		d, _, err := parseDate("--until", f.until, loc)
		if err != nil {
			return r, err
		}
		r = r.Until(d)
	}
	return r, nil
}

// apply sets the flags the user gave on ev; creating requires a subject
// and times.
func (f *eventFlags) apply(cmd *cobra.Command, ev *calendar.Event, creating bool) error {
	changed := cmd.Flags().Changed
	loc, err := zoneFlag(f.tz)
	if err != nil {
		return err
	}
	if changed("subject") {
		ev.Subject = f.subject
	}
	if changed("location") {
		ev.SetLocation(f.location)
	}
	if changed("body") {
		if f.html {
			ev.SetHTML(f.body)
		} else {
			ev.SetText(f.body)
		}
	}
	if changed("online") {
		ev.IsOnlineMeeting = f.online
	}
	for _, a := range f.attendees {
		if err := ev.AddAttendee(a, calendar.Required); err != nil {
			return UsageError("--attendee %q: %v", a, err)
		}
	}
	for _, a := range f.optional {
		if err := ev.AddAttendee(a, calendar.Optional); err != nil {
			return UsageError("--optional %q: %v", a, err)
		}
	}
	if creating && f.start == "" {
		return UsageError("--start is required")
	}
	if !changed("start") && !changed("end") && !changed("duration") && !changed("all-day") {
		return nil
	}
	if f.start == "" {
		return UsageError("changing the times needs --start too")
	}
	start, dateOnly, err := parseDate("--start", f.start, loc)
	if err != nil {
		return err
	}
	if f.allDay {
		if !dateOnly {
			return UsageError("--all-day takes dates: --start %q has a time", f.start)
		}
		last := start
		if f.end != "" {
			if last, _, err = parseDate("--end", f.end, loc); err != nil {
				return err
			}
		}
		if last.Before(start) {
			return UsageError("--end (%s) is before --start (%s)", f.end, f.start)
		}
		ev.SetAllDay(start, last)
		return nil
	}
	if dateOnly {
		return WithHint(UsageError("--start %q has no time", f.start), "give a time (2026-12-03T10:00) or add --all-day")
	}
	var end time.Time
	switch {
	case f.end != "":
		if end, _, err = parseDate("--end", f.end, loc); err != nil {
			return err
		}
	case f.duration > 0:
		end = start.Add(f.duration)
	default:
		return UsageError("give --end or --duration")
	}
	if !end.After(start) {
		return UsageError("the event ends (%s) before it starts (%s)", end.Format(time.DateTime), start.Format(time.DateTime))
	}
	ev.SetTimes(start, end)
	return nil
}

func newCalendarCreateCommand(s *Session) *cobra.Command {
	f := &eventFlags{}
	cmd := &cobra.Command{
		Use:   "create --subject S --start T (--end T|--duration D) [flags]",
		Short: "Create an event or a meeting (attendees are invited), possibly recurring",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			cal, err := calendarByName(ctx, sc, f.calName)
			if err != nil {
				return err
			}
			ev := cal.NewEvent()
			if f.calName == "" {
				ev = sc.NewEvent()
			}
			if err := f.apply(cmd, ev, true); err != nil {
				return err
			}
			if f.repeat != "" {
				loc, _ := zoneFlag(f.tz)
				start, err := ev.StartTime()
				if err != nil {
					return err
				}
				r, err := f.rule(start.In(loc), loc)
				if err != nil {
					return err
				}
				if err := ev.Repeat(r); err != nil {
					return UsageError("--repeat: %v", err)
				}
			} else if f.until != "" || f.count > 0 {
				return UsageError("--until and --count need --repeat")
			}
			if err := ev.Save(ctx); err != nil {
				return err
			}
			loc, _ := zoneFlag(f.tz)
			return s.Out().Print(ev, func() *Table { return eventTable(ev, loc) })
		},
	}
	f.register(cmd, true)
	_ = cmd.MarkFlagRequired("subject")
	return cmd
}

func newCalendarUpdateCommand(s *Session) *cobra.Command {
	f := &eventFlags{}
	cmd := &cobra.Command{
		Use:   "update ID|# [flags]",
		Short: "Change an event (an occurrence's ID changes that occurrence only); attendees get the update",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sc, id, err := eventArg(ctx, s, args[0])
			if err != nil {
				return err
			}
			ev, err := sc.GetEvent(ctx, id, nil)
			if err != nil {
				return err
			}
			if err := f.apply(cmd, ev, false); err != nil {
				return err
			}
			if err := ev.Save(ctx); err != nil {
				return err
			}
			loc, _ := zoneFlag(f.tz)
			return s.Out().Print(ev, func() *Table { return eventTable(ev, loc) })
		},
	}
	f.register(cmd, false)
	return cmd
}

func newCalendarDeleteCommand(s *Session) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID|#...",
		Short: "Delete events (an occurrence's ID deletes that occurrence); a meeting's attendees get a cancellation",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			var outs []outcome
			var missing []string
			for _, a := range args {
				id, err := s.eventID(a)
				if err != nil {
					return err
				}
				o := outcome{ID: id, Done: true, Result: "deleted"}
				if err := sc.Event(id).Delete(ctx); errors.Is(err, o365.ErrNotFound) {
					o.Done, o.Result, o.Status = false, "not found", 404
					missing = append(missing, a)
				} else if err != nil {
					return err
				}
				outs = append(outs, o)
			}
			if err := s.Out().Print(outs, func() *Table {
				t := NewTable("Event", "Result")
				for i, o := range outs {
					t.Add(args[i], o.Result)
				}
				return t
			}); err != nil {
				return err
			}
			if len(missing) > 0 {
				return WithHint(notFoundError(fmt.Sprintf("%d of %d events were not found: %s", len(missing), len(args), strings.Join(missing, ", "))),
					`check the ids, or list the events with "o365 calendar agenda"`)
			}
			return nil
		},
	}
}

func newCalendarCancelCommand(s *Session) *cobra.Command {
	var comment string
	cmd := &cobra.Command{
		Use:   "cancel ID|#",
		Short: "Cancel a meeting you organize (or one occurrence), telling the attendees why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			sc, id, err := eventArg(ctx, s, args[0])
			if err != nil {
				return err
			}
			if err := sc.Event(id).Cancel(ctx, comment); err != nil {
				return err
			}
			return s.Out().Print(map[string]string{"id": id, "result": "cancelled"}, func() *Table {
				return KeyValues([2]string{"Cancelled", id})
			})
		},
	}
	cmd.Flags().StringVar(&comment, "comment", "", "a message to the attendees")
	return cmd
}

func newCalendarRespondCommand(s *Session) *cobra.Command {
	var comment string
	var noSend bool
	cmd := &cobra.Command{
		Use:   "respond ID|# accept|tentative|decline",
		Short: "Answer a meeting invitation (a series, one occurrence or a single meeting)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			answers := []string{"accept", "tentative", "decline"}
			answer := strings.ToLower(args[1])
			if !slices.Contains(answers, answer) {
				return UsageError("%q is not an answer: use accept, tentative or decline", args[1])
			}
			sc, id, err := eventArg(ctx, s, args[0])
			if err != nil {
				return err
			}
			ev := sc.Event(id)
			opts := &calendar.ResponseOptions{Comment: comment, NoResponse: noSend}
			switch answer {
			case "accept":
				err = ev.Accept(ctx, opts)
			case "tentative":
				err = ev.TentativelyAccept(ctx, opts)
			default:
				err = ev.Decline(ctx, opts)
			}
			if err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"id": id, "response": ev.ResponseStatus.Response, "sent": !noSend}, func() *Table {
				return KeyValues([2]string{"Answered", ev.ResponseStatus.Response}, [2]string{"Told the organizer", map[bool]string{true: "no", false: "yes"}[noSend]})
			})
		},
	}
	cmd.Flags().StringVar(&comment, "comment", "", "a message to the organizer")
	cmd.Flags().BoolVar(&noSend, "no-send", false, "record the answer without telling the organizer")
	return cmd
}

func newCalendarFreeCommand(s *Session) *cobra.Command {
	var users []string
	var from, to, tz string
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "free --users a,b [--from T] [--to T]",
		Short: "Show when people are free or busy, as a grid (working hours of today by default)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			loc, err := zoneFlag(tz)
			if err != nil {
				return err
			}
			now := time.Now().In(loc)
			start := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, loc)
			end := start.Add(10 * time.Hour)
			if from != "" {
				var dateOnly bool
				if start, dateOnly, err = parseDate("--from", from, loc); err != nil {
					return err
				}
				if dateOnly {
					start = start.Add(8 * time.Hour)
				}
				end = start.Add(10 * time.Hour)
			}
			if to != "" {
				if end, _, err = parseDate("--to", to, loc); err != nil {
					return err
				}
			}
			if !end.After(start) {
				return UsageError("--to is not after --from")
			}
			if interval < 5*time.Minute || interval%time.Minute != 0 {
				return UsageError("--interval %s: use whole minutes, at least 5m", interval)
			}
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			info, err := sc.GetSchedule(ctx, users, start, end, interval)
			if err != nil {
				return err
			}
			if s.Out().JSONMode() {
				return s.Out().JSON(info)
			}
			return s.Out().Table(freeGrid(info, start, end, interval, loc))
		},
	}
	cmd.Flags().StringSliceVar(&users, "users", nil, "the people to look at (addresses, comma separated)")
	cmd.Flags().StringVar(&from, "from", "", "start (default 08:00 today)")
	cmd.Flags().StringVar(&to, "to", "", "end (default ten hours after --from)")
	cmd.Flags().StringVar(&tz, "tz", "", "the zone of the grid (default local)")
	cmd.Flags().DurationVar(&interval, "interval", 30*time.Minute, "the length of one column")
	_ = cmd.MarkFlagRequired("users")
	return cmd
}

// freeSymbols are the grid's cells for the availability view's digits.
var freeSymbols = map[byte]string{'0': ".", '1': "t", '2': "#", '3': "o", '4': "w"}

// freeGrid draws one row per person and one column per interval: "." free,
// "t" tentative, "#" busy, "o" away, "w" elsewhere; the hours are marked in
// the header.
func freeGrid(info []calendar.ScheduleInformation, start, end time.Time, interval time.Duration, loc *time.Location) *Table {
	var header strings.Builder
	for at := start; at.Before(end); at = at.Add(interval) {
		if at.In(loc).Minute() == 0 || at.Equal(start) {
			label := at.In(loc).Format("15")
			header.WriteString(label[:1])
			continue
		}
		header.WriteString(" ")
	}
	t := NewTable("Who", "From "+start.In(loc).Format("Mon 2 Jan 15:04")+" (. free, t tentative, # busy, o away, w elsewhere)")
	t.Add("", header.String())
	for _, si := range info {
		if si.Error != nil {
			t.Add(si.ScheduleID, "unknown: "+si.Error.Message)
			continue
		}
		var row strings.Builder
		for i := 0; i < len(si.AvailabilityView); i++ {
			sym, ok := freeSymbols[si.AvailabilityView[i]]
			if !ok {
				sym = "?"
			}
			row.WriteString(sym)
		}
		t.Add(si.ScheduleID, row.String())
	}
	return t
}

func newCalendarExportCommand(s *Session) *cobra.Command {
	var from, to, file, tz string
	var force bool
	cmd := &cobra.Command{
		Use:   "export (ID|# | --from D --to D) --ics FILE",
		Short: "Save an event, a series or a window as an iCalendar (.ics) file (- for stdout)",
		Long: "Save an event (a series with its exceptions and cancelled occurrences), or everything\n" +
			"between --from and --to, as an RFC 5545 iCalendar file. An existing FILE is kept unless\n" +
			"--force replaces it.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if (len(args) == 1) == (from != "" || to != "") {
				return UsageError("give an event ID or --from and --to, not both or neither")
			}
			if file != "-" && !force {
				if _, err := os.Lstat(file); err == nil {
					return WithHint(UsageError("%s exists", file), "add --force to replace it, or choose another --ics file")
				}
			}
			sc, err := schedule(ctx, s)
			if err != nil {
				return err
			}
			var write func(io.Writer) error
			if len(args) == 1 {
				id, err := s.eventID(args[0])
				if err != nil {
					return err
				}
				write = func(w io.Writer) error { return sc.ExportEvent(ctx, w, id) }
			} else {
				if from == "" || to == "" {
					return UsageError("--from and --to go together")
				}
				loc, err := zoneFlag(tz)
				if err != nil {
					return err
				}
				start, _, err := parseDate("--from", from, loc)
				if err != nil {
					return err
				}
				end, dateOnly, err := parseDate("--to", to, loc)
				if err != nil {
					return err
				}
				if dateOnly {
					end = end.AddDate(0, 0, 1)
				}
				write = func(w io.Writer) error { return sc.ExportView(ctx, w, start, end) }
			}
			if file == "-" {
				return write(s.Out().Writer())
			}
			n, err := saveNew(file, "--ics", force, func(w io.Writer) (int64, error) {
				cw := &countingWriter{w: w}
				err := write(cw)
				return cw.n, err
			})
			if err != nil {
				return err
			}
			return s.Out().Print(map[string]any{"file": file, "bytes": n}, func() *Table {
				return KeyValues([2]string{"Saved", file}, [2]string{"Size", humanSize(n)})
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "first day of the window")
	cmd.Flags().StringVar(&to, "to", "", "last day of the window")
	cmd.Flags().StringVar(&tz, "tz", "", "the zone --from and --to are read in (default local)")
	cmd.Flags().StringVar(&file, "ics", "", "the file to write")
	cmd.Flags().BoolVar(&force, "force", false, "replace FILE if it exists")
	_ = cmd.MarkFlagRequired("ics")
	return cmd
}

// countingWriter counts what passes through.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
