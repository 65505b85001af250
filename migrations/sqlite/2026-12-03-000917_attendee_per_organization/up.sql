-- An attendee holds one live registration per event and organization: another
-- organization's registration of the same address is not refused (refusing it told an
-- outsider who is registered; issue 17).
DROP INDEX event_registrations_one_per_email;
CREATE UNIQUE INDEX event_registrations_one_per_organization
    ON event_registrations (event_id, organization_id, attendee_email) WHERE status <> 'cancelled';
