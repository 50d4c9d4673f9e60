-- A small but varied database: the round trip has to preserve every one of these kinds of objects and values.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE customers (
    id         bigserial PRIMARY KEY,
    name       text        NOT NULL,
    email      text UNIQUE,
    mood       mood,
    created_at timestamptz NOT NULL DEFAULT now(),
    prefs      jsonb,
    avatar     bytea,
    balance    numeric(12, 2),
    tags       text[]
);
COMMENT ON TABLE customers IS 'people who buy';

CREATE TABLE orders (
    id          serial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    total       numeric(10, 2) CHECK (total >= 0),
    note        text,
    placed_on   date
);
CREATE INDEX orders_customer_idx ON orders (customer_id);

CREATE VIEW big_spenders AS
SELECT c.name, sum(o.total) AS total FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.name;

CREATE FUNCTION fill_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := coalesce(NEW.note, '');
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_fill_note BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fill_note();

CREATE SCHEMA audit;
CREATE TABLE audit.events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payload text
);

INSERT INTO customers (name, email, mood, created_at, prefs, avatar, balance, tags)
SELECT CASE i % 5
           WHEN 0 THEN 'O''Brien ' || i
           WHEN 1 THEN E'line\nbreak ' || i
           WHEN 2 THEN 'Zoë Ünïcødé 🐘 ' || i
           WHEN 3 THEN E'back\\slash\ttab ' || i
           ELSE 'plain ' || i END,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'user' || i || '@example.org' END,
       (ARRAY['sad', 'ok', 'happy']::mood[])[1 + i % 3],
       timestamptz '2024-01-01 00:00:00+00' + i * interval '37 minutes',
       CASE WHEN i % 4 = 0 THEN NULL ELSE jsonb_build_object('n', i, 'dark', i % 2 = 0, 'list', jsonb_build_array(i, 'x')) END,
       CASE WHEN i % 3 = 0 THEN NULL ELSE decode(md5(i::text), 'hex') END,
       round((i * 12.345)::numeric, 2),
       ARRAY['t' || (i % 3), 'with space', 'quote"d']
FROM generate_series(1, 500) AS i;

INSERT INTO orders (customer_id, total, note, placed_on)
SELECT 1 + (i * 7) % 500, (i % 97) * 1.5, CASE WHEN i % 2 = 0 THEN NULL ELSE 'note ' || i END, date '2024-01-01' + (i % 365)
FROM generate_series(1, 2000) AS i;

INSERT INTO audit.events (payload) SELECT 'event ' || i FROM generate_series(1, 50) AS i;
-- Gaps in the sequences, so restored sequence positions are checked, not just the rows.
DELETE FROM orders WHERE id % 10 = 0;
SELECT setval('customers_id_seq', 777);
