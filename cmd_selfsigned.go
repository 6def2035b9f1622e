package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"groupd/config"
)

// cmdSelfsigned is `groupd selfsigned [-out DIR] [-host NAMES] [-days N]`:
// it writes a self-signed certificate and key for a laptop set-up and
// prints the [tls] lines that use them.
func cmdSelfsigned(args []string) int {
	fs := flag.NewFlagSet("selfsigned", flag.ContinueOnError)
	out := fs.String("out", "tls", "directory for cert.pem and key.pem (created, 0700)")
	hosts := fs.String("host", "localhost,127.0.0.1,::1", "comma-separated host names and IP addresses")
	days := fs.Int("days", 365, "validity in days")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var names []string
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			names = append(names, h)
		}
	}
	cert, key, err := config.WriteSelfSigned(*out, names, *days)
	if err != nil {
		fmt.Fprintf(os.Stderr, "groupd selfsigned: %v\n", err)
		return 1
	}
	fmt.Printf("wrote %s and %s; add to groupd.toml:\n\n[tls]\ncert_file = %q\nkey_file = %q\n", cert, key, cert, key)
	return 0
}
