//go:build !linux || !cgo

package budget

// TuneMalloc does nothing here (see malloc_cgo.go).
func TuneMalloc() bool { return false }
