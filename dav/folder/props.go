package folder

import (
	"encoding/xml"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/webdav"

	"groupd/groups"
)

func davName(local string) xml.Name { return xml.Name{Space: "DAV:", Local: local} }

// computed are the DAV: properties this package works out itself; they
// reach x/net/webdav through DeadProps, which it consults first, and are
// never stored.
var computed = map[xml.Name]bool{
	davName("creationdate"): true, davName("lockdiscovery"): true, davName("supportedlock"): true,
	davName("getetag"): true, davName("quota-available-bytes"): true, davName("quota-used-bytes"): true,
}

// protected are the computed properties x/net/webdav does not itself
// refuse to PROPPATCH.
var protected = map[xml.Name]bool{
	davName("quota-available-bytes"): true, davName("quota-used-bytes"): true,
}

// DeadProps gives the stored dead properties of the entry with the
// computed ones: creationdate (RFC 4918 §15.1), getetag on collections
// too, lockdiscovery (§15.8), supportedlock with shared locks when asked
// for by name (§15.10), and the RFC 4331 quota properties of collections
// when asked for by name (§3: not in allprop).
func (e *entry) DeadProps() (map[xml.Name]webdav.Property, error) {
	m := map[xml.Name]webdav.Property{}
	set := func(n xml.Name, inner string) { m[n] = webdav.Property{XMLName: n, InnerXML: []byte(inner)} }
	if e.root {
		return m, nil
	}
	stored, err := e.storedProps()
	if err != nil {
		return nil, err
	}
	for _, p := range stored {
		n := xml.Name{Space: p.Space, Local: p.Local}
		m[n] = webdav.Property{XMLName: n, Lang: p.Lang, InnerXML: []byte(p.Inner)}
	}
	set(davName("creationdate"), e.fi.Created.UTC().Format(time.RFC3339))
	if e.fi.IsDir {
		set(davName("getetag"), etagText(e.fi.ETag))
	}
	ld, err := e.rq.lockDiscovery(e.gid, e.fi.Path)
	if err != nil {
		return nil, err
	}
	set(davName("lockdiscovery"), ld)
	if e.rq.wantSupportedLock {
		set(davName("supportedlock"), supportedLock)
	}
	if e.fi.IsDir && e.rq.wantQuota {
		used, quota, err := e.f.Usage(e.rq.ctx)
		if err != nil {
			return nil, err
		}
		set(davName("quota-used-bytes"), strconv.FormatInt(used, 10))
		set(davName("quota-available-bytes"), strconv.FormatInt(max(quota-used, 0), 10))
	}
	return m, nil
}

const supportedLock = `<D:lockentry xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>` +
	`<D:lockentry xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>`

func (e *entry) storedProps() ([]groups.Prop, error) {
	if p, ok := e.rq.props[e.gid+"/"+e.fi.Path]; ok {
		return p, nil
	}
	return e.f.Props(e.rq.ctx, e.fi.Path)
}

// Patch applies a PROPPATCH to the entry's dead properties, all or none
// (RFC 4918 §9.2).
func (e *entry) Patch(patches []webdav.Proppatch) ([]webdav.Propstat, error) {
	var names, prot []webdav.Property
	var gp []groups.PropPatch
	bad := false
	for _, pp := range patches {
		g := groups.PropPatch{Remove: pp.Remove}
		for _, p := range pp.Props {
			if unwritable(p.XMLName) {
				bad = true
				continue
			}
			names = append(names, webdav.Property{XMLName: p.XMLName})
			if protected[p.XMLName] {
				prot = append(prot, webdav.Property{XMLName: p.XMLName})
			}
			g.Props = append(g.Props, groups.Prop{Space: p.XMLName.Space, Local: p.XMLName.Local,
				Lang: p.Lang, Inner: string(p.InnerXML)})
		}
		gp = append(gp, g)
	}
	if e.root {
		return []webdav.Propstat{{Status: http.StatusForbidden, Props: names}}, nil
	}
	if bad {
		return []webdav.Propstat{{Status: http.StatusForbidden}, {Status: webdav.StatusFailedDependency, Props: names}}, nil
	}
	if len(prot) > 0 {
		return []webdav.Propstat{
			{Status: http.StatusForbidden, Props: prot, XMLError: `<D:cannot-modify-protected-property xmlns:D="DAV:"/>`},
			{Status: webdav.StatusFailedDependency, Props: others(names, prot)},
		}, nil
	}
	e.rq.changed()
	err := e.f.PatchProps(e.rq.ctx, e.fi.Path, gp)
	switch {
	case err == nil:
		return []webdav.Propstat{{Status: http.StatusOK, Props: names}}, nil
	case errors.Is(err, groups.ErrDenied):
		return []webdav.Propstat{{Status: http.StatusForbidden, Props: names}}, nil
	case errors.Is(err, groups.ErrTooLarge):
		return []webdav.Propstat{tooLarge(err, names)}, nil
	}
	return nil, err
}

// tooLarge is the propstat of a PROPPATCH refused for want of room: 507
// (RFC 4918 §9.2.1), naming the DAV:quota-not-exceeded precondition when
// the folder's quota is what is missing (RFC 4331 §6), with the sentence.
func tooLarge(err error, names []webdav.Property) webdav.Propstat {
	ps := webdav.Propstat{Status: webdav.StatusInsufficientStorage, Props: names,
		ResponseDescription: groups.Message(err)}
	if groups.Message(err) == groups.QuotaExceeded {
		ps.XMLError = `<D:quota-not-exceeded xmlns:D="DAV:"/>`
	}
	return ps
}

// unwritable is a name that the XML parser read with a colon in its local
// part (<D::x>, <a:b:c>): no namespace-well-formed document can hold it,
// so stored it would break every PROPFIND listing the entry. A PROPPATCH
// naming one is refused, and the name left out of the answer.
func unwritable(n xml.Name) bool {
	return n.Local == "" || strings.Contains(n.Local, ":")
}

func others(all, some []webdav.Property) []webdav.Property {
	skip := map[xml.Name]bool{}
	for _, p := range some {
		skip[p.XMLName] = true
	}
	var out []webdav.Property
	for _, p := range all {
		if !skip[p.XMLName] {
			out = append(out, p)
		}
	}
	return out
}

// DeadProps of a file being written: none yet.
func (w *writeFile) DeadProps() (map[xml.Name]webdav.Property, error) { return nil, nil }

// Patch of a file being written records the properties a COPY carries
// over, without the computed ones, for the commit.
func (w *writeFile) Patch(patches []webdav.Proppatch) ([]webdav.Propstat, error) {
	var names []webdav.Property
	for _, pp := range patches {
		g := groups.PropPatch{Remove: pp.Remove}
		for _, p := range pp.Props {
			names = append(names, webdav.Property{XMLName: p.XMLName})
			if !computed[p.XMLName] {
				g.Props = append(g.Props, groups.Prop{Space: p.XMLName.Space, Local: p.XMLName.Local,
					Lang: p.Lang, Inner: string(p.InnerXML)})
			}
		}
		w.up.SetProps(g)
	}
	return []webdav.Propstat{{Status: http.StatusOK, Props: names}}, nil
}
