//! The ids of the registry's records as types (`text_id!`), so that a function taking an
//! organization id cannot be given a user id. They live at the bottom because every layer
//! names them (the viewer, the audit log and the postman as well as the features); the
//! features' code stays where it is.

crate::text_id! {
    /// `users.id`.
    pub struct UserId;
}

crate::text_id! {
    /// `organizations.id`.
    pub struct OrganizationId;
}

crate::text_id! {
    /// `listings.id`: a need or a capability.
    pub struct ListingId;
}

crate::text_id! {
    /// `events.id`.
    pub struct EventId;
}

crate::text_id! {
    /// `event_registrations.id`.
    pub struct RegistrationId;
}

crate::text_id! {
    /// `interests.id`.
    pub struct InterestId;
}

crate::text_id! {
    /// `agreements.id`.
    pub struct AgreementId;
}

crate::text_id! {
    /// `projects.id`.
    pub struct ProjectId;
}

crate::text_id! {
    /// `milestones.id`.
    pub struct MilestoneId;
}

crate::text_id! {
    /// `organization_channels.id`: a group-chat robot.
    pub struct ChannelId;
}

crate::text_id! {
    /// `notifications.id`: an inbox entry.
    pub struct NotificationId;
}

crate::text_id! {
    /// `invitations.id`.
    pub struct InvitationId;
}

crate::text_id! {
    /// `outbox_channel_messages.id`: a message queued for a group-chat robot.
    pub struct ChannelMessageId;
}

crate::text_id! {
    /// `project_notes.id`: a tracking note of a key project.
    pub struct NoteId;
}
