DROP INDEX event_registrations_one_per_organization;
CREATE UNIQUE INDEX event_registrations_one_per_email
    ON event_registrations (event_id, attendee_email) WHERE status <> 'cancelled';
