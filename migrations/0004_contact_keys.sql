-- open.cx: every top-level customData key any contact has had, with the place it was first
-- seen in page order (the contact's created_at and id, then the key's position in its object).
-- The CSV export takes its columns from here before its first row instead of reading every
-- contact's customData first. Triggers keep it current whoever writes a contact; a key a
-- contact later drops stays listed (its column is then empty).
CREATE TABLE contact_keys (
  key TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  contact_id TEXT NOT NULL,
  position INTEGER NOT NULL
);

INSERT INTO contact_keys (key, created_at, contact_id, position)
SELECT j.key, c.created_at, c.id, j.id
FROM contacts c, json_each(c.custom_data) j
WHERE json_type(c.custom_data) = 'object'
ORDER BY c.created_at, c.id, j.id
ON CONFLICT (key) DO NOTHING;

CREATE TRIGGER contact_keys_insert AFTER INSERT ON contacts
WHEN json_type(NEW.custom_data) = 'object'
BEGIN
  INSERT INTO contact_keys (key, created_at, contact_id, position)
  SELECT j.key, NEW.created_at, NEW.id, j.id FROM json_each(NEW.custom_data) j WHERE true
  ON CONFLICT (key) DO UPDATE SET
    created_at = excluded.created_at, contact_id = excluded.contact_id, position = excluded.position
  WHERE (excluded.created_at, excluded.contact_id, excluded.position)
    < (contact_keys.created_at, contact_keys.contact_id, contact_keys.position);
END;

CREATE TRIGGER contact_keys_update AFTER UPDATE OF custom_data ON contacts
WHEN json_type(NEW.custom_data) = 'object'
BEGIN
  INSERT INTO contact_keys (key, created_at, contact_id, position)
  SELECT j.key, NEW.created_at, NEW.id, j.id FROM json_each(NEW.custom_data) j WHERE true
  ON CONFLICT (key) DO UPDATE SET
    created_at = excluded.created_at, contact_id = excluded.contact_id, position = excluded.position
  WHERE (excluded.created_at, excluded.contact_id, excluded.position)
    < (contact_keys.created_at, contact_keys.contact_id, contact_keys.position);
END;
