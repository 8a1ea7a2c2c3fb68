package rental

import "github.com/chance-video/chance/domain"

// Evolve records a fact in the state; it checks nothing.
func Evolve(s State, e domain.Event) State {
	switch e := e.(type) {
	case Rented:
		s = State{
			ID: e.RentalID, UserID: e.UserID, PremiereID: e.PremiereID, Title: e.Title,
			Terms: e.Terms, StartsAt: e.StartsAt, Hours: e.Hours, TermVersion: 1,
		}
	case TermChanged:
		s.Hours, s.TermVersion = e.Hours, e.TermVersion
	case Cancelled:
		s.Cancelled = true
	case ReminderDue:
		s.RemindedVersion = e.TermVersion
	case Expired:
		s.Expired = true
	}
	return s
}
