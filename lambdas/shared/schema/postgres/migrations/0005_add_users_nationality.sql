-- Schema v2: the user's nationality (ISO 3166-1 alpha-2, upper case). Nullable and without a default, so
-- PostgreSQL only updates the catalog: the table is not rewritten, and the lock is held for an instant.
-- Rows written from v1 events keep NULL.

ALTER TABLE users ADD COLUMN nationality text;
