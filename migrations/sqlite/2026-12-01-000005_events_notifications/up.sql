-- Notification preferences, the in-app inbox, calendar feeds, events and registrations.

ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
ALTER TABLE users ADD COLUMN digest_sent_on DATE;
CREATE UNIQUE INDEX users_calendar_token ON users (calendar_token_hash);

ALTER TABLE outbox_emails ADD COLUMN unsubscribe_url TEXT;
ALTER TABLE outbox_emails ADD COLUMN calendar_ics TEXT;

-- One row per user and topic that differs from the default (immediate email).
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    delivery TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- The in-app inbox: every notice a user receives, whatever happens to its email.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL UNIQUE,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    delivery TEXT NOT NULL,
    digest_pending BOOLEAN NOT NULL DEFAULT FALSE,
    read_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX notifications_inbox ON notifications (user_id, read_at, id);
CREATE INDEX notifications_digest ON notifications (digest_pending, user_id);

CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    title_en TEXT,
    description TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    timezone TEXT NOT NULL,
    location TEXT NOT NULL,
    online_url TEXT,
    organizer TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    capacity_per_organization INTEGER,
    registration_opens_at TIMESTAMP,
    registration_closes_at TIMESTAMP,
    leading_only BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    sequence INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT,
    published_at TIMESTAMP,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX events_status_start ON events (status, starts_at);

-- The audience filter: dimension is kind, region, field or organization.
CREATE TABLE event_audience (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (event_id, dimension, value)
);

-- Organizations invited when the event was published (the audience at that moment).
CREATE TABLE event_invitations (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, organization_id)
);
CREATE INDEX event_invitations_org ON event_invitations (organization_id);

CREATE TABLE event_registrations (
    id TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    registered_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    attendee_name TEXT NOT NULL,
    attendee_email TEXT NOT NULL,
    attendee_phone TEXT,
    status TEXT NOT NULL,
    attended BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_for TIMESTAMP,
    cancelled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX event_registrations_event ON event_registrations (event_id, status, id);
CREATE INDEX event_registrations_org ON event_registrations (organization_id);
CREATE UNIQUE INDEX event_registrations_one_per_email
    ON event_registrations (event_id, attendee_email) WHERE status <> 'cancelled';
