-- The counter tables are updated in place by every click flush (every few seconds, a row per link and day, and per
-- breakdown value): free space on each page lets PostgreSQL write the new row version beside the old one (a HOT
-- update) without touching the indexes. At the default fillfactor of 100, a third to a half of these updates went to
-- another page and added index entries (pg_stat_user_tables, bench/run). Applies to pages written from now on.
ALTER TABLE link_daily_clicks SET (fillfactor = 70);
ALTER TABLE link_daily_visits SET (fillfactor = 70);
ALTER TABLE links SET (fillfactor = 85);
