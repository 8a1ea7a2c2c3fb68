package notifications

// PoisonTopic receives the messages a consumer still failed on after its bounded
// retries (DESIGN §4a): the senders' of Topic, and the notification policy's and the
// billing feed's of the event topics. Its consumer records them as dead letters for
// admins.
//
// WARNING: never change it: dead letters waiting in a Kafka topic of the old name
// would no longer be recorded.
const PoisonTopic = "chance.send-notify.poison"
