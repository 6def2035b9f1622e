package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"groupd/groups"
)

// errEmptyBody is what decode returns for a body with no JSON value.
var errEmptyBody = badRequest("the request needs a JSON body")

// decode reads the request body as exactly one JSON value into v (RFC
// 8259). The body is bounded by MaxBodyBytes (413 beyond); unknown fields,
// wrong types, malformed JSON and trailing data are 400s that say what is
// wrong and where. Content-Type is not required, so that curl -d works.
func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, s.maxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return s.jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil || isJSONSyntax(err) {
			return badRequest("the body holds more than one JSON value, or data after it")
		}
		return s.jsonError(err)
	}
	return nil
}

// decodeOptional is decode for bodies that may be empty; it reports
// whether there was one.
func (s *server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) (bool, error) {
	err := s.decode(w, r, v)
	if err == errEmptyBody {
		return false, nil
	}
	return err == nil, err
}

func isJSONSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

// jsonError turns a decoding error into a sentence for a person.
func (s *server) jsonError(err error) error {
	var (
		tooBig *http.MaxBytesError
		syn    *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return &groups.Error{Kind: groups.ErrTooLarge,
			Msg: fmt.Sprintf("the request body is over the limit of %d bytes", tooBig.Limit)}
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the JSON body ends too early")
	case errors.As(err, &syn):
		return badRequest(fmt.Sprintf("the body is not valid JSON (at byte %d): %s", syn.Offset, syn.Error()))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest(fmt.Sprintf("the body must be %s, not %s", jsonKind(typ.Type.String()), typ.Value))
		}
		return badRequest(fmt.Sprintf("field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.String()), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return badRequest(fmt.Sprintf("unknown field %s", name))
	}
	return badRequest("the body is not valid JSON: " + err.Error())
}

// jsonKind names a Go type as the JSON a person should send.
func jsonKind(goType string) string {
	t := strings.TrimPrefix(goType, "*")
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	}
	return "an object"
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"the answer could not be encoded","code":"internal"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// created answers 201 with v and a Location header.
func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, v)
}

// noContent answers 204.
func noContent(w http.ResponseWriter) { w.WriteHeader(http.StatusNoContent) }

// queryInt reads a non-negative whole number from the query; def when
// absent.
func queryInt(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest(fmt.Sprintf("query parameter %s must be a whole number of 0 or more, not %q", name, v))
	}
	return n, nil
}

// queryBool reads true/false from the query; nil when absent.
func queryBool(q url.Values, name string) (*bool, error) {
	v := q.Get(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badRequest(fmt.Sprintf("query parameter %s must be true or false, not %q", name, v))
	}
	return &b, nil
}

// onlyParams refuses query parameters other than the named ones, as
// unknown JSON fields are refused.
func onlyParams(q url.Values, names ...string) error {
	for k := range q {
		known := false
		for _, n := range names {
			known = known || k == n
		}
		if !known {
			return badRequest(fmt.Sprintf("unknown query parameter %q (known: %s)", k, strings.Join(names, ", ")))
		}
	}
	return nil
}

// pathEscape makes one path segment of a Location header.
func pathEscape(s string) string { return url.PathEscape(s) }
