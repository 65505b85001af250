CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES regions (code),
    kind TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    admin_code TEXT,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE fields (
    code TEXT PRIMARY KEY NOT NULL,
    parent_code TEXT REFERENCES fields (code),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT,
    uscc TEXT UNIQUE,
    uscc_flagged BOOLEAN NOT NULL DEFAULT FALSE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    description TEXT NOT NULL DEFAULT '',
    website TEXT,
    address TEXT,
    contact_name TEXT,
    contact_email TEXT,
    contact_phone TEXT,
    is_leading BOOLEAN NOT NULL DEFAULT FALSE,
    is_sample BOOLEAN NOT NULL DEFAULT FALSE,
    parent_id TEXT REFERENCES organizations (id),
    status TEXT NOT NULL,
    status_reason TEXT,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organizations_status ON organizations (status, kind);
CREATE INDEX organizations_region ON organizations (region_code);

CREATE TABLE organization_aliases (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    PRIMARY KEY (organization_id, alias)
);

CREATE TABLE organization_fields (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    field_code TEXT NOT NULL REFERENCES fields (code),
    PRIMARY KEY (organization_id, field_code)
);
CREATE INDEX organization_fields_field ON organization_fields (field_code);

CREATE TABLE memberships (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    reason TEXT,
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject_type, subject_id);
