package formats

import (
	"fmt"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// parseFeed parses an RSS 2.0 (or RSS 1.0 RDF) channel or an Atom 1.0 feed;
// every item or entry is one draft.
func parseFeed(data []byte, c *ctx) ([]draft, error) {
	root, err := parseXML(data, c.limits)
	if err != nil {
		return nil, err
	}
	switch root.name {
	case "rss", "RDF":
		c.format = article.FormatRSS
		return rssItems(root, c)
	case "feed":
		c.format = article.FormatAtom
		return atomEntries(root, c)
	case "entry":
		c.format = article.FormatAtom
		return []draft{atomEntry(root, 0, "", "", c)}, nil
	}
	return nil, fmt.Errorf("root element <%s> (line %d) is neither <rss> nor Atom <feed>", root.name, root.line)
}

// rssItems maps the items of an RSS channel.
func rssItems(root *node, c *ctx) ([]draft, error) {
	ch := root.child("channel")
	if ch == nil {
		return nil, fmt.Errorf("<%s> has no <channel>", root.name)
	}
	items := ch.children("item")
	if root.name == "RDF" {
		items = root.children("item")
	}
	if len(items) > c.limits.MaxItems {
		return nil, fmt.Errorf("%d items, limit %d: %w", len(items), c.limits.MaxItems, ErrTooLarge)
	}
	source := hostOf(ch.plainChild("link").rawText())
	if source == "" {
		source = ch.child("title").inline()
	}
	lang := ch.child("language").inline()
	out := make([]draft, 0, len(items))
	for i, it := range items {
		d := draft{item: fmt.Sprintf("item %d (line %d)", i, it.line)}
		if it.end-it.start > int64(c.limits.MaxItemBytes) {
			d.err = fmt.Errorf("item is %d bytes, limit %d: %w", it.end-it.start, c.limits.MaxItemBytes, ErrTooLarge)
			out = append(out, d)
			continue
		}
		a := &article.Article{Format: article.FormatRSS, Source: source, Language: lang}
		a.Headline = it.child("title").inline()
		a.URL = it.plainChild("link").inline()
		a.SourceGUID = firstNonEmpty(it.child("guid").inline(), a.URL, it.attr("about"))
		a.PublishedAt = parseTime(firstNonEmpty(it.child("pubDate").rawText(), it.child("date").rawText()))
		a.Byline = firstNonEmpty(it.child("creator").inline(), it.child("author").inline())
		for _, cat := range it.children("category") {
			a.Subjects = append(a.Subjects, cat.inline())
		}
		desc := it.child("description").rawText()
		var content string
		for _, k := range it.kids {
			if k.name == "encoded" {
				content = k.rawText()
				break
			}
		}
		if strings.TrimSpace(content) != "" {
			a.Body = textnorm.HTML(content)
			a.Subheadline = textnorm.Inline(desc)
		} else {
			a.Body = textnorm.HTML(desc)
		}
		if a.Headline == "" && a.Body == "" {
			d.err = fmt.Errorf("item has neither <title> nor <description> text")
		} else {
			d.a = a
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("channel has no <item>")
	}
	return out, nil
}

// atomEntries maps the entries of an Atom feed.
func atomEntries(root *node, c *ctx) ([]draft, error) {
	entries := root.children("entry")
	if len(entries) > c.limits.MaxItems {
		return nil, fmt.Errorf("%d entries, limit %d: %w", len(entries), c.limits.MaxItems, ErrTooLarge)
	}
	source := hostOf(atomLink(root))
	if source == "" {
		source = root.child("title").inline()
	}
	feedAuthor := root.path("author", "name").inline()
	out := make([]draft, 0, len(entries))
	for i, e := range entries {
		d := atomEntry(e, i, source, feedAuthor, c)
		if d.err == nil && e.end-e.start > int64(c.limits.MaxItemBytes) {
			d.a, d.err = nil, fmt.Errorf("entry is %d bytes, limit %d: %w", e.end-e.start, c.limits.MaxItemBytes, ErrTooLarge)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("feed has no <entry>")
	}
	return out, nil
}

// atomEntry maps one Atom entry.
func atomEntry(e *node, i int, source, feedAuthor string, c *ctx) draft {
	d := draft{item: fmt.Sprintf("entry %d (line %d)", i, e.line)}
	a := &article.Article{Format: article.FormatAtom, Source: source}
	a.Headline = atomText(e.child("title"), false)
	a.URL = atomLink(e)
	a.SourceGUID = firstNonEmpty(e.child("id").inline(), a.URL)
	a.PublishedAt = parseTime(e.child("published").rawText())
	a.UpdatedAt = parseTime(e.child("updated").rawText())
	a.Language = strings.TrimSpace(e.attr("xml:lang"))
	var names []string
	for _, au := range e.children("author") {
		if n := au.child("name").inline(); n != "" {
			names = append(names, n)
		}
	}
	a.Byline = strings.Join(names, ", ")
	if a.Byline == "" {
		a.Byline = feedAuthor
	}
	for _, cat := range e.children("category") {
		a.Subjects = append(a.Subjects, firstNonEmpty(cat.attr("label"), cat.attr("term")))
	}
	summary := e.child("summary")
	if content := e.child("content"); content != nil && content.attr("src") == "" {
		a.Body = atomText(content, true)
		a.Subheadline = atomText(summary, false)
	}
	if a.Body == "" {
		a.Body = atomText(summary, true)
	}
	if a.Headline == "" && a.Body == "" {
		d.err = fmt.Errorf("entry has neither <title> nor <content>/<summary> text")
		return d
	}
	d.a = a
	return d
}

// atomText reads an Atom text construct (type text, html or xhtml).
func atomText(n *node, body bool) string {
	if n == nil {
		return ""
	}
	var s string
	switch strings.ToLower(n.attr("type")) {
	case "html", "text/html":
		s = textnorm.HTML(n.rawText())
	case "xhtml", "application/xhtml+xml":
		s = n.bodyText()
	default:
		if body {
			s = textnorm.Plain(n.rawText())
		} else {
			s = n.inline()
		}
	}
	if !body {
		s = textnorm.Inline(s)
	}
	return s
}

// atomLink returns the alternate link of a feed or entry.
func atomLink(n *node) string {
	var first string
	for _, l := range n.children("link") {
		href := strings.TrimSpace(l.attr("href"))
		if href == "" {
			continue
		}
		if r := l.attr("rel"); r == "" || r == "alternate" {
			return href
		}
		if first == "" && l.attr("rel") != "self" {
			first = href
		}
	}
	return first
}
