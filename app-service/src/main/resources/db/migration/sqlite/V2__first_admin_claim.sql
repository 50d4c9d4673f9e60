-- The first account becomes admin: the registration that claims this single row in its own transaction. Two
-- simultaneous first registrations cannot both claim it (the second waits for the first's key, then finds it
-- taken), and a registration that rolls back leaves it unclaimed. A database that already has accounts has its
-- admin, so the row is claimed here.
CREATE TABLE first_admin_claim (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO first_admin_claim (id) SELECT 1 WHERE EXISTS (SELECT 1 FROM users);
