-- Expressions of interest, agreements, key projects with milestones and tracking notes.

CREATE TABLE interests (
    id TEXT PRIMARY KEY,
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
CREATE INDEX interests_from ON interests (from_organization_id, id);
CREATE INDEX interests_to ON interests (to_organization_id, id);
CREATE UNIQUE INDEX interests_one_open_per_pair
    ON interests (from_organization_id, target_listing_id) WHERE status = 'open';

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
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

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    owner_organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    region_code TEXT NOT NULL REFERENCES regions (code),
    category TEXT NOT NULL,
    planned_investment_yuan BIGINT,
    capacity TEXT,
    year INTEGER NOT NULL,
    stage TEXT NOT NULL,
    operation_notified_at TIMESTAMP,
    created_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX projects_owner ON projects (owner_organization_id);

CREATE TABLE project_partners (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, organization_id)
);
CREATE INDEX project_partners_org ON project_partners (organization_id);

CREATE TABLE project_agreements (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    agreement_id TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    PRIMARY KEY (project_id, agreement_id)
);

CREATE TABLE milestones (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    stage TEXT,
    due_on DATE NOT NULL,
    done_on DATE,
    responsible TEXT,
    notes TEXT,
    overdue_notified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX milestones_project ON milestones (project_id, due_on);
CREATE INDEX milestones_open ON milestones (done_on, due_on);

CREATE TABLE project_notes (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    author_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX project_notes_project ON project_notes (project_id, id);
