-- Page order is the order rows were stored. Until now pages, cursors and export batches were
-- ordered by (created_at, id): created_at is the handler's clock, read before its write commits,
-- and an id's last 8 bytes are random. Rows stored in one millisecond (most of them on Workers,
-- whose clock stands still between I/O) or by processes sharing a file (one waits for the lock
-- after reading the clock) were ordered by chance, not by commit: a row stored after a client's
-- cursor had passed its place was never returned by that cursor or any link after it.
--
-- `seq` is a number the database gives each row inside the INSERT's own write: SQLite and D1
-- commit one writer at a time, so a row stored later has a higher seq, and a cursor at seq N
-- sees every row stored after it. It comes from a counter per table (`row_seqs`) that only
-- grows, never from max(seq) + 1: a number freed by a delete (Alexa users are deleted) is never
-- given again, so a row stored later never lands behind a cursor at a deleted row. (Should the
-- counter's row be gone, deleted by hand, or a seq be set by hand past it, the next row takes
-- the number after the largest seq there is: an indexed read, done on every insert, that
-- costs one seek.)
-- created_at stays data.
CREATE TABLE row_seqs (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
);

ALTER TABLE contacts ADD COLUMN seq INTEGER;
ALTER TABLE alexa_users ADD COLUMN seq INTEGER;

-- The rows stored before: numbered in the order their pages had them.
UPDATE contacts SET seq = o.n
FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY created_at, id) AS n FROM contacts) o
WHERE o.rid = contacts.rowid;
UPDATE alexa_users SET seq = o.n
FROM (SELECT rowid AS rid, row_number() OVER (ORDER BY created_at, id) AS n FROM alexa_users) o
WHERE o.rid = alexa_users.rowid;

INSERT INTO row_seqs (name, n) SELECT 'contacts', coalesce(max(seq), 0) FROM contacts WHERE true
ON CONFLICT (name) DO NOTHING;
INSERT INTO row_seqs (name, n) SELECT 'alexa_users', coalesce(max(seq), 0) FROM alexa_users
WHERE true ON CONFLICT (name) DO NOTHING;

-- Page order, cursors and export batches read these. The (created_at, id) indexes had no other
-- use: gone, so a write keeps one index less.
CREATE UNIQUE INDEX contacts_seq ON contacts (seq);
CREATE UNIQUE INDEX alexa_users_seq ON alexa_users (seq);
DROP INDEX contacts_order;
DROP INDEX alexa_users_order;

-- The CSV export reads the contacts with http_action_overrides in page order.
DROP INDEX contacts_with_overrides;
CREATE INDEX contacts_with_overrides ON contacts (seq) WHERE http_action_overrides IS NOT NULL;

-- Every new Amazon user takes the next number, whatever seq the INSERT gave (none, from the
-- store). The UPDATE of seq fires no other trigger (the count's are on INSERT and DELETE).
CREATE TRIGGER alexa_users_seq AFTER INSERT ON alexa_users
BEGIN
  INSERT INTO row_seqs (name, n)
  SELECT 'alexa_users', coalesce(max(seq), 0) + 1 FROM alexa_users WHERE true
  ON CONFLICT (name) DO UPDATE SET n = max(n + 1, excluded.n);
  UPDATE alexa_users SET seq = (SELECT n FROM row_seqs WHERE name = 'alexa_users')
  WHERE rowid = NEW.rowid;
END;

-- contact_keys: each customData key's place is now its first holder's seq (then the key's
-- position in its object), the place a page of every contact first shows it. Rebuilt from the
-- contacts in page order, as 0007 did; its view and triggers follow seq.
DROP VIEW contact_key_firsts;
DROP TRIGGER contact_keys_insert;
DROP TRIGGER contact_keys_update;
DROP TRIGGER contact_keys_drop;
DROP TRIGGER contact_keys_delete;
DROP TABLE contact_keys;

CREATE TABLE contact_keys (
  key TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  position INTEGER NOT NULL,
  holders INTEGER NOT NULL
);

INSERT INTO contact_keys (key, seq, position, holders)
SELECT j.key, c.seq, j.id, 1 FROM contacts c, json_each(c.custom_data) j
WHERE json_type(c.custom_data) = 'object' AND j.type <> 'null' AND j.id = (
  SELECT min(k.id) FROM json_each(c.custom_data) k WHERE k.key = j.key AND k.type <> 'null')
ORDER BY c.seq, j.id
ON CONFLICT (key) DO UPDATE SET holders = holders + 1;

-- Where each listed key's place belongs: the first contact in page order that has the key, from
-- the key's place on (a scan that stops there), or from the first contact if that finds none
-- (a place that is no lower bound: a seq changed by hand).
CREATE VIEW contact_key_firsts AS
SELECT k.key, c.seq,
  (SELECT min(j.id) FROM json_each(c.custom_data) j WHERE j.key = k.key AND j.type <> 'null')
    AS position
FROM contact_keys k JOIN contacts c ON c.seq = (
  SELECT * FROM (
    SELECT h.seq FROM contacts h
    WHERE h.seq >= k.seq
      AND json_type(h.custom_data) = 'object'
      AND EXISTS (
        SELECT 1 FROM json_each(h.custom_data) j WHERE j.key = k.key AND j.type <> 'null')
    ORDER BY h.seq LIMIT 1)
  UNION ALL SELECT * FROM (
    SELECT h.seq FROM contacts h
    WHERE json_type(h.custom_data) = 'object'
      AND EXISTS (
        SELECT 1 FROM json_each(h.custom_data) j WHERE j.key = k.key AND j.type <> 'null')
    ORDER BY h.seq LIMIT 1)
  LIMIT 1);

-- A new contact: it takes the next number first, then lists its keys at that place. One
-- trigger, so the keys' statement runs after the number is given (SQLite promises no order
-- between triggers). The UPDATE of seq fires none of the UPDATE OF custom_data triggers.
CREATE TRIGGER contacts_insert AFTER INSERT ON contacts
BEGIN
  INSERT INTO row_seqs (name, n)
  SELECT 'contacts', coalesce(max(seq), 0) + 1 FROM contacts WHERE true
  ON CONFLICT (name) DO UPDATE SET n = max(n + 1, excluded.n);
  UPDATE contacts SET seq = (SELECT n FROM row_seqs WHERE name = 'contacts')
  WHERE rowid = NEW.rowid;
  INSERT INTO contact_keys (key, seq, position, holders)
  SELECT j.key, (SELECT n FROM row_seqs WHERE name = 'contacts'), min(j.id), 1
  FROM json_each(NEW.custom_data) j
  WHERE json_type(NEW.custom_data) = 'object' AND j.type <> 'null' GROUP BY j.key
  ON CONFLICT (key) DO UPDATE SET
    holders = holders + 1,
    position = iif(excluded.seq < seq, excluded.position, position),
    seq = iif(excluded.seq < seq, excluded.seq, seq);
