package formats

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"

	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// node is an element or a text node of a parsed XML document. Names are
// local names; namespaces are ignored except for the prefix kept in space.
type node struct {
	name  string // "" for text nodes
	space string // namespace prefix as written
	attrs []xml.Attr
	kids  []*node
	text  string // text nodes only
	line  int    // line of the start tag
	start int64  // byte offset of the start tag
	end   int64  // byte offset after the end tag
}

// spaceNode stands for every white-space-only text node.
var spaceNode = &node{text: " "}

// parseXML builds the node tree of data, enforcing the depth limit and
// decoding declared character sets.
func parseXML(data []byte, lim Limits) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charsetReader
	var stack []*node
	var root *node
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(stack) > 0 && strings.Contains(err.Error(), "unexpected EOF") {
				top := stack[len(stack)-1]
				line, _ := d.InputPos()
				return nil, fmt.Errorf("malformed XML: input ends at line %d: <%s> opened on line %d is not closed", line, qname(top.space, top.name), top.line)
			}
			return nil, xmlError(err, d)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := d.InputPos()
			n := &node{name: t.Name.Local, space: t.Name.Space, attrs: t.Attr, line: line, start: d.InputOffset()}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("line %d: second root element <%s>", line, t.Name.Local)
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			if len(stack) > lim.MaxDepth {
				return nil, fmt.Errorf("line %d: elements nested deeper than %d at <%s>", line, lim.MaxDepth, t.Name.Local)
			}
		case xml.EndElement:
			line, _ := d.InputPos()
			if len(stack) == 0 {
				return nil, fmt.Errorf("line %d: unexpected end tag </%s>", line, t.Name.Local)
			}
			top := stack[len(stack)-1]
			if top.name != t.Name.Local || top.space != t.Name.Space {
				return nil, fmt.Errorf("line %d: element <%s> opened on line %d closed by </%s>", line, qname(top.space, top.name), top.line, qname(t.Name.Space, t.Name.Local))
			}
			top.end = d.InputOffset()
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) != 0 {
					line, _ := d.InputPos()
					return nil, fmt.Errorf("line %d: text outside the root element", line)
				}
				continue
			}
			p := stack[len(stack)-1]
			if isSpace(t) {
				p.kids = append(p.kids, spaceNode)
			} else {
				p.kids = append(p.kids, &node{text: string(t)})
			}
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return nil, fmt.Errorf("unexpected end of input: <%s> opened on line %d is not closed", top.name, top.line)
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

// qname joins a prefix and a local name.
func qname(space, local string) string {
	if space == "" {
		return local
	}
	return space + ":" + local
}

// xmlError words an encoding/xml error with its line.
func xmlError(err error, d *xml.Decoder) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("malformed XML at line %d: %s", se.Line, se.Msg)
	}
	line, _ := d.InputPos()
	return fmt.Errorf("malformed XML at line %d: %w", line, err)
}

// isSpace reports whether b is only XML white space.
func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// charsetReader decodes the character sets an XML declaration may name.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch l {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "utf-16":
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Reader(in), nil
	}
	enc, err := htmlindex.Get(l)
	if err != nil {
		return nil, fmt.Errorf("unsupported character set %q", label)
	}
	return enc.NewDecoder().Reader(in), nil
}

// child returns the first child element named name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// plainChild returns the first child element named name without a
// namespace prefix, or nil.
func (n *node) plainChild(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name && k.space == "" {
			return k
		}
	}
	return nil
}

// path follows child elements by name.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// children returns the child elements named name.
func (n *node) children(name string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name == name {
			out = append(out, k)
		}
	}
	return out
}

// find returns the first descendant element named name (depth first).
func (n *node) find(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == "" {
			continue
		}
		if k.name == name {
			return k
		}
		if f := k.find(name); f != nil {
			return f
		}
	}
	return nil
}

// attr returns the attribute with local name name ("" when absent). A
// prefixed name such as "xml:lang" matches prefix and local name.
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	space, local := "", name
	if i := strings.IndexByte(name, ':'); i >= 0 {
		space, local = name[:i], name[i+1:]
	}
	for _, a := range n.attrs {
		if a.Name.Local == local && (space == "" || a.Name.Space == space) {
			return a.Value
		}
	}
	return ""
}

// rawText concatenates the text of n and its descendants.
func (n *node) rawText() string {
	if n == nil {
		return ""
	}
	if n.name == "" {
		return n.text
	}
	var b strings.Builder
	n.appendText(&b)
	return b.String()
}

func (n *node) appendText(b *strings.Builder) {
	for _, k := range n.kids {
		if k.name == "" {
			b.WriteString(k.text)
		} else {
			k.appendText(b)
		}
	}
}

// inline returns the cleaned one-line text of n.
func (n *node) inline() string { return textnorm.Inline(n.rawText()) }

// writeBody writes the text of n to b: block elements break paragraphs,
// dropped elements are left out, text nodes are scanned for smuggled markup.
func (n *node) writeBody(b *textnorm.Builder) {
	for _, k := range n.kids {
		if k.name == "" {
			b.Markup(k.text)
			continue
		}
		if textnorm.IsDropped(k.name) {
			continue
		}
		block := textnorm.IsBlock(k.name)
		if block {
			b.Break()
		}
		k.writeBody(b)
		if block {
			b.Break()
		}
	}
}

// bodyText returns the paragraphs of n's content.
func (n *node) bodyText() string {
	if n == nil {
		return ""
	}
	var b textnorm.Builder
	n.writeBody(&b)
	return b.String()
}

// parseTime reads the timestamps wire formats use; the zero time when none
// matches.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"20060102T150405Z0700",
	"20060102T150405Z",
	"20060102T150405",
	"20060102Z0700",
	"20060102",
}
