package term

import (
	"errors"
	"testing"
	"time"

	"github.com/chance-video/chance/domain"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func TestCheckHours(t *testing.T) {
	for _, ok := range []int{1, 48, 720} {
		if err := CheckHours(ok); err != nil {
			t.Errorf("CheckHours(%d) = %v", ok, err)
		}
	}
	for _, bad := range []int{0, -3, 721} {
		if err := CheckHours(bad); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CheckHours(%d) = %v, want invalid", bad, err)
		}
	}
}

func TestCheckStart(t *testing.T) {
	ok := []time.Time{now, now.Add(-StartGrace), now.Add(MaxLeadTime), now.Add(time.Hour)}
	for _, s := range ok {
		if err := CheckStart(s, now); err != nil {
			t.Errorf("CheckStart(%s) = %v", s, err)
		}
	}
	bad := []time.Time{now.Add(-StartGrace - time.Second), now.Add(MaxLeadTime + time.Second)}
	for _, s := range bad {
		if err := CheckStart(s, now); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("CheckStart(%s) = %v, want invalid", s, err)
		}
	}
}

func TestReminderLead(t *testing.T) {
	cases := map[int]time.Duration{
		1:   15 * time.Minute, // 25% of an hour
		48:  12 * time.Hour,
		96:  24 * time.Hour,
		720: 24 * time.Hour, // capped
	}
	for hours, want := range cases {
		if got := ReminderLead(hours); got != want {
			t.Errorf("ReminderLead(%d) = %s, want %s", hours, got, want)
		}
	}
	if got, want := ReminderAt(now, 48), now.Add(36*time.Hour); !got.Equal(want) {
		t.Errorf("ReminderAt = %s, want %s", got, want)
	}
}

func TestHoursUsed(t *testing.T) {
	cases := []struct {
		at   time.Time
		want int
	}{
		{now.Add(-time.Hour), 0}, // before the start
		{now, 0},
		{now.Add(time.Second), 1}, // a started hour counts as used
		{now.Add(time.Hour), 1},
		{now.Add(time.Hour + time.Nanosecond), 2},
	}
	for _, c := range cases {
		if got := HoursUsed(now, c.at); got != c.want {
			t.Errorf("HoursUsed(+%s) = %d, want %d", c.at.Sub(now), got, c.want)
		}
	}
}
