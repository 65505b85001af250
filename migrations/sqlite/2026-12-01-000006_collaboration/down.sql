DROP TABLE project_notes;
DROP TABLE milestones;
DROP TABLE project_agreements;
DROP TABLE project_partners;
DROP TABLE projects;
DROP TABLE agreements;
DROP TABLE interests;
