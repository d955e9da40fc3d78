package formats

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// parseNewsML parses a NewsML-G2 newsItem, newsMessage or other G2 item.
func parseNewsML(data []byte, c *ctx) ([]draft, error) {
	if len(data) > c.limits.MaxItemBytes && !looksLikeNewsMessage(data) {
		return nil, fmt.Errorf("item is %d bytes, limit %d: %w", len(data), c.limits.MaxItemBytes, ErrTooLarge)
	}
	root, err := parseXML(data, c.limits)
	if err != nil {
		return nil, err
	}
	switch root.name {
	case "newsItem", "packageItem", "conceptItem", "knowledgeItem", "planningItem", "catalogItem":
		return []draft{g2Item(root, 0, c)}, nil
	case "newsMessage":
		set := root.child("itemSet")
		if set == nil {
			return nil, fmt.Errorf("newsMessage has no itemSet")
		}
		var out []draft
		for _, k := range set.kids {
			if k.name == "" {
				continue
			}
			if len(out) >= c.limits.MaxItems {
				return nil, fmt.Errorf("more than %d items in the itemSet: %w", c.limits.MaxItems, ErrTooLarge)
			}
			d := g2Item(k, len(out), c)
			if d.err == nil && k.end-k.start > int64(c.limits.MaxItemBytes) {
				d.err = fmt.Errorf("item is %d bytes, limit %d: %w", k.end-k.start, c.limits.MaxItemBytes, ErrTooLarge)
			}
			out = append(out, d)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("newsMessage itemSet holds no items")
		}
		return out, nil
	}
	return nil, fmt.Errorf("root element <%s> (line %d) is not a NewsML-G2 item or newsMessage", root.name, root.line)
}

// looksLikeNewsMessage reports whether data starts a newsMessage (whose size
// is bounded per item, not as a whole).
func looksLikeNewsMessage(data []byte) bool {
	head := data
	if len(head) > 4096 {
		head = head[:4096]
	}
	return strings.Contains(string(head), "newsMessage")
}

// g2Item turns one G2 item element into a draft.
func g2Item(n *node, i int, c *ctx) draft {
	guid := strings.TrimSpace(n.attr("guid"))
	d := draft{item: fmt.Sprintf("%s[%d]", n.name, i)}
	if guid != "" {
		d.item += " guid=" + guid
	}
	if n.name != "newsItem" {
		d.err = skip(fmt.Sprintf("<%s> carries no text story", n.name))
		return d
	}
	if guid == "" {
		d.err = fmt.Errorf("line %d: newsItem has no guid attribute", n.line)
		return d
	}
	a := &article.Article{SourceGUID: guid, Format: article.FormatNewsMLG2}
	if v := strings.TrimSpace(n.attr("version")); v != "" {
		ver, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ver < 1 {
			d.err = fmt.Errorf("line %d: newsItem version %q is not a positive integer", n.line, v)
			return d
		}
		a.Version = ver
	}
	meta := n.child("itemMeta")
	class := meta.child("itemClass").attr("qcode")
	switch st := strings.ToLower(meta.child("pubStatus").attr("qcode")); {
	case st == "", strings.HasSuffix(st, ":usable"):
		a.Status = article.StatusUsable
	case strings.HasSuffix(st, ":withheld"):
		a.Status = article.StatusWithheld
	case strings.HasSuffix(st, ":canceled"), strings.HasSuffix(st, ":cancelled"):
		a.Status = article.StatusCanceled
	default:
		d.err = fmt.Errorf("itemMeta/pubStatus qcode %q is not usable, withheld or canceled", st)
		return d
	}
	a.UpdatedAt = parseTime(meta.child("versionCreated").rawText())
	a.PublishedAt = parseTime(meta.child("firstCreated").rawText())
	a.Source = g2Provider(meta.child("provider"))
	if a.Source == "" {
		a.Source = n.path("rightsInfo", "copyrightHolder", "name").inline()
	}
	a.Language = strings.TrimSpace(n.attr("xml:lang"))

	cm := n.child("contentMeta")
	if a.PublishedAt.IsZero() {
		a.PublishedAt = parseTime(cm.child("contentCreated").rawText())
	}
	if t := cm.child("language").attr("tag"); t != "" {
		a.Language = strings.TrimSpace(t)
	}
	a.Headline = cm.child("headline").inline()
	for _, s := range cm.children("slugline") {
		a.Keywords = append(a.Keywords, s.inline())
	}
	for _, k := range cm.children("keyword") {
		a.Keywords = append(a.Keywords, k.inline())
	}
	for _, s := range cm.children("subject") {
		if q := s.attr("qcode"); q != "" {
			a.Subjects = append(a.Subjects, q)
		}
		if nm := g2Name(s, a.Language); nm != "" {
			a.Subjects = append(a.Subjects, nm)
		}
	}
	if u := cm.child("urgency"); u != nil {
		a.Urgency = urgency(u.rawText())
	}
	a.Byline = cm.child("by").inline()
	a.Dateline = cm.child("dateline").inline()
	if a.Dateline == "" {
		a.Dateline = g2Name(cm.child("located"), a.Language)
	}
	for _, desc := range cm.children("description") {
		if r := desc.attr("role"); r == "" || strings.HasSuffix(r, "summary") {
			a.Subheadline = desc.inline()
			break
		}
	}

	body, nitfHead := g2Body(n.child("contentSet"))
	a.Body = body
	if nitfHead != nil {
		if a.Headline == "" {
			a.Headline = nitfHead.Headline
		}
		if a.Byline == "" {
			a.Byline = nitfHead.Byline
		}
		if a.Dateline == "" {
			a.Dateline = nitfHead.Dateline
		}
	}
	if a.Byline == "" {
		var names []string
		for _, cr := range cm.children("creator") {
			if nm := cr.child("name").inline(); nm != "" {
				names = append(names, nm)
			}
		}
		a.Byline = strings.Join(names, ", ")
	}
	if class != "" && !strings.HasSuffix(class, ":text") && strings.TrimSpace(a.Body) == "" {
		d.err = skip(fmt.Sprintf("%s item without text content", class))
		return d
	}
	if a.Headline == "" && a.Body == "" && a.Status != article.StatusCanceled {
		d.err = fmt.Errorf("line %d: newsItem has no contentMeta/headline and no text content", n.line)
		return d
	}
	d.a = a
	return d
}

