// Package integration carries the event log to the rest of the shop and beyond: a
// forwarder follows the log and publishes every event on a topic per stream
// category, keyed by its stream (so one aggregate's events stay in order), with the
// event id as the message id (consumers deduplicate by it). The notification policy
// and, on Kafka, the billing history consume these topics.
package integration

import "strings"

// Topics of events, one per stream category.
//
// WARNING: never rename one: consumers subscribed to the old name would stop
// receiving, and a Kafka topic under the old name keeps the events not yet consumed.
const (
	TopicAccounts  = "chance.events.accounts"
	TopicRentals   = "chance.events.rentals"
	TopicUsers     = "chance.events.users"
	TopicPremieres = "chance.events.premieres"
	TopicCarts     = "chance.events.carts"
)

// Topics lists every event topic.
func Topics() []string {
	return []string{TopicAccounts, TopicRentals, TopicUsers, TopicPremieres, TopicCarts}
}

// categories maps a stream id's prefix (its category) to its topic. A user's email
// guard ("email-<hash>") belongs with the users.
var categories = map[string]string{
	"account":  TopicAccounts,
	"rental":   TopicRentals,
	"user":     TopicUsers,
	"email":    TopicUsers,
	"premiere": TopicPremieres,
	"cart":     TopicCarts,
}

// TopicOf is the topic of a stream's events; false for a stream of no known category.
func TopicOf(streamID string) (string, bool) {
	category, _, found := strings.Cut(streamID, "-")
	if !found {
		return "", false
	}
	topic, ok := categories[category]
	return topic, ok
}
