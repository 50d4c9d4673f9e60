-- Same as db/migration/postgresql/V9, in SQLite's dialect (dev mode only).
CREATE TABLE link_daily_visits (
    link_id   INTEGER      NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    day       DATE         NOT NULL,
    dimension VARCHAR(16)  NOT NULL CHECK (dimension IN ('bot', 'referrer', 'country', 'device', 'browser', 'os')),
    value     VARCHAR(255) NOT NULL,
    visits    BIGINT       NOT NULL,
    PRIMARY KEY (link_id, day, dimension, value)
);

CREATE TABLE link_daily_visitors (
    link_id INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    day     DATE    NOT NULL,
    sketch  BLOB    NOT NULL,
    PRIMARY KEY (link_id, day)
);
