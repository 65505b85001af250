CREATE TABLE listings (
    id TEXT PRIMARY KEY NOT NULL,
    side TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    trl INTEGER,
    budget_min BIGINT,
    budget_max BIGINT,
    deadline DATE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX listings_side_status ON listings (side, status);
CREATE INDEX listings_organization ON listings (organization_id);

CREATE TABLE listing_fields (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    field_code TEXT NOT NULL REFERENCES fields (code),
    PRIMARY KEY (listing_id, field_code)
);
CREATE INDEX listing_fields_field ON listing_fields (field_code);

CREATE TABLE listing_keywords (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    keyword TEXT NOT NULL,
    PRIMARY KEY (listing_id, keyword)
);

CREATE TABLE listing_modes (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    mode TEXT NOT NULL,
    PRIMARY KEY (listing_id, mode)
);
CREATE INDEX listing_modes_mode ON listing_modes (mode);

-- One row per listing change, written in the change's transaction; every instance's
-- indexer applies them in order (the search index is derived data).
CREATE TABLE index_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    listing_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
