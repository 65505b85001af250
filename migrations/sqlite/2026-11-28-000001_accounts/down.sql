DROP TABLE outbox_emails;
DROP TABLE refresh_tokens;
DROP TABLE one_time_tokens;
DROP TABLE users;
