package folder

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"groupd/groups"
)

// errPath is a refused request path; code is the answer.
type errPath struct {
	code int
	msg  string
}

func (e *errPath) Error() string { return e.msg }

func badPath(code int, msg string) error { return &errPath{code, msg} }

// cleanURLPath confines a request (or Destination) path to the prefix and
// returns the name below it, "/" for the prefix itself, as
// "/<group-id>/<path>". Encoded slashes and NULs, "." and ".." segments,
// control characters and overlong names are refused (SPEC §5); empty
// segments ("//") are dropped.
func cleanURLPath(u *url.URL, prefix string) (string, error) {
	raw := strings.ToLower(u.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%00") || strings.Contains(raw, "%5c") {
		return "", badPath(http.StatusBadRequest, "encoded slashes and NUL bytes are not allowed in paths")
	}
	p := u.Path
	if p != prefix && !strings.HasPrefix(p, prefix+"/") {
		return "", badPath(http.StatusNotFound, "not found")
	}
	if len(p) > groups.MaxFilePathBytes+len(prefix)+groups.MaxFileNameBytes+2 {
		return "", badPath(http.StatusRequestURITooLong, "the path is too long")
	}
	var segs []string
	for _, s := range strings.Split(p[len(prefix):], "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	if len(segs) == 0 {
		return "/", nil
	}
	if err := groups.CheckFilePath(strings.Join(segs, "/")); err != nil {
		if errors.Is(err, groups.ErrTooLarge) {
			return "", badPath(http.StatusRequestURITooLong, groups.Message(err))
		}
		return "", badPath(http.StatusBadRequest, groups.Message(err))
	}
	return "/" + strings.Join(segs, "/"), nil
}

// split parts a name ("/<group-id>/<path>") into the group id and the path
// inside its folder. The root "/" has no group id.
func split(name string) (gid, p string) {
	name = strings.Trim(name, "/")
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// cleanDestination checks and rewrites the Destination header of COPY and
// MOVE (RFC 4918 §10.3) to a cleaned path on this server.
func cleanDestination(r *http.Request, prefix string) (string, error) {
	d := r.Header.Get("Destination")
	if d == "" {
		return "", badPath(http.StatusBadRequest, "COPY and MOVE need a Destination header")
	}
	u, err := url.Parse(d)
	if err != nil {
		return "", badPath(http.StatusBadRequest, "the Destination header is not a URL")
	}
	if u.Host != "" && u.Host != r.Host {
		return "", badPath(http.StatusBadGateway, "the destination is on another server")
	}
	name, err := cleanURLPath(u, prefix)
	if err != nil {
		var ep *errPath
		if errors.As(err, &ep) && ep.code == http.StatusNotFound {
			return "", badPath(http.StatusForbidden, "the destination is outside the group folders")
		}
		return "", err
	}
	r.Header.Set("Destination", (&url.URL{Path: prefix + name}).EscapedPath())
	return name, nil
}
