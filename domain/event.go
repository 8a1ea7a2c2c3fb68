package domain

// Event is a fact an aggregate decided. EventType is an explicit, versioned name
// ("rental.rented.v1") that is stored with the event.
//
// WARNING: a stored event type name must never change; renaming the Go type is fine.
//
// An event's Go fields are not its stored form: domain/codec stores each event type as
// a payload type of its own and maps between the two, so events carry no JSON tags and
// may change as long as the codec's mapping keeps the stored payload as it is.
type Event interface {
	EventType() string
}
