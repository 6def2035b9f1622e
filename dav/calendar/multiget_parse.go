package calendar

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// multigetBody is a CALDAV:calendar-multiget request (RFC 4791 §9.10).
type multigetBody struct {
	hrefs []string
	q     propReq
}

// parseMultiget reads a calendar-multiget: by scanMultiget when it can
// (hrefscan.go), else by parseMultigetXML.
func parseMultiget(body []byte) (multigetBody, error) {
	if mg, ok := scanMultiget(body); ok {
		return mg, nil
	}
	return parseMultigetXML(body)
}

// parseMultigetXML reads a calendar-multiget with one pass over the
// tokens of encoding/xml: clients send hundreds of hrefs, and its
// reflection costs more than the tokens do.
func parseMultigetXML(body []byte) (multigetBody, error) {
	var mg multigetBody
	var root, names bool
	var props []xml.Name
	d := xml.NewDecoder(bytes.NewReader(body))
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return mg, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				root = true
				if t.Name != (xml.Name{Space: nsCal, Local: "calendar-multiget"}) {
					return mg, errors.New("not a calendar-multiget")
				}
				continue
			}
			if depth != 2 || t.Name.Space != nsDAV {
				if err := d.Skip(); err != nil {
					return mg, err
				}
				depth--
				continue
			}
			switch t.Name.Local {
			case "href":
				h, err := charData(d)
				if err != nil {
					return mg, err
				}
				mg.hrefs = append(mg.hrefs, strings.TrimSpace(h))
			case "prop":
				if props, err = childNames(d, props, &mg.q.data); err != nil {
					return mg, err
				}
				if props == nil {
					props = []xml.Name{} // an empty DAV:prop asks for nothing
				}
			case "propname":
				names = true
				err = d.Skip()
			default:
				err = d.Skip()
			}
			if err != nil {
				return mg, err
			}
			depth--
		case xml.EndElement:
			depth--
		}
	}
	if !root || depth != 0 {
		return mg, errors.New("unfinished document")
	}
	data := mg.q.data
	switch {
	case names:
		mg.q = propReq{names: true}
	case props != nil:
		mg.q = propReq{props: props, data: data}
	default:
		mg.q = propReq{all: true} // DAV:allprop, or nothing asked
	}
	return mg, nil
}

// charData reads the text of the element just opened, up to its end.
func charData(d *xml.Decoder) (string, error) {
	var b strings.Builder
	for depth := 1; depth > 0; {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if depth == 1 {
				b.Write(t)
			}
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return b.String(), nil
}

// childNames appends the names of the children of the element just
// opened (DAV:prop) to names, skipping their contents but for
// calendar-data's, which go to data (RFC 4791 §9.6).
func childNames(d *xml.Decoder, names []xml.Name, data *dataReq) ([]xml.Name, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			names = append(names, t.Name)
			if t.Name == calendarDataName {
				if *data, err = decodeCalData(d, t); err != nil {
					return nil, err
				}
				continue
			}
			if err := d.Skip(); err != nil {
				return nil, err
			}
		case xml.EndElement:
			return names, nil
		}
	}
}
