package formats

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// ErrEmpty is returned for inputs holding nothing but white space.
var ErrEmpty = errors.New("empty input")

// sniffLen is how much of the input detection looks at.
const sniffLen = 64 << 10

// Detect tells the format of data by its content: the XML root element, the
// keys of the first JSON object, the transmission control characters and
// header of ANPA-1312 and IPTC 7901. The filename and content type are hints
// used only when the content is ambiguous (plain text that might be a wire
// transmission without its control characters, or unparsable JSON); a
// misleading extension does not override the content.
func Detect(data []byte, filename, contentType string) (article.Format, error) {
	head := data
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return "", &ParseError{Err: ErrEmpty}
	}
	hint := hintFormat(filename, contentType)
	switch c := trimmed[0]; {
	case c == chSOH || c == chSYN || c == chSTX:
		return detectWire(string(trimmed), hint), nil
	case bytes.HasPrefix(trimmed, []byte("ZCZC")):
		return article.FormatIPTC7901, nil
	case c == '<':
		return detectXML(trimmed, hint)
	case c == '{' || c == '[':
		return detectJSON(trimmed, hint), nil
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return "", &ParseError{Err: errors.New("binary data (NUL bytes): not a text wire format")}
	}
	if hint == article.FormatANPA || hint == article.FormatIPTC7901 {
		// A transmission stored without its control characters.
		first, _, _ := strings.Cut(string(trimmed), "\n")
		first = strings.TrimSpace(first)
		if iptcHeader.MatchString(first) {
			return article.FormatIPTC7901, nil
		}
		if f := strings.Fields(first); len(f) >= 4 && anpaFirst.MatchString(f[0]) {
			return article.FormatANPA, nil
		}
	}
	return article.FormatText, nil
}

// detectWire tells ANPA-1312 from IPTC 7901 by the first message header.
func detectWire(s string, hint article.Format) article.Format {
	msgs := splitMessages(s, true)
	header, _ := headerAndText(msgs[0])
	if iptcHeader.MatchString(header) {
		return article.FormatIPTC7901
	}
	if f := strings.Fields(header); len(f) > 0 && anpaFirst.MatchString(f[0]) {
		return article.FormatANPA
	}
	if hint == article.FormatIPTC7901 || strings.Contains(s, "\nNNNN") {
		return article.FormatIPTC7901
	}
	return article.FormatANPA
}

// xmlRoots maps XML root elements to formats.
var xmlRoots = map[string]article.Format{
	"newsItem": article.FormatNewsMLG2, "newsMessage": article.FormatNewsMLG2, "packageItem": article.FormatNewsMLG2,
	"conceptItem": article.FormatNewsMLG2, "knowledgeItem": article.FormatNewsMLG2, "planningItem": article.FormatNewsMLG2,
	"catalogItem": article.FormatNewsMLG2, "contentSet": article.FormatNewsMLG2, "contentMeta": article.FormatNewsMLG2,
	"nitf": article.FormatNITF,
	"rss":  article.FormatRSS, "RDF": article.FormatRSS,
	"feed": article.FormatAtom, "entry": article.FormatAtom,
	"html": article.FormatText,
}

// detectXML reads the root element name.
func detectXML(data []byte, hint article.Format) (article.Format, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.CharsetReader = charsetReader
	for i := 0; i < 256; i++ {
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if f, ok := xmlRoots[t.Name.Local]; ok {
				return f, nil
			}
			if strings.EqualFold(t.Name.Local, "html") {
				return article.FormatText, nil
			}
			return "", &ParseError{Err: fmt.Errorf("unknown XML root element <%s>: not NewsML-G2, NITF, RSS or Atom", qname(t.Name.Space, t.Name.Local))}
		case xml.Directive:
			if bytes.HasPrefix(bytes.ToLower(bytes.TrimSpace(t)), []byte("doctype html")) {
				return article.FormatText, nil
			}
		}
	}
	// No readable root: guess from the text so the parser can say what is wrong.
	s := string(data)
	for _, g := range []struct {
		needle string
		f      article.Format
	}{{"<newsMessage", article.FormatNewsMLG2}, {"<newsItem", article.FormatNewsMLG2}, {"<nitf", article.FormatNITF}, {"<rss", article.FormatRSS}, {"<feed", article.FormatAtom}} {
		if strings.Contains(s, g.needle) {
			return g.f, nil
		}
	}
	if hint != "" {
		return hint, nil
	}
	if isHTMLDocument(s) || strings.Contains(strings.ToLower(s), "<html") {
		return article.FormatText, nil
	}
	return "", &ParseError{Err: errors.New("malformed XML: no root element found")}
}

