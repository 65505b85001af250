DROP TABLE audit_log;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE organization_fields;
DROP TABLE organization_aliases;
DROP TABLE organizations;
DROP TABLE fields;
DROP TABLE regions;
