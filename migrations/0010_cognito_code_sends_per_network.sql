-- Sends counted per (address, client network) besides per address: one network using up its
-- budget for an address leaves the address's other networks theirs. A row's window works as
-- the address's in cognito_codes (epoch milliseconds, starting at the first send after the
-- previous window ended); rows whose window is over are deleted by the address's next send.
CREATE TABLE cognito_code_sends (
  user_id TEXT NOT NULL REFERENCES cognito_users (id) ON DELETE CASCADE,
  -- HMAC-SHA256 under TOKEN_SECRET of the client's network (an IPv4 address, an IPv6 /64):
  -- the table holds no client address.
  client_key TEXT NOT NULL,
  sends INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  PRIMARY KEY (user_id, client_key)
);

-- The send that stored the pending code, and the one that stored the code it displaced: a send
-- whose code was not delivered withdraws that code and no other. NULL in rows from before.
ALTER TABLE cognito_codes ADD COLUMN send_id TEXT;
ALTER TABLE cognito_codes ADD COLUMN displaced_send_id TEXT;
