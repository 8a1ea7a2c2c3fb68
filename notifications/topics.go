package notifications

// PoisonTopic receives the messages of Topic that a sender still failed on after its
// bounded retries (DESIGN §4a); its consumer records them as dead letters for admins.
//
// WARNING: never change it: dead letters waiting in a Kafka topic of the old name
// would no longer be recorded.
const PoisonTopic = "chance.send-notify.poison"
