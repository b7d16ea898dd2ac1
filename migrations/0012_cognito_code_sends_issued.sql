-- Every send a client network was issued for an address in the row's window, refunded or not:
-- a withdrawn send is taken back from `sends`, never from here, so a caller whose sends the
-- webhook keeps refusing is stopped too. Rows from before start at their `sends` (what they
-- refunded is not known).
ALTER TABLE cognito_code_sends ADD COLUMN issued INTEGER NOT NULL DEFAULT 0;
UPDATE cognito_code_sends SET issued = sends;
