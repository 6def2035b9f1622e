//go:build linux && cgo

package budget

/*
#include <stddef.h>
// mallopt is glibc's; a weak reference is NULL where the C library has
// none (musl), and then nothing is changed.
extern int mallopt(int param, int value) __attribute__((weak));

static int mmapAbove(int n) {
	if (mallopt == NULL) {
		return 0;
	}
	return mallopt(-3, n); // M_MMAP_THRESHOLD
}
*/
import "C"

// TuneMalloc makes the C allocator give large blocks (1 MiB and more)
// back to the system as soon as they are freed. SQLite copies a message
// whole to write it and reads it whole for substr(); glibc otherwise
// raises its mmap threshold to the size of such a block once one is
// freed, and then keeps later ones in its per-thread arenas, so that
// every thread that once handled a 24 MiB message holds as much again
// (measured: 176 MiB of resident memory after two such posts and five
// IMAP FETCHes, 52 MiB with this). Call it once, at start.
func TuneMalloc() bool {
	return C.mmapAbove(1<<20) == 1
}
