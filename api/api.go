package api

import (
	"errors"
	"log/slog"
	"net/http"

	"groupd/groups"
)

// Options configure the API handler.
type Options struct {
	// Store is the groups model. Required.
	Store *groups.Store
	// AdminToken is the bearer token that acts as an administrator. Required.
	AdminToken string
	// Logger. Default: discard.
	Logger *slog.Logger
	// MaxBodyBytes bounds request bodies. Default 1 MiB.
	MaxBodyBytes int64
}

// New returns the handler for /api/v1/.
func New(opts Options) (http.Handler, error) {
	if opts.Store == nil || opts.AdminToken == "" {
		return nil, errors.New("api: Store and AdminToken are required")
	}
	mux := http.NewServeMux()
	return mux, nil
}