// g2Provider names the provider from its qcode ("nprov:REUTERS" ->
// "REUTERS"), its uri host or its name.
func g2Provider(p *node) string {
	if p == nil {
		return ""
	}
	if q := p.attr("qcode"); q != "" {
		if i := strings.IndexByte(q, ':'); i >= 0 {
			q = q[i+1:]
		}
		return q
	}
	if u := p.attr("uri"); u != "" {
		if h := hostOf(u); h != "" {
			return h
		}
	}
	return p.child("name").inline()
}

// hostOf returns the host of a URL without "www.", or "".
func hostOf(u string) string {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
}

// g2Name returns the name child matching lang, else the first name.
func g2Name(n *node, lang string) string {
	names := n.children("name")
	if len(names) == 0 {
		return ""
	}
	for _, nm := range names {
		if l := nm.attr("xml:lang"); l != "" && strings.EqualFold(l, lang) {
			return nm.inline()
		}
	}
	return names[0].inline()
}

// urgency reads an urgency number; 0 when it is not 1-9.
func urgency(s string) int {
	u, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || u < 1 || u > 9 {
		return 0
	}
	return u
}

// nitfHeadline is what a NITF body.head contributes.
type nitfHeadline struct {
	Headline, Subheadline, Byline, Dateline string
}

// g2Body extracts the text of a contentSet: the first inlineXML or
// inlineData holding text. NITF content also returns its body.head.
func g2Body(cs *node) (string, *nitfHeadline) {
	if cs == nil {
		return "", nil
	}
	for _, k := range cs.kids {
		switch k.name {
		case "inlineXML":
			if nitf := k.child("nitf"); nitf != nil {
				h := nitfBodyHead(nitf.child("body"))
				return nitf.path("body", "body.content").bodyText(), h
			}
			if h := k.child("html"); h != nil {
				return h.child("body").bodyText(), nil
			}
			if body := k.bodyText(); body != "" {
				return body, nil
			}
		case "inlineData":
			ct := strings.ToLower(k.attr("contenttype"))
			var t string
			if strings.Contains(ct, "html") {
				t = textnorm.HTML(k.rawText())
			} else {
				t = textnorm.Plain(k.rawText())
			}
			if t != "" {
				return t, nil
			}
		}
	}
	return "", nil
}
