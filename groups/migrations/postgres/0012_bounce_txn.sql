-- Bounces count only for what their VERP token's transaction carried
-- (see ../0012_bounce_txn.sql).
ALTER TABLE outbound_rcpts ADD COLUMN txn BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbound_rcpts ADD COLUMN bounced BIGINT NOT NULL DEFAULT 0;
