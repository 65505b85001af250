DROP TABLE outbox_channel_messages;
DROP TABLE organization_channel_topics;
DROP TABLE organization_channels;
