-- Same schema as db/migration/postgresql, in SQLite's dialect (dev mode only).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      VARCHAR(32)  NOT NULL UNIQUE,
    password_hash VARCHAR(100) NOT NULL,
    role          VARCHAR(16)  NOT NULL,
    created_at    TIMESTAMP    NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         VARCHAR(100) NOT NULL,
    token_hash   VARCHAR(64)  NOT NULL UNIQUE,
    prefix       VARCHAR(16)  NOT NULL,
    created_at   TIMESTAMP    NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE links (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        VARCHAR(64)   NOT NULL UNIQUE,
    target_url  VARCHAR(2048) NOT NULL,
    owner_id    INTEGER       NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP     NOT NULL,
    updated_at  TIMESTAMP     NOT NULL,
    expires_at  TIMESTAMP,
    click_count BIGINT        NOT NULL DEFAULT 0
);
CREATE INDEX links_owner_newest ON links (owner_id, created_at DESC, id DESC);

CREATE TABLE link_daily_clicks (
    link_id INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    day     DATE    NOT NULL,
    clicks  BIGINT  NOT NULL,
    PRIMARY KEY (link_id, day)
);

CREATE TABLE click_batches (
    batch_id   VARCHAR(64) PRIMARY KEY,
    applied_at TIMESTAMP   NOT NULL
);
CREATE INDEX click_batches_applied ON click_batches (applied_at);
