package domain

// Event is a fact an aggregate decided. EventType is an explicit, versioned name
// ("rental.rented.v1") that is stored with the event.
//
// WARNING: a stored event type name must never change; renaming the Go type is fine.
type Event interface {
	EventType() string
}
