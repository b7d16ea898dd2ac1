-- open.cx: contact_keys lists only the top-level customData keys some contact has now, each at
-- the place a page of every contact first shows it (the first contact in page order that has
-- the key, then the key's position in that contact's object), so the CSV export has the columns
-- such a page would have, no empty ones. `holders` counts the contacts that have the key: a
-- key whose last contact drops it leaves the table, one whose first contact drops it moves to
-- the next contact that has it (a scan in page order from its place, which stops at the first
-- contact with the key), and one whose first contact moves it within its object moves
-- with it.
ALTER TABLE contact_keys ADD COLUMN holders INTEGER NOT NULL DEFAULT 0;

-- Where each listed key's place belongs: the first contact in page order that has the key, from
-- the key's place on (a scan that stops there), or from the first contact if that finds none
-- (a place that is no lower bound: a created_at changed by hand).
CREATE VIEW contact_key_firsts AS
SELECT k.key, c.created_at, c.id AS contact_id,
  (SELECT min(j.id) FROM json_each(c.custom_data) j WHERE j.key = k.key) AS position
FROM contact_keys k JOIN contacts c ON c.id = (
  SELECT * FROM (
    SELECT h.id FROM contacts h
    WHERE (h.created_at, h.id) >= (k.created_at, k.contact_id)
      AND json_type(h.custom_data) = 'object'
      AND EXISTS (SELECT 1 FROM json_each(h.custom_data) j WHERE j.key = k.key)
    ORDER BY h.created_at, h.id LIMIT 1)
  UNION ALL SELECT * FROM (
    SELECT h.id FROM contacts h
    WHERE json_type(h.custom_data) = 'object'
      AND EXISTS (SELECT 1 FROM json_each(h.custom_data) j WHERE j.key = k.key)
    ORDER BY h.created_at, h.id LIMIT 1)
  LIMIT 1);

-- Every key a contact has is listed already (0004 lists every key any contact has had), at a
-- place no later than its first contact's now: count, drop the keys no contact has, and move
-- the others on from their place to the first contact that has them (for most, that place).
INSERT INTO contact_keys (key, created_at, contact_id, position, holders)
SELECT j.key, '', '', 0, count(DISTINCT c.id) FROM contacts c, json_each(c.custom_data) j
WHERE json_type(c.custom_data) = 'object' GROUP BY j.key
ON CONFLICT (key) DO UPDATE SET holders = excluded.holders;

DELETE FROM contact_keys WHERE holders = 0;

UPDATE contact_keys SET (created_at, contact_id, position) = (
  SELECT f.created_at, f.contact_id, f.position FROM contact_key_firsts f
    WHERE f.key = contact_keys.key);

DROP TRIGGER contact_keys_insert;
DROP TRIGGER contact_keys_update;

CREATE TRIGGER contact_keys_insert AFTER INSERT ON contacts
WHEN json_type(NEW.custom_data) = 'object'
BEGIN
  INSERT INTO contact_keys (key, created_at, contact_id, position, holders)
  SELECT j.key, NEW.created_at, NEW.id, min(j.id), 1 FROM json_each(NEW.custom_data) j
  WHERE true GROUP BY j.key
  ON CONFLICT (key) DO UPDATE SET
    holders = holders + 1,
    created_at = iif((excluded.created_at, excluded.contact_id) < (created_at, contact_id),
      excluded.created_at, created_at),
    position = iif((excluded.created_at, excluded.contact_id) < (created_at, contact_id),
      excluded.position, position),
    contact_id = iif((excluded.created_at, excluded.contact_id) < (created_at, contact_id),
      excluded.contact_id, contact_id);
END;

-- The keys a contact has after an update: one contact more for those it gained; the place moves
-- to it where it comes first, and with the key's position where it already was the first.
CREATE TRIGGER contact_keys_update AFTER UPDATE OF custom_data ON contacts
WHEN NEW.custom_data IS NOT OLD.custom_data AND json_type(NEW.custom_data) = 'object'
BEGIN
  INSERT INTO contact_keys (key, created_at, contact_id, position, holders)
  SELECT j.key, NEW.created_at, NEW.id, min(j.id), 1 FROM json_each(NEW.custom_data) j
  WHERE true GROUP BY j.key
  ON CONFLICT (key) DO UPDATE SET
    holders = holders + (excluded.key NOT IN (
      SELECT o.key FROM json_each(OLD.custom_data) o WHERE json_type(OLD.custom_data) = 'object')),
    created_at = iif((excluded.created_at, excluded.contact_id) <= (created_at, contact_id),
      excluded.created_at, created_at),
    position = iif((excluded.created_at, excluded.contact_id) <= (created_at, contact_id),
      excluded.position, position),
    contact_id = iif((excluded.created_at, excluded.contact_id) <= (created_at, contact_id),
      excluded.contact_id, contact_id);
END;

-- The keys a contact dropped: one contact fewer, gone with the last, and moved on to the next
-- contact that has them where it was the first (a key it kept stays where it is).
CREATE TRIGGER contact_keys_drop AFTER UPDATE OF custom_data ON contacts
WHEN NEW.custom_data IS NOT OLD.custom_data AND json_type(OLD.custom_data) = 'object' AND EXISTS (
  SELECT 1 FROM json_each(OLD.custom_data) o
  WHERE NOT (json_type(NEW.custom_data) IS 'object' AND o.key IN (
    SELECT j.key FROM json_each(NEW.custom_data) j)))
BEGIN
  UPDATE contact_keys SET holders = holders - 1 WHERE key IN (
    SELECT o.key FROM json_each(OLD.custom_data) o
    WHERE NOT (json_type(NEW.custom_data) IS 'object' AND o.key IN (
      SELECT j.key FROM json_each(NEW.custom_data) j)));
  DELETE FROM contact_keys WHERE holders <= 0 AND key IN (
    SELECT o.key FROM json_each(OLD.custom_data) o);
  UPDATE contact_keys SET (created_at, contact_id, position) = (
    SELECT f.created_at, f.contact_id, f.position FROM contact_key_firsts f
    WHERE f.key = contact_keys.key)
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o) AND contact_id = NEW.id;
END;

CREATE TRIGGER contact_keys_delete AFTER DELETE ON contacts
WHEN json_type(OLD.custom_data) = 'object'
BEGIN
  UPDATE contact_keys SET holders = holders - 1
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o);
  DELETE FROM contact_keys
  WHERE holders <= 0 AND key IN (SELECT o.key FROM json_each(OLD.custom_data) o);
  UPDATE contact_keys SET (created_at, contact_id, position) = (
    SELECT f.created_at, f.contact_id, f.position FROM contact_key_firsts f
    WHERE f.key = contact_keys.key)
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o) AND contact_id = OLD.id;
END;
