-- Set by an admin: a disabled account cannot sign in and its sessions and API tokens are refused.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
