// Package term holds the rules of a viewing term: how long it may be, when it may
// start, when its reminder is due and how many hours of it have been used.
package term

import (
	"fmt"
	"time"

	"github.com/chance-video/chance/domain"
)

// Limits of a term and of its start.
const (
	MinHours = 1
	MaxHours = 720 // 30 days

	// StartGrace lets a start chosen "now" on a slow client still be accepted.
	StartGrace = 5 * time.Minute
	// MaxLeadTime is how far ahead a term may be booked.
	MaxLeadTime = 30 * 24 * time.Hour

	maxReminderLead = 24 * time.Hour
)

// CheckHours rejects a term outside 1..720 whole hours.
func CheckHours(hours int) error {
	if hours < MinHours || hours > MaxHours {
		return domain.Invalid(fmt.Sprintf("period must be a whole number of hours from %d to %d, got %d", MinHours, MaxHours, hours))
	}
	return nil
}

// CheckStart rejects a start in the past (beyond a few minutes) or more than 30 days ahead.
func CheckStart(start, now time.Time) error {
	if start.Before(now.Add(-StartGrace)) {
		return domain.Invalid(fmt.Sprintf("starts_at %s is in the past", start.UTC().Format(time.RFC3339)))
	}
	if start.After(now.Add(MaxLeadTime)) {
		return domain.Invalid(fmt.Sprintf("starts_at %s is more than 30 days ahead", start.UTC().Format(time.RFC3339)))
	}
	return nil
}

// End is when a term of hours starting at start ends.
func End(start time.Time, hours int) time.Time {
	return start.Add(time.Duration(hours) * time.Hour)
}

// ReminderLead is how long before the end the reminder is due: min(24h, 25% of the term).
func ReminderLead(hours int) time.Duration {
	return min(maxReminderLead, time.Duration(hours)*time.Hour/4)
}

// ReminderAt is when the reminder of a term is due.
func ReminderAt(start time.Time, hours int) time.Time {
	return End(start, hours).Add(-ReminderLead(hours))
}

// HoursUsed counts the hours of a term used by now, a started hour counting as used.
func HoursUsed(start, now time.Time) int {
	if !now.After(start) {
		return 0
	}
	elapsed := now.Sub(start)
	used := int(elapsed / time.Hour)
	if elapsed%time.Hour != 0 {
		used++
	}
	return used
}
