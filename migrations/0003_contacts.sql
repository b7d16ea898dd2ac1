-- open.cx family: widget contacts. A contact is identified by its email, case-insensitively
-- (email_key holds the lower-case form), or by its phone when it has no email.
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  email TEXT,
  email_key TEXT,
  name TEXT,
  avatar_url TEXT,
  phone TEXT,
  language TEXT,
  custom_data TEXT,
  chat_context TEXT,
  http_action_overrides TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (email_key IS NOT NULL OR phone IS NOT NULL)
);

-- The two upsert targets (INSERT ... ON CONFLICT ... DO UPDATE): one contact per email, and
-- one contact per phone among contacts without an email. SQLite treats NULLs as distinct, so
-- phone-only contacts never collide on email_key.
CREATE UNIQUE INDEX contacts_email_key ON contacts (email_key);
CREATE UNIQUE INDEX contacts_phone_only ON contacts (phone) WHERE email_key IS NULL;

-- Stable page order: creation time, then id.
CREATE INDEX contacts_order ON contacts (created_at, id);
