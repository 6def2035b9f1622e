-- Queue rows kept cheap to insert (see ../0009_rcpt_rows.sql): the
-- foreign key to outbound and the CHECK on state give way to a trigger
-- that deletes a message's rows with it.
ALTER TABLE outbound_rcpts DROP CONSTRAINT outbound_rcpts_oid_fkey;
ALTER TABLE outbound_rcpts DROP CONSTRAINT outbound_rcpts_state_check;
CREATE FUNCTION outbound_rcpts_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outbound_rcpts WHERE oid = OLD.oid;
    RETURN NULL;
END $$;
CREATE TRIGGER outbound_rcpts_cascade AFTER DELETE ON outbound
    FOR EACH ROW EXECUTE FUNCTION outbound_rcpts_cascade();
