// Package config reads groupd.toml (SPEC §2) into a Config.
//
// Load starts from Defaults and decodes the file over them with
// github.com/BurntSushi/toml, so a file need only name what it changes.
// Reading is strict: a key the Config does not know, a value of the wrong
// type and an impossible value (an unparsable listen address, a relay
// without a host, an empty mail.domains, ...) are errors that name the key,
// and Validate reports every problem at once rather than the first.
//
// Keys:
//
//	hostname          HELO/EHLO name and Message-ID domain
//	data_dir          SQLite database, blobs and generated secrets
//	[database]
//	driver            "sqlite" (default: data_dir/groupd.db) or "postgres"
//	dsn               PostgreSQL connection string (with "postgres" only;
//	                  never logged: Database.Redacted)
//	blobs             "fs" (data_dir/blobs; default with sqlite) or
//	                  "postgres" (chunks in the database; default with
//	                  postgres, and only with it)
//	node_id           this process's id among nodes on one PostgreSQL
//	                  database (default: random, kept in data_dir/node-id)
//	lease             how long a node's claim on queued mail lasts
//	                  unrenewed (PostgreSQL; default "1m", 1s to 1h)
//	log_level         "debug", "info" (default), "warn" or "error"
//	shutdown_timeout  how long a shutdown may drain, e.g. "10s" (default)
//	[mail]
//	domains           domains whose addresses groupd hosts (non-empty)
//	internal_domains  the organisation's own mail domains (non-empty)
//	relay             smarthost host:port that outbound mail is handed to
//	max_message_bytes largest message accepted (> 0)
//	trusted_networks  the organisation's MTAs (CIDR or bare IPs)
//	from_rewrite, subject_prefix, list_rate, bounce_limit,
//	relay_concurrency, retry, give_up   posts and the queue (mail.go)
//	[listen]
//	smtp, submission, imap, http   host:port; "" disables that listener
//	[tls] [submission] [imap] [dav] [limits]   see tls.go, dav.go, limits.go
//
// The package stores nothing; it only reads.
package config
