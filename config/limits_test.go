package config

import (
	"strings"
	"testing"
)

func TestLimitsKeys(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, `
[limits]
max_connections_per_ip = 7
max_http_requests = 9
max_request_bytes = 4096
max_smtp_commands = 30
max_connections = 40
memory_budget = 33554432
`))
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{MaxConnectionsPerIP: 7, MaxHTTPRequests: 9, MaxRequestBytes: 4096, MaxSMTPCommands: 30,
		MaxConnections: 40, MemoryBudget: 32 << 20}
	if got.Limits != want {
		t.Fatalf("Limits = %+v, want %+v", got.Limits, want)
	}
}

func TestLimitsDefaults(t *testing.T) {
	t.Parallel()
	got, err := Load(writeFile(t, "[limits]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Limits{MaxConnectionsPerIP: 50, MaxHTTPRequests: 256, MaxRequestBytes: 1 << 20, MaxSMTPCommands: 1000,
		MaxConnections: 1000, MemoryBudget: 64 << 20}
	if got.Limits != want {
		t.Fatalf("Limits = %+v, want %+v", got.Limits, want)
	}
}

func TestLimitsBad(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, toml, want string }{
		{"unknown key", "max_conns = 3", "limits.max_conns: unknown key"},
		{"zero connections", "max_connections_per_ip = 0", "limits.max_connections_per_ip: 0 is not a positive number of connections"},
		{"negative requests", "max_http_requests = -1", "limits.max_http_requests: -1 is not a positive number of requests"},
		{"zero bytes", "max_request_bytes = 0", "limits.max_request_bytes: 0 is not a positive number of bytes"},
		{"zero commands", "max_smtp_commands = 0", "limits.max_smtp_commands: 0 is not a positive number of commands"},
		{"too few commands", "max_smtp_commands = 4", "limits.max_smtp_commands: 4 is too few for one message"},
		{"zero total connections", "max_connections = 0", "limits.max_connections: 0 is not a positive number of connections"},
		{"small memory budget", "memory_budget = 1048576", "limits.memory_budget: 1048576 bytes is too little to hold a message"},
		{"wrong type", `max_request_bytes = "1M"`, "limits.max_request_bytes: line 2: incompatible types"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := writeFile(t, "[limits]\n"+tc.toml+"\n")
			_, err := Load(p)
			if err == nil {
				t.Fatalf("Load(%q) succeeded, want error containing %q", tc.toml, tc.want)
			}
			if !strings.Contains(err.Error(), p+": "+tc.want) {
				t.Fatalf("Load(%q) = %v, want %q", tc.toml, err, tc.want)
			}
		})
	}
}
