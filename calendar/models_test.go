package calendar_test

import (
	"testing"

	"github.com/o365go/o365/calendar"
	"github.com/o365go/o365/internal/modeltest"
)

func TestModels(t *testing.T) {
	modeltest.Check(t, modeltest.Model{New: func() any { return new(calendar.Event) }, Types: []string{"event"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(calendar.Calendar) }, Types: []string{"calendar"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(calendar.CalendarGroup) }, Types: []string{"calendarGroup"}})
	modeltest.Check(t, modeltest.Model{New: func() any { return new(calendar.Permission) }, Types: []string{"calendarPermission"}})
	modeltest.CheckComplex(t, calendar.ScheduleInformation{}, "scheduleInformation", nil)
	modeltest.CheckComplex(t, calendar.MeetingTimeSuggestionsResult{}, "meetingTimeSuggestionsResult", nil)
}

func TestGraphLinks(t *testing.T) { modeltest.CheckGraphLinks(t, ".") }
