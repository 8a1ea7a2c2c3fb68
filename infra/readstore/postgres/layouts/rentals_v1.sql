-- reminder_at and ends_at are derived from the start and the term by the writer, so
-- that "what is due now?" is two index range scans.
CREATE TABLE rentals (
    id               uuid    PRIMARY KEY,
    user_id          uuid    NOT NULL,
    premiere_id      uuid    NOT NULL,
    title            text    NOT NULL,
    starts_at        timestamptz,
    hours            integer NOT NULL,
    paid             bigint  NOT NULL,
    payment_id       uuid    NOT NULL,
    term_version     integer NOT NULL,
    reminded_version integer NOT NULL,
    cancelled        boolean NOT NULL,
    expired          boolean NOT NULL,
    updated_at       timestamptz,
    reminder_at      timestamptz, -- readmodel.Rental.ReminderAt()
    ends_at          timestamptz  -- readmodel.Rental.EndsAt()
);
CREATE INDEX rentals_by_user ON rentals (user_id, starts_at DESC NULLS LAST, id);
-- Partial indexes hold only the rentals the scheduler may still have to act on.
CREATE INDEX rentals_reminder_due ON rentals (reminder_at)
    WHERE NOT cancelled AND NOT expired AND reminded_version < term_version;
CREATE INDEX rentals_end_due ON rentals (ends_at) WHERE NOT cancelled AND NOT expired;
