// Package groupdproc runs the groupd binary as a user would, for the
// benchmarks under bench/ and the tools they drive: a generated config
// with the chosen listeners on free loopback ports, the bound addresses
// read from the daemon's "listening" log lines, the admin token read back
// from data_dir, and the admin API at hand. It stores nothing of its own.
package groupdproc
