package senders

// Names of the consumers of notifications.Topic and of its poison topic on the bus.
//
// WARNING: a name is the consumer's identity on the bus (its Kafka consumer group, the
// handler a requeued dead letter goes to, the handler recorded with each dead letter):
// never rename one, or it re-consumes (or skips) every message and the dead letters
// recorded under the old name can no longer be requeued to it.
const (
	InboxHandler    = "chance.send-notify.inbox"
	EmailHandler    = "chance.send-notify.email" // .eml files or SMTP: the same channel, the same name
	SMSHandler      = "chance.send-notify.sms"
	TelegramHandler = "chance.send-notify.telegram"
	// DeadLetterHandler records the senders' dead letters in the read store.
	DeadLetterHandler = "chance.send-notify.poison.recorder"
)
