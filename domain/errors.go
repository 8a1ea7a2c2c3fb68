package domain

import "errors"

// Categories of domain errors. Every error a decider returns wraps one of them, so
// the HTTP layer maps errors to problem responses in one place without knowing
// each aggregate.
var (
	ErrInvalid  = errors.New("invalid")   // bad input: 400
	ErrNotFound = errors.New("not found") // unknown thing: 404
	ErrConflict = errors.New("conflict")  // not possible in the current state: 409
	ErrFunds    = errors.New("insufficient funds")
	// ErrUnprocessable: a well-formed request this shop cannot carry out (a
	// notification channel it is not set up to send on): 422.
	ErrUnprocessable = errors.New("unprocessable")
)

// Error is a domain error with a human-readable detail and a category.
type Error struct {
	Kind   error  // one of the categories above
	Detail string // says what is wrong, for the customer
}

func (e *Error) Error() string { return e.Detail }
func (e *Error) Unwrap() error { return e.Kind }

// Invalid, NotFound, Conflict and Unprocessable build domain errors of each category.
func Invalid(detail string) error       { return &Error{Kind: ErrInvalid, Detail: detail} }
func NotFound(detail string) error      { return &Error{Kind: ErrNotFound, Detail: detail} }
func Conflict(detail string) error      { return &Error{Kind: ErrConflict, Detail: detail} }
func Unprocessable(detail string) error { return &Error{Kind: ErrUnprocessable, Detail: detail} }
