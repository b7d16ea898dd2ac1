-- ServiceStack family: Cognito-style users and their confirmation codes.
CREATE TABLE cognito_users (
  id TEXT PRIMARY KEY,
  -- Stored lowercased, so one address is one user whatever its case.
  email TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  -- JSON objects of string values (Dictionary<string, string>).
  attributes TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per user: the pending code and the send-rate window. Times are epoch milliseconds so
-- the conditional UPDATEs can compare them. The code itself is never stored: only its
-- HMAC-SHA256 under TOKEN_SECRET, NULL once used.
CREATE TABLE cognito_codes (
  user_id TEXT PRIMARY KEY REFERENCES cognito_users (id) ON DELETE CASCADE,
  code_hash TEXT,
  expires_at INTEGER,
  attempts INTEGER NOT NULL,
  sends INTEGER NOT NULL,
  window_start INTEGER NOT NULL
);
