-- Whether the pending code's send (send_id) is still being delivered, and until when it may
-- be: epoch milliseconds, the send's start plus the sender's longest delivery and a margin.
-- While it is, no other send for the address is issued, so a send that fails finds its code
-- still pending, the code it displaced beside it, and its counts in the windows it was counted
-- in. Cleared when the delivery ends; a process that dies mid-send holds the address only
-- until then. NULL in rows from before: nothing is being sent.
ALTER TABLE cognito_codes ADD COLUMN sending_until INTEGER;
