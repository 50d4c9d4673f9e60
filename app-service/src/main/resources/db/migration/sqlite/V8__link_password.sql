-- An optional password a visitor must give before the redirect: a bcrypt hash, never the password itself.
ALTER TABLE links ADD COLUMN password_hash varchar(100);
