-- Single-use invite codes an admin hands out when registration is invite-only; stored as SHA-256 and deleted by
-- the registration that uses one (in its transaction, so two cannot use the same code).
CREATE TABLE invites (
    code_hash  varchar(64) PRIMARY KEY,
    created_by bigint REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL
);
