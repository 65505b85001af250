//! The portable schema, written by hand: ids are UUIDv7 strings, times are UTC
//! `Timestamp`, enums are `Text`, lists live in join tables.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        locale -> Text,
        role -> Text,
        email_verified_at -> Nullable<Timestamp>,
        token_version -> Integer,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        timezone -> Text,
        calendar_token_hash -> Nullable<Text>,
        digest_sent_on -> Nullable<Date>,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        user_id -> Nullable<Text>,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_emails (id) {
        id -> Text,
        idempotency_key -> Text,
        user_id -> Nullable<Text>,
        topic -> Text,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        unsubscribe_url -> Nullable<Text>,
        calendar_ics -> Nullable<Text>,
    }
}

diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    one_time_tokens,
    refresh_tokens,
    outbox_emails
);

diesel::table! {
    regions (code) {
        code -> Text,
        parent_code -> Nullable<Text>,
        kind -> Text,
        name_zh -> Text,
        name_en -> Text,
        admin_code -> Nullable<Text>,
        sort_order -> Integer,
    }
}

diesel::table! {
    fields (code) {
        code -> Text,
        parent_code -> Nullable<Text>,
        name_zh -> Text,
        name_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    organizations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        name_en -> Nullable<Text>,
        uscc -> Nullable<Text>,
        uscc_flagged -> Bool,
        region_code -> Text,
        description -> Text,
        website -> Nullable<Text>,
        address -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        is_leading -> Bool,
        is_sample -> Bool,
        parent_id -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_aliases (organization_id, alias) {
        organization_id -> Text,
        alias -> Text,
    }
}

diesel::table! {
    organization_fields (organization_id, field_code) {
        organization_id -> Text,
        field_code -> Text,
    }
}

diesel::table! {
    memberships (organization_id, user_id) {
        organization_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Text>,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        reason -> Nullable<Text>,
        details -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(organization_fields -> organizations (organization_id));
diesel::joinable!(organization_aliases -> organizations (organization_id));
diesel::joinable!(organizations -> regions (region_code));
diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    organization_aliases,
    organization_fields,
    memberships,
    users,
    regions,
    fields,
    invitations,
    audit_log
);

diesel::table! {
    listings (id) {
        id -> Text,
        side -> Text,
        organization_id -> Text,
        title -> Text,
        description -> Text,
        trl -> Nullable<Integer>,
        budget_min -> Nullable<BigInt>,
        budget_max -> Nullable<BigInt>,
        deadline -> Nullable<Date>,
        region_code -> Text,
        language -> Text,
        status -> Text,
        created_by -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    listing_fields (listing_id, field_code) {
        listing_id -> Text,
        field_code -> Text,
    }
}

diesel::table! {
    listing_keywords (listing_id, keyword) {
        listing_id -> Text,
        keyword -> Text,
    }
}

diesel::table! {
    listing_modes (listing_id, mode) {
        listing_id -> Text,
        mode -> Text,
    }
}

diesel::table! {
    index_changes (seq) {
        seq -> Integer,
        listing_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(listings -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(
    listings,
    listing_fields,
    listing_keywords,
    listing_modes,
    organizations,
    index_changes
);

diesel::table! {
    match_notices (listing_id, matched_listing_id) {
        listing_id -> Text,
        matched_listing_id -> Text,
        score -> Double,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_preferences (user_id, topic) {
        user_id -> Text,
        topic -> Text,
        delivery -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        idempotency_key -> Text,
        topic -> Text,
        title -> Text,
        body -> Text,
        link -> Nullable<Text>,
        delivery -> Text,
        digest_pending -> Bool,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        title_en -> Nullable<Text>,
        description -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        timezone -> Text,
        location -> Text,
        online_url -> Nullable<Text>,
        organizer -> Text,
        capacity -> Integer,
        capacity_per_organization -> Nullable<Integer>,
        registration_opens_at -> Nullable<Timestamp>,
        registration_closes_at -> Nullable<Timestamp>,
        leading_only -> Bool,
        status -> Text,
        sequence -> Integer,
        cancel_reason -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_audience (event_id, dimension, value) {
        event_id -> Text,
        dimension -> Text,
        value -> Text,
    }
}

diesel::table! {
    event_invitations (event_id, organization_id) {
        event_id -> Text,
        organization_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_registrations (id) {
        id -> Text,
        event_id -> Text,
        organization_id -> Text,
        registered_by -> Nullable<Text>,
        attendee_name -> Text,
        attendee_email -> Text,
        attendee_phone -> Nullable<Text>,
        status -> Text,
        attended -> Bool,
        reminded_for -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(event_audience -> events (event_id));
diesel::joinable!(event_invitations -> events (event_id));
diesel::joinable!(event_invitations -> organizations (organization_id));
diesel::joinable!(event_registrations -> events (event_id));
diesel::joinable!(event_registrations -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(
    notifications,
    notification_preferences,
    events,
    event_audience,
    event_invitations,
    event_registrations,
);
diesel::allow_tables_to_appear_in_same_query!(notifications, users);
diesel::allow_tables_to_appear_in_same_query!(notifications, organizations);
diesel::allow_tables_to_appear_in_same_query!(notifications, memberships);
diesel::allow_tables_to_appear_in_same_query!(notifications, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(notifications, regions);
diesel::allow_tables_to_appear_in_same_query!(notifications, fields);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, users);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, organizations);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, memberships);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, regions);
diesel::allow_tables_to_appear_in_same_query!(notification_preferences, fields);
diesel::allow_tables_to_appear_in_same_query!(events, users);
diesel::allow_tables_to_appear_in_same_query!(events, organizations);
diesel::allow_tables_to_appear_in_same_query!(events, memberships);
diesel::allow_tables_to_appear_in_same_query!(events, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(events, regions);
diesel::allow_tables_to_appear_in_same_query!(events, fields);
diesel::allow_tables_to_appear_in_same_query!(event_audience, users);
diesel::allow_tables_to_appear_in_same_query!(event_audience, organizations);
diesel::allow_tables_to_appear_in_same_query!(event_audience, memberships);
diesel::allow_tables_to_appear_in_same_query!(event_audience, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(event_audience, regions);
diesel::allow_tables_to_appear_in_same_query!(event_audience, fields);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, users);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, organizations);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, memberships);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, regions);
diesel::allow_tables_to_appear_in_same_query!(event_invitations, fields);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, users);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, organizations);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, memberships);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, organization_fields);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, regions);
diesel::allow_tables_to_appear_in_same_query!(event_registrations, fields);

diesel::table! {
    interests (id) {
        id -> Text,
        from_organization_id -> Text,
        to_organization_id -> Text,
        target_listing_id -> Text,
        offered_listing_id -> Nullable<Text>,
        message -> Text,
        status -> Text,
        decline_reason -> Nullable<Text>,
        decline_comment -> Nullable<Text>,
        created_by -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agreements (id) {
        id -> Text,
        interest_id -> Text,
        need_id -> Nullable<Text>,
        capability_id -> Nullable<Text>,
        need_organization_id -> Text,
        provider_organization_id -> Text,
        cooperation_mode -> Text,
        start_date -> Date,
        value_yuan -> Nullable<BigInt>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    projects (id) {
        id -> Text,
        name -> Text,
        owner_organization_id -> Text,
        region_code -> Text,
        category -> Text,
        planned_investment_yuan -> Nullable<BigInt>,
        capacity -> Nullable<Text>,
        year -> Integer,
        stage -> Text,
        operation_notified_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_partners (project_id, organization_id) {
        project_id -> Text,
        organization_id -> Text,
    }
}

diesel::table! {
    project_agreements (project_id, agreement_id) {
        project_id -> Text,
        agreement_id -> Text,
    }
}

diesel::table! {
    milestones (id) {
        id -> Text,
        project_id -> Text,
        name -> Text,
        stage -> Nullable<Text>,
        due_on -> Date,
        done_on -> Nullable<Date>,
        responsible -> Nullable<Text>,
        notes -> Nullable<Text>,
        overdue_notified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    project_notes (id) {
        id -> Text,
        project_id -> Text,
        author_id -> Nullable<Text>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(milestones -> projects (project_id));
diesel::joinable!(project_partners -> projects (project_id));
diesel::joinable!(project_agreements -> projects (project_id));
diesel::joinable!(project_notes -> projects (project_id));
diesel::allow_tables_to_appear_in_same_query!(
    interests,
    agreements,
    projects,
    project_partners,
    project_agreements,
    milestones,
    project_notes,
);
diesel::allow_tables_to_appear_in_same_query!(interests, users);
diesel::allow_tables_to_appear_in_same_query!(interests, organizations);
diesel::allow_tables_to_appear_in_same_query!(interests, memberships);
diesel::allow_tables_to_appear_in_same_query!(interests, regions);
diesel::allow_tables_to_appear_in_same_query!(interests, listings);
diesel::allow_tables_to_appear_in_same_query!(agreements, users);
diesel::allow_tables_to_appear_in_same_query!(agreements, organizations);
diesel::allow_tables_to_appear_in_same_query!(agreements, memberships);
diesel::allow_tables_to_appear_in_same_query!(agreements, regions);
diesel::allow_tables_to_appear_in_same_query!(agreements, listings);
diesel::allow_tables_to_appear_in_same_query!(projects, users);
diesel::allow_tables_to_appear_in_same_query!(projects, organizations);
diesel::allow_tables_to_appear_in_same_query!(projects, memberships);
diesel::allow_tables_to_appear_in_same_query!(projects, regions);
diesel::allow_tables_to_appear_in_same_query!(projects, listings);
diesel::allow_tables_to_appear_in_same_query!(project_partners, users);
diesel::allow_tables_to_appear_in_same_query!(project_partners, organizations);
diesel::allow_tables_to_appear_in_same_query!(project_partners, memberships);
diesel::allow_tables_to_appear_in_same_query!(project_partners, regions);
diesel::allow_tables_to_appear_in_same_query!(project_partners, listings);
diesel::allow_tables_to_appear_in_same_query!(project_agreements, users);
diesel::allow_tables_to_appear_in_same_query!(project_agreements, organizations);
diesel::allow_tables_to_appear_in_same_query!(project_agreements, memberships);
diesel::allow_tables_to_appear_in_same_query!(project_agreements, regions);
diesel::allow_tables_to_appear_in_same_query!(project_agreements, listings);
diesel::allow_tables_to_appear_in_same_query!(milestones, users);
diesel::allow_tables_to_appear_in_same_query!(milestones, organizations);
diesel::allow_tables_to_appear_in_same_query!(milestones, memberships);
diesel::allow_tables_to_appear_in_same_query!(milestones, regions);
diesel::allow_tables_to_appear_in_same_query!(milestones, listings);
diesel::allow_tables_to_appear_in_same_query!(project_notes, users);
diesel::allow_tables_to_appear_in_same_query!(project_notes, organizations);
diesel::allow_tables_to_appear_in_same_query!(project_notes, memberships);
diesel::allow_tables_to_appear_in_same_query!(project_notes, regions);
diesel::allow_tables_to_appear_in_same_query!(project_notes, listings);

diesel::table! {
    throttle_hits (id) {
        id -> Text,
        action -> Text,
        key_digest -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    job_leases (job) {
        job -> Text,
        holder -> Text,
        held_until -> Timestamp,
    }
}

diesel::table! {
    organization_channels (id) {
        id -> Text,
        organization_id -> Text,
        platform -> Text,
        name -> Text,
        webhook_url -> Text,
        secret -> Nullable<Text>,
        locale -> Text,
        enabled -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organization_channel_topics (channel_id, topic) {
        channel_id -> Text,
        topic -> Text,
    }
}

diesel::table! {
    outbox_channel_messages (id) {
        id -> Text,
        idempotency_key -> Text,
        channel_id -> Text,
        organization_id -> Text,
        topic -> Text,
        title -> Text,
        body -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        locked_by -> Nullable<Text>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(organization_channels -> organizations (organization_id));
diesel::joinable!(organization_channel_topics -> organization_channels (channel_id));
diesel::joinable!(outbox_channel_messages -> organization_channels (channel_id));
diesel::allow_tables_to_appear_in_same_query!(
    organization_channels,
    organization_channel_topics,
    outbox_channel_messages,
    organizations
);
diesel::allow_tables_to_appear_in_same_query!(organization_channels, memberships);
diesel::allow_tables_to_appear_in_same_query!(organization_channel_topics, memberships);
