-- Back to the cascades of 2026-12-01-000006_collaboration.
-- SQLite changes a foreign key only by rebuilding its table (create, copy, drop, rename),
-- with foreign keys off: dropping the old `interests` with them on would delete every
-- agreement through the old cascade. The pragma is a no-op inside a transaction, so this
-- migration runs outside diesel's (metadata.toml) and opens its own; the guard below makes
-- it fail rather than rebuild with foreign keys on.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TEMP TABLE history_restrict_guard (foreign_keys INTEGER NOT NULL CHECK (foreign_keys = 0));
INSERT INTO history_restrict_guard SELECT foreign_keys FROM pragma_foreign_keys;
DROP TABLE history_restrict_guard;

CREATE TABLE interests_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    from_organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    to_organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    target_listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    offered_listing_id TEXT REFERENCES listings (id) ON DELETE SET NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    decline_reason TEXT,
    decline_comment TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO interests_rebuilt (id, from_organization_id, to_organization_id,
    target_listing_id, offered_listing_id, message, status, decline_reason, decline_comment,
    created_by, decided_by, decided_at, created_at, updated_at)
SELECT id, from_organization_id, to_organization_id, target_listing_id, offered_listing_id,
    message, status, decline_reason, decline_comment, created_by, decided_by, decided_at,
    created_at, updated_at FROM interests;
DROP TABLE interests;
ALTER TABLE interests_rebuilt RENAME TO interests;
CREATE INDEX interests_from ON interests (from_organization_id, id);
CREATE INDEX interests_to ON interests (to_organization_id, id);
CREATE UNIQUE INDEX interests_one_open_per_pair
    ON interests (from_organization_id, target_listing_id) WHERE status = 'open';

CREATE TABLE agreements_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    interest_id TEXT NOT NULL UNIQUE REFERENCES interests (id) ON DELETE CASCADE,
    need_id TEXT REFERENCES listings (id) ON DELETE SET NULL,
    capability_id TEXT REFERENCES listings (id) ON DELETE SET NULL,
    need_organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    provider_organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    cooperation_mode TEXT NOT NULL,
    start_date DATE NOT NULL,
    value_yuan BIGINT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO agreements_rebuilt (id, interest_id, need_id, capability_id,
    need_organization_id, provider_organization_id, cooperation_mode, start_date, value_yuan,
    created_by, created_at)
SELECT id, interest_id, need_id, capability_id, need_organization_id,
    provider_organization_id, cooperation_mode, start_date, value_yuan, created_by, created_at
FROM agreements;
DROP TABLE agreements;
ALTER TABLE agreements_rebuilt RENAME TO agreements;

CREATE TABLE project_agreements_rebuilt (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, agreement_id)
);
INSERT INTO project_agreements_rebuilt (project_id, agreement_id)
SELECT project_id, agreement_id FROM project_agreements;
DROP TABLE project_agreements;
ALTER TABLE project_agreements_rebuilt RENAME TO project_agreements;

COMMIT;
PRAGMA foreign_keys = ON;
