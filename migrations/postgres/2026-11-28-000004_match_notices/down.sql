DROP TABLE match_notices;
