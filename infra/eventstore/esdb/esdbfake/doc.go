// Package esdbfake is an in-process PROTOCOL FAKE of EventStoreDB for tests: a gRPC server
// on 127.0.0.1 that implements, over an in-memory log, just enough of the server
// interfaces shipped with EventStore-Client-Go v4 for the real client to run against it.
//
// It is NOT evidence of server compatibility. It mimics the wire protocol as the v4.2.0
// client uses it, and the server behaviour the adapter relies on, as documented by
// EventStoreDB; where the real server differs in ways this fake does not reproduce
// (ACLs, scavenging, explicit transactions, the exact log positions, link events,
// projections, clusters and gossip), only a run against a real server can tell.
//
// What it implements:
//   - ServerFeatures.GetSupportedMethods, which the client calls when it connects (it
//     advertises no BatchAppend, so the client never uses it);
//   - Streams.Append with every expected-revision kind, the wrong-expected-version answer
//     with its current/expected fields, and the server's own idempotency for NoStream and
//     exact revisions (ids already stored at the implied revisions succeed without writing);
//   - Streams.Read of a stream (forwards or backwards, stream-not-found), of $all
//     (forwards from a position inclusive, backwards exclusive, as the server does), and
//     catch-up subscriptions to $all with event-type or stream filters, checkpoints,
//     caught-up, then live delivery.
//
// Like a fresh server, the log starts with system events, and every append is followed by
// a system event in a "$"-stream, so adapters must filter them. The events of one append
// share a commit position and have distinct, lower prepare positions (the classic
// transaction layout), so an adapter that keeps only one half of a position fails.
//
// Test hooks: WriteSystemEvents writes a run of system events; DropSubscriptions cuts
// the subscriptions active now; DropSubscriptionsAfter cuts every later subscription
// after it has sent n events; Stop and Restart take the server away and bring it back on
// the same address with the same log; WaitSubscriptions waits until a number of
// subscriptions has been started.
//
// The gossip service is not implemented: connect with a single-node URL,
// esdb://127.0.0.1:PORT?tls=false (Server.URL), never esdb+discover or several hosts.
package esdbfake
