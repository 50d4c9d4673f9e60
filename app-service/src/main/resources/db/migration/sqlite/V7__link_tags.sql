-- Tags on links, as in db/migration/postgresql (SQLite enforces the foreign key only with PRAGMA foreign_keys, so the
-- app deletes a link's tags itself).
CREATE TABLE link_tags (
    link_id INTEGER     NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    tag     VARCHAR(32) NOT NULL,
    PRIMARY KEY (link_id, tag)
);
CREATE INDEX link_tags_tag ON link_tags (tag, link_id);
