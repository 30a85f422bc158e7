package vcard

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	tests := []struct {
		p    Property
		want Date
	}{
		{Property{Name: "BDAY", Value: "19850412"}, Date{1985, time.April, 12}},
		{Property{Name: "BDAY", Value: "--0412"}, Date{0, time.April, 12}},
		{Property{Name: "BDAY", Value: "1985-04-12"}, Date{1985, time.April, 12}},
		{Property{Name: "BDAY", Value: "--04-12"}, Date{0, time.April, 12}},
		{Property{Name: "BDAY", Value: "1985-04-12T00:00:00Z"}, Date{1985, time.April, 12}},
		{Property{Name: "BDAY", Value: "2000-02-29"}, Date{2000, time.February, 29}},
		{Property{Name: "BDAY", Value: "--0229"}, Date{0, time.February, 29}},
		{Property{Name: "BDAY", Params: Params{"X-APPLE-OMIT-YEAR": {"1604"}}, Value: "1604-05-16"}, Date{0, time.May, 16}},
	}
	for _, tt := range tests {
		got, err := tt.p.Date()
		if err != nil || got != tt.want {
			t.Errorf("Date(%q) = %+v, %v; want %+v", tt.p.Value, got, err, tt.want)
		}
		if back, err := NewDate("BDAY", got).Date(); err != nil || back != got {
			t.Errorf("NewDate(%+v) = %q reads as %+v, %v", got, NewDate("BDAY", got).Value, back, err)
		}
	}
	if NewDate("bday", Date{1985, time.April, 12}).Value != "19850412" || NewDate("BDAY", Date{0, time.April, 2}).Value != "--0402" {
		t.Error("NewDate forms")
	}
	for _, v := range []string{"", "1985", "1985-13-01", "19850230", "2001-02-29", "--1301", "--0431", "April 12", "1985/04/12"} {
		p := Property{Name: "BDAY", Value: v}
		if d, err := p.Date(); err == nil {
			t.Errorf("Date(%q) = %+v, want an error", v, d)
		}
	}
}
