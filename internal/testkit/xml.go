package testkit

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"
)

// WellFormedXML reads an XML document to its end. encoding/xml accepts a
// prefix bound to "", which Namespaces in XML 1.0 §3 does not: that is an
// error too.
func WellFormedXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Space == "xmlns" && a.Value == "" {
					return fmt.Errorf("prefix %s bound to no namespace", a.Name.Local)
				}
			}
		}
	}
}

// ServeWithin calls h in-process (a panic reaches the caller, a fuzzer
// say, instead of net/http's recovery) and panics with the request and
// body when h has not answered within d: a request that hangs would only
// show as a fuzzer that stops counting executions.
func ServeWithin(h http.Handler, req *http.Request, body []byte, d time.Duration) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	timer := time.AfterFunc(d, func() {
		panic(fmt.Sprintf("%s %s has not been answered after %v; body %q", req.Method, req.URL.Path, d, body))
	})
	defer timer.Stop()
	h.ServeHTTP(rec, req)
	return rec
}
