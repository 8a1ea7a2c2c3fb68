-- Sent records: which messages each outside channel (SMTP, SMS, Telegram) has sent, so
-- a redelivered message is not sent twice. Written by the senders, not a projector: no
-- generations, no checkpoint. Pruned by age (sent_at).
CREATE TABLE sent_messages (
    channel    text        NOT NULL,
    message_id uuid        NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (channel, message_id)
);
CREATE INDEX sent_messages_by_time ON sent_messages (sent_at);
