package groups

import "testing"

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:        `SELECT 1`,
		`a = ? AND b = ?`: `a = $1 AND b = $2`,
		`SELECT ?, x, ? FROM t WHERE g = ?3 OR h = ?3`: `SELECT $1, x, $2 FROM t WHERE g = $3 OR h = $3`,
		`x = '?' AND y = ? AND "q?" = ?`:               `x = '?' AND y = $1 AND "q?" = $2`,
		`a = ?2 AND b = ?`:                             `a = $2 AND b = $3`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
	d := newDialect(DriverPostgres)
	if d.bind(`a = ?`) != `a = $1` || d.bind(`a = ?`) != `a = $1` {
		t.Error("cached bind differs")
	}
	if newDialect(DriverSQLite).bind(`a = ?`) != `a = ?` {
		t.Error("SQLite statement rebound")
	}
}
