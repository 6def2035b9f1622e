-- Look up list settings by address (posting rules, senders_as) without a scan.
CREATE INDEX list_addresses_address ON list_addresses(address, kind);
