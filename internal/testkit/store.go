package testkit

import (
	"groupd/groups"
	"groupd/internal/listaddr"
	"groupd/internal/notice"
	"groupd/internal/searchtext"
)

// StoreOptions gives o what the daemon gives every store it opens
// (daemon.StoreOptions, which the tests of the packages the daemon
// imports cannot import): the search-text decoder, the grammar of list
// addresses and the notices' words. The groups package's own tests set
// them themselves (groups/helpers_test.go).
func StoreOptions(o groups.Options) groups.Options {
	o.SearchText = searchtext.Extract
	o.Addresses = listaddr.Grammar{}
	o.Notices = func(lang string) (groups.Notices, error) {
		c, err := notice.Load(lang)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	return o
}
