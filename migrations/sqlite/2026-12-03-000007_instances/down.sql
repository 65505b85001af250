DROP TABLE job_leases;
DROP TABLE throttle_hits;
