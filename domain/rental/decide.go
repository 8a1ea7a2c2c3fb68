package rental

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chance-video/chance/domain"
	"github.com/chance-video/chance/domain/term"
)

// Decider is the rental aggregate.
var Decider = domain.Decider[State, Command]{Initial: Initial, Decide: Decide, Evolve: Evolve, Version: 1}

// Errors a rental decides, beyond bad input.
var (
	ErrNotRented        = domain.NotFound("rental not found")
	ErrAlreadyRented    = domain.Conflict("this rental already exists")
	ErrCancelled        = domain.Conflict("the rental is cancelled")
	ErrEnded            = domain.Conflict("the term has ended")
	ErrTermChanged      = domain.Conflict("the term was changed meanwhile; quote again")
	ErrNotYetDue        = domain.Conflict("not due yet")
	ErrTooCheapToCharge = domain.Invalid("this term is too short to be priced")
	// ErrExtensionFree: under the rental's locked terms the added hours round to no
	// kopeck; granting them would give viewing time away (one free hour at a time).
	ErrExtensionFree = domain.Invalid("this extension is too short to be priced: the added hours cost nothing under the rental's terms; extend by more hours")
)

// Decide applies the rental rules to a command.
func Decide(c Command, s State) ([]domain.Event, error) {
	switch c := c.(type) {
	case Rent:
		return rent(c, s)
	case ChangeTerm:
		return changeTerm(c, s)
	case Cancel:
		return cancel(c, s)
	case Remind:
		return remind(c, s)
	case Expire:
		return expire(c, s)
	default:
		return nil, fmt.Errorf("rental: unknown command %T", c)
	}
}

func rent(c Rent, s State) ([]domain.Event, error) {
	if s.Exists() {
		return nil, ErrAlreadyRented
	}
	if err := c.Terms.Check(); err != nil {
		return nil, err
	}
	if err := term.CheckHours(c.Hours); err != nil {
		return nil, err
	}
	if err := term.CheckStart(c.StartsAt, c.Now); err != nil {
		return nil, err
	}
	price := c.Terms.Quote(c.Hours)
	if price <= 0 {
		return nil, ErrTooCheapToCharge
	}
	return []domain.Event{Rented{
		RentalID: c.RentalID, UserID: c.UserID, PremiereID: c.PremiereID, Title: c.Title,
		Terms: c.Terms, StartsAt: c.StartsAt, EndsAt: term.End(c.StartsAt, c.Hours), Hours: c.Hours,
		Price: price, Payment: c.Payment, At: c.Now,
	}}, nil
}

func changeTerm(c ChangeTerm, s State) ([]domain.Event, error) {
	if err := holding(s, c.Now); err != nil {
		return nil, err
	}
	if c.TermVersion != 0 && c.TermVersion != s.TermVersion {
		return nil, ErrTermChanged
	}
	if err := term.CheckHours(c.Hours); err != nil {
		return nil, err
	}
	if c.Hours == s.Hours {
		return nil, nil // already this term: nothing to change
	}
	newEnd := term.End(s.StartsAt, c.Hours)
	if !newEnd.After(c.Now) {
		return nil, domain.Invalid(fmt.Sprintf("a term of %d hours would end at %s, before now", c.Hours, newEnd.UTC().Format(time.RFC3339)))
	}
	delta := s.Terms.Quote(c.Hours) - s.Paid()
	if c.Hours > s.Hours && delta <= 0 {
		return nil, ErrExtensionFree
	}
	return []domain.Event{TermChanged{
		RentalID: s.ID, UserID: s.UserID, PremiereID: s.PremiereID,
		FromHours: s.Hours, Hours: c.Hours, EndsAt: newEnd, TermVersion: s.TermVersion + 1,
		Delta: delta, Payment: movedBy(c.Payment, delta != 0), At: c.Now,
	}}, nil
}

// movedBy is the payment an event names: none when no money moves (a zero refund or
// difference is no payment, and GET /billing/status would not know it).
func movedBy(payment uuid.UUID, moves bool) uuid.UUID {
	if !moves {
		return uuid.Nil
	}
	return payment
}

func cancel(c Cancel, s State) ([]domain.Event, error) {
	if err := holding(s, c.Now); err != nil {
		return nil, err
	}
	// Before the start everything is refunded; during the term, the hours used
	// (a started hour counting as used) are kept at the locked price.
	refund := max(s.Paid()-s.Terms.Quote(term.HoursUsed(s.StartsAt, c.Now)), 0)
	return []domain.Event{Cancelled{
		RentalID: s.ID, UserID: s.UserID, PremiereID: s.PremiereID,
		Refund: refund, Payment: movedBy(c.Payment, refund > 0), At: c.Now,
	}}, nil
}

func remind(c Remind, s State) ([]domain.Event, error) {
	if !s.Exists() {
		return nil, ErrNotRented
	}
	if s.Cancelled || s.Expired || c.TermVersion != s.TermVersion || s.RemindedVersion == s.TermVersion {
		return nil, nil // the term it was for is gone, or it was already sent
	}
	if c.Now.Before(s.ReminderAt()) {
		return nil, ErrNotYetDue
	}
	return []domain.Event{ReminderDue{
		RentalID: s.ID, UserID: s.UserID, PremiereID: s.PremiereID, Title: s.Title,
		TermVersion: s.TermVersion, EndsAt: s.EndsAt(), At: c.Now,
	}}, nil
}

func expire(c Expire, s State) ([]domain.Event, error) {
	if !s.Exists() {
		return nil, ErrNotRented
	}
	if s.Cancelled || s.Expired {
		return nil, nil // already over
	}
	if c.Now.Before(s.EndsAt()) {
		return nil, ErrNotYetDue
	}
	return []domain.Event{Expired{
		RentalID: s.ID, UserID: s.UserID, PremiereID: s.PremiereID, EndsAt: s.EndsAt(), At: c.Now,
	}}, nil
}

// holding rejects commands on a rental that does not hold its premiere any more.
func holding(s State, now time.Time) error {
	switch {
	case !s.Exists():
		return ErrNotRented
	case s.Cancelled:
		return ErrCancelled
	case s.Ended(now):
		return ErrEnded
	}
	return nil
}
