-- Group-chat robots of organizations (WeCom, DingTalk, Feishu), the topics each receives,
-- and the outbox of messages to them (written in the transaction of the notice's change).

CREATE TABLE organization_channels (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    name TEXT NOT NULL,
    webhook_url TEXT NOT NULL,
    secret TEXT,
    locale TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organization_channels_org ON organization_channels (organization_id, id);

CREATE TABLE organization_channel_topics (
    channel_id TEXT NOT NULL REFERENCES organization_channels (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    PRIMARY KEY (channel_id, topic)
);
CREATE INDEX organization_channel_topics_topic ON organization_channel_topics (topic, channel_id);

CREATE TABLE outbox_channel_messages (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel_id TEXT NOT NULL REFERENCES organization_channels (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    locked_by TEXT,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_channel_messages_due ON outbox_channel_messages (status, next_attempt_at);
CREATE INDEX outbox_channel_messages_channel ON outbox_channel_messages (channel_id, id);
