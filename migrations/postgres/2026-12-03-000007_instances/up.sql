-- State that several instances on one database share.

-- One row per counted attempt (login, registration, reset, interest): a throttle counts the
-- rows of its key inside its window, so N instances give the configured quota, not N times
-- it. Keys are stored as SHA-256 digests (no address or email in this table); rows older
-- than the longest window are swept.
CREATE TABLE throttle_hits (
    id TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    key_digest TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX throttle_hits_key ON throttle_hits (action, key_digest, at);
CREATE INDEX throttle_hits_at ON throttle_hits (at);

-- Periodic jobs that must run in one instance at a time (reminders, digests, expiry,
-- overdue notices): a pass runs only while its instance holds the job's lease.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until TIMESTAMP NOT NULL
);
