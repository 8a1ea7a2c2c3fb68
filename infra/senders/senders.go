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
	// DeadLetterHandler records the dead letters of every consumer in the read store:
	// the senders', and the notification policy's and the billing feed's, whose
	// failures go to the same poison topic (its name says send-notify for history:
	// renaming it would strand the dead letters waiting in a Kafka topic).
	DeadLetterHandler = "chance.send-notify.poison.recorder"
)
