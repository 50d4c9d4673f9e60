-- Set by an admin: a blocked link is never redirected (the lookup treats it as missing) but stays its owner's.
ALTER TABLE links ADD COLUMN blocked_at timestamptz;
