-- Bounces count only for what their VERP token's transaction carried
-- (issue 16 item 7). txn is the first row (the VERP token's row) of the
-- relay transaction that a row went out in, set when the relay accepted
-- it; bounced is set once a DSN for the row has been counted, so that a
-- post counts at most one bounce per recipient.
ALTER TABLE outbound_rcpts ADD COLUMN txn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound_rcpts ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0;
