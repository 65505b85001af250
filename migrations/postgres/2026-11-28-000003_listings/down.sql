DROP TABLE index_changes;
DROP TABLE listing_modes;
DROP TABLE listing_keywords;
DROP TABLE listing_fields;
DROP TABLE listings;
