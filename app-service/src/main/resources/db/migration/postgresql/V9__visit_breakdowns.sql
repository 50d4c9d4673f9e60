-- Visits of each link per UTC day broken down by referrer domain, country, device type, browser, OS, and the visits
-- of bots by family (dimension 'bot'; bots are never in link_daily_clicks). Counts only: no address or user agent.
CREATE TABLE link_daily_visits (
    link_id   bigint       NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    day       date         NOT NULL,
    dimension varchar(16)  NOT NULL CONSTRAINT link_daily_visits_dimension_known
        CHECK (dimension IN ('bot', 'referrer', 'country', 'device', 'browser', 'os')),
    value     varchar(255) NOT NULL,
    visits    bigint       NOT NULL,
    PRIMARY KEY (link_id, day, dimension, value)
);

-- Each day's unique visitors as a sketch (VisitorSketch: exact hashes, then HyperLogLog) of salted visitor hashes; the salt is
-- forgotten when the day is over, so the sketch cannot be tied back to an address.
CREATE TABLE link_daily_visitors (
    link_id bigint NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    day     date   NOT NULL,
    sketch  bytea  NOT NULL,
    PRIMARY KEY (link_id, day)
);
