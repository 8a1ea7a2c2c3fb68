// Package eventlog is the vocabulary of the event store: what an event looks like on
// the way in (EventData) and on the way out (Record), how an append states the stream
// revision it expects, and the Store port every adapter implements.
//
// Command handlers need Append and ReadStream; projectors and process managers need
// ReadAll and Subscribe. Each of those packages declares the smaller interface it uses;
// Store is the whole contract that eventstoretest checks every adapter against.
package eventlog
