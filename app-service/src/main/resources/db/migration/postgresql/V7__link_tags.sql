-- Tags on links: a set per link (lower case, 1-32 of [a-z0-9_-], at most 10, checked by the app); the index serves
-- "links with tag x" and the tag list with counts.
CREATE TABLE link_tags (
    link_id bigint      NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    tag     varchar(32) NOT NULL,
    PRIMARY KEY (link_id, tag)
);
CREATE INDEX link_tags_tag ON link_tags (tag, link_id);
