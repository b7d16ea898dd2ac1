-- Cognigy family: Amazon users. Tokens are AES-GCM ciphertexts, never plaintext.
CREATE TABLE alexa_users (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  last_changed TEXT NOT NULL,
  created_by TEXT NOT NULL,
  last_changed_by TEXT NOT NULL,
  access_token TEXT NOT NULL,
  refresh_token TEXT NOT NULL
);

-- Stable page order: creation time, then id.
CREATE INDEX alexa_users_order ON alexa_users (created_at, id);
