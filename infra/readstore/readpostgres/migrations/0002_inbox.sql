-- The in-app inbox: written by the notification sender, not by a projector, so it has
-- no generations and no checkpoint.
CREATE TABLE notifications (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL,
    kind       text NOT NULL,
    channel    text NOT NULL,
    subject    text NOT NULL,
    body       text NOT NULL,
    created_at timestamptz
);
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC NULLS LAST, id DESC);
