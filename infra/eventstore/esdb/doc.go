// Package esdb is the production event store: an eventlog.Store over EventStoreDB (or
// KurrentDB), through EventStore-Client-Go v4. It is the only package that imports the
// client.
//
// Mapping:
//   - a stream is an EventStoreDB stream; a Record's revision is the event number and its
//     position the event's $all commit/prepare position pair;
//   - the port's event ids are the EventStoreDB event ids, so the server itself
//     recognises a retried append; metadata is the event's JSON user metadata, the
//     payload its JSON data;
//   - ReadAll, Subscribe and Head read $all without system events: types and streams
//     starting with "$" are the server's own and never reach the application.
//
// Where the port asks more than the server gives, the adapter does the rest itself
// (each place is marked in the code):
//   - idempotency (idempotency.go): the server recognises a retry only in some cases and
//     silently writes a second copy in others (the same ids at the stream's current
//     revision, or under Any once reordered). So every Append first reads the stream's
//     tail — one extra round trip — and decides retry / conflict / write as the port
//     defines; the server's own check still covers an identical append racing it;
//   - conflicts (errors.go): the client reports a wrong expected version only as text;
//     the adapter reads the stream's actual revision from it;
//   - ReadAll and Head filter system events on the client side, since the v4 client
//     has no filtered reads; Subscribe filters on the server (event types) and on the
//     client (stream names);
//   - Subscribe resubscribes from the last delivered position when the subscription
//     drops, and replaces the client when it has shut itself down (conn.go).
//
// WARNING: servers before 22.6 do not report $all positions on stream reads: Records from
// ReadStream then have the zero Position, and a retried append answers with it.
// Use 22.6 or later.
//
// WARNING: appends to streams, and event types, starting with "$" are refused
// (ErrInvalidAppend): the server reserves them, and this store would hide such events
// from ReadAll and Subscribe.
package esdb
