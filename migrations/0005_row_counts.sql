-- The number of rows of each paged table, kept by triggers, so a page's total is one indexed
-- read instead of a COUNT(*) over the whole table (~20 ms at a million contacts, on every
-- page). No row for a table means it is empty.
CREATE TABLE row_counts (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
);

INSERT INTO row_counts (name, n) SELECT 'alexa_users', COUNT(*) FROM alexa_users WHERE true
ON CONFLICT (name) DO NOTHING;
INSERT INTO row_counts (name, n) SELECT 'contacts', COUNT(*) FROM contacts WHERE true
ON CONFLICT (name) DO NOTHING;

CREATE TRIGGER alexa_users_count_insert AFTER INSERT ON alexa_users
BEGIN
  INSERT INTO row_counts (name, n) VALUES ('alexa_users', 1)
  ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER alexa_users_count_delete AFTER DELETE ON alexa_users
BEGIN
  UPDATE row_counts SET n = n - 1 WHERE name = 'alexa_users';
END;

CREATE TRIGGER contacts_count_insert AFTER INSERT ON contacts
BEGIN
  INSERT INTO row_counts (name, n) VALUES ('contacts', 1)
  ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER contacts_count_delete AFTER DELETE ON contacts
BEGIN
  UPDATE row_counts SET n = n - 1 WHERE name = 'contacts';
END;