END;

-- The keys a contact has after an update: one contact more for those it gained (a key whose
-- value was null is gained); the place moves to it where it comes first, and with the key's
-- position where it already was the first.
CREATE TRIGGER contact_keys_update AFTER UPDATE OF custom_data ON contacts
WHEN NEW.custom_data IS NOT OLD.custom_data AND json_type(NEW.custom_data) = 'object'
BEGIN
  INSERT INTO contact_keys (key, seq, position, holders)
  SELECT j.key, NEW.seq, min(j.id), 1 FROM json_each(NEW.custom_data) j
  WHERE j.type <> 'null' GROUP BY j.key
  ON CONFLICT (key) DO UPDATE SET
    holders = holders + (excluded.key NOT IN (
      SELECT o.key FROM json_each(OLD.custom_data) o
      WHERE json_type(OLD.custom_data) = 'object' AND o.type <> 'null')),
    position = iif(excluded.seq <= seq, excluded.position, position),
    seq = iif(excluded.seq <= seq, excluded.seq, seq);
END;

-- The keys a contact dropped (a key whose value became null is dropped): one contact fewer,
-- gone with the last, and moved on to the next contact that has them where it was the first.
CREATE TRIGGER contact_keys_drop AFTER UPDATE OF custom_data ON contacts
WHEN NEW.custom_data IS NOT OLD.custom_data AND json_type(OLD.custom_data) = 'object' AND EXISTS (
  SELECT 1 FROM json_each(OLD.custom_data) o
  WHERE o.type <> 'null' AND NOT (json_type(NEW.custom_data) IS 'object' AND o.key IN (
    SELECT j.key FROM json_each(NEW.custom_data) j WHERE j.type <> 'null')))
BEGIN
  UPDATE contact_keys SET holders = holders - 1 WHERE key IN (
    SELECT o.key FROM json_each(OLD.custom_data) o
    WHERE o.type <> 'null' AND NOT (json_type(NEW.custom_data) IS 'object' AND o.key IN (
      SELECT j.key FROM json_each(NEW.custom_data) j WHERE j.type <> 'null')));
  DELETE FROM contact_keys WHERE holders <= 0 AND key IN (
    SELECT o.key FROM json_each(OLD.custom_data) o);
  UPDATE contact_keys SET (seq, position) = (
    SELECT f.seq, f.position FROM contact_key_firsts f WHERE f.key = contact_keys.key)
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o) AND seq = NEW.seq;
END;

CREATE TRIGGER contact_keys_delete AFTER DELETE ON contacts
WHEN json_type(OLD.custom_data) = 'object'
BEGIN
  UPDATE contact_keys SET holders = holders - 1
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o WHERE o.type <> 'null');
  DELETE FROM contact_keys
  WHERE holders <= 0 AND key IN (SELECT o.key FROM json_each(OLD.custom_data) o);
  UPDATE contact_keys SET (seq, position) = (
    SELECT f.seq, f.position FROM contact_key_firsts f WHERE f.key = contact_keys.key)
  WHERE key IN (SELECT o.key FROM json_each(OLD.custom_data) o) AND seq = OLD.seq;
END;
