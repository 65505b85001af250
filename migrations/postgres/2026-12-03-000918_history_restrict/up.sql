-- History is never deleted by a cascade (issue 17): a listing, an organization, an
-- interest or an agreement that interests, agreements or project links refer to cannot be
-- deleted; the service closes listings instead (listings::domain::may_delete).
ALTER TABLE interests DROP CONSTRAINT interests_from_organization_id_fkey,
    ADD CONSTRAINT interests_from_organization_id_fkey FOREIGN KEY (from_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT;
ALTER TABLE interests DROP CONSTRAINT interests_to_organization_id_fkey,
    ADD CONSTRAINT interests_to_organization_id_fkey FOREIGN KEY (to_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT;
ALTER TABLE interests DROP CONSTRAINT interests_target_listing_id_fkey,
    ADD CONSTRAINT interests_target_listing_id_fkey FOREIGN KEY (target_listing_id) REFERENCES listings (id) ON DELETE RESTRICT;
ALTER TABLE interests DROP CONSTRAINT interests_offered_listing_id_fkey,
    ADD CONSTRAINT interests_offered_listing_id_fkey FOREIGN KEY (offered_listing_id) REFERENCES listings (id) ON DELETE RESTRICT;
ALTER TABLE agreements DROP CONSTRAINT agreements_interest_id_fkey,
    ADD CONSTRAINT agreements_interest_id_fkey FOREIGN KEY (interest_id) REFERENCES interests (id) ON DELETE RESTRICT;
ALTER TABLE agreements DROP CONSTRAINT agreements_need_id_fkey,
    ADD CONSTRAINT agreements_need_id_fkey FOREIGN KEY (need_id) REFERENCES listings (id) ON DELETE RESTRICT;
ALTER TABLE agreements DROP CONSTRAINT agreements_capability_id_fkey,
    ADD CONSTRAINT agreements_capability_id_fkey FOREIGN KEY (capability_id) REFERENCES listings (id) ON DELETE RESTRICT;
ALTER TABLE agreements DROP CONSTRAINT agreements_need_organization_id_fkey,
    ADD CONSTRAINT agreements_need_organization_id_fkey FOREIGN KEY (need_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT;
ALTER TABLE agreements DROP CONSTRAINT agreements_provider_organization_id_fkey,
    ADD CONSTRAINT agreements_provider_organization_id_fkey FOREIGN KEY (provider_organization_id) REFERENCES organizations (id) ON DELETE RESTRICT;
ALTER TABLE project_agreements DROP CONSTRAINT project_agreements_agreement_id_fkey,
    ADD CONSTRAINT project_agreements_agreement_id_fkey FOREIGN KEY (agreement_id) REFERENCES agreements (id) ON DELETE RESTRICT;
