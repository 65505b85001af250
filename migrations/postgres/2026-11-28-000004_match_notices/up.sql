-- Pairs already announced: a newly published listing and an existing listing it matched.
CREATE TABLE match_notices (
    listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    matched_listing_id TEXT NOT NULL REFERENCES listings (id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (listing_id, matched_listing_id)
);