// Top-level keys that only one of the JSON formats uses.
var (
	wirestreamKeys = map[string]bool{"schema_version": true, "source_guid": true, "ingested_at": true, "published_at": true, "updated_at": true, "trace_id": true, "subheadline": true}
	ninjsKeys      = map[string]bool{"uri": true, "versioncreated": true, "firstcreated": true, "body_text": true, "body_html": true, "body_xhtml": true, "bodies": true, "headlines": true, "pubstatus": true, "standard": true, "renditions": true, "associations": true, "copyrightholder": true, "descriptions": true, "description_text": true, "representationtype": true, "altids": true}
)

// detectJSON tells ninjs from a Wirestream article by the keys of the first
// object.
func detectJSON(data []byte, hint article.Format) article.Format {
	d := json.NewDecoder(bytes.NewReader(data))
	tok, err := d.Token()
	if err == nil && tok == json.Delim('[') {
		tok, err = d.Token()
	}
	if err != nil || tok != json.Delim('{') {
		return jsonHint(hint)
	}
	ws, nj := 0, 0
	for d.More() {
		k, err := d.Token()
		if err != nil {
			break
		}
		key, _ := k.(string)
		key = strings.ToLower(key)
		if wirestreamKeys[key] {
			ws++
		}
		if ninjsKeys[key] {
			nj++
		}
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			if err != io.EOF {
				break
			}
		}
	}
	switch {
	case ws > 0 && ws >= nj:
		return article.FormatJSON
	case nj > 0:
		return article.FormatNinjs
	}
	return jsonHint(hint)
}

// jsonHint picks the JSON format from the hint, defaulting to Wirestream's.
func jsonHint(hint article.Format) article.Format {
	if hint == article.FormatNinjs {
		return article.FormatNinjs
	}
	return article.FormatJSON
}

// hintFormat maps a filename extension or content type to a format.
func hintFormat(filename, contentType string) article.Format {
	ct := strings.ToLower(contentType)
	switch {
	case strings.Contains(ct, "ninjs"):
		return article.FormatNinjs
	case strings.Contains(ct, "newsml"), strings.Contains(ct, "g2"):
		return article.FormatNewsMLG2
	case strings.Contains(ct, "nitf"):
		return article.FormatNITF
	case strings.Contains(ct, "rss"):
		return article.FormatRSS
	case strings.Contains(ct, "atom"):
		return article.FormatAtom
	case strings.Contains(ct, "anpa"):
		return article.FormatANPA
	case strings.Contains(ct, "7901"):
		return article.FormatIPTC7901
	}
	name := strings.ToLower(filepath.Base(filename))
	switch {
	case strings.HasSuffix(name, ".ninjs.json") || strings.HasSuffix(name, ".ninjs"):
		return article.FormatNinjs
	case strings.HasSuffix(name, ".anpa"):
		return article.FormatANPA
	case strings.HasSuffix(name, ".7901") || strings.HasSuffix(name, ".iptc"):
		return article.FormatIPTC7901
	case strings.HasSuffix(name, ".nitf"):
		return article.FormatNITF
	case strings.HasSuffix(name, ".rss"):
		return article.FormatRSS
	case strings.HasSuffix(name, ".atom"):
		return article.FormatAtom
	}
	return ""
}
