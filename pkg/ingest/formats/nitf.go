package formats

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
)

// parseNITF parses a NITF 3.x document.
func parseNITF(data []byte, c *ctx) ([]draft, error) {
	if len(data) > c.limits.MaxItemBytes {
		return nil, fmt.Errorf("item is %d bytes, limit %d: %w", len(data), c.limits.MaxItemBytes, ErrTooLarge)
	}
	root, err := parseXML(data, c.limits)
	if err != nil {
		return nil, err
	}
	if root.name != "nitf" {
		return nil, fmt.Errorf("root element <%s> (line %d) is not <nitf>", root.name, root.line)
	}
	a, err := nitfArticle(root)
	d := draft{a: a, err: err, item: "nitf"}
	if a != nil && a.SourceGUID != "" {
		d.item += " doc-id=" + a.SourceGUID
	}
	return []draft{d}, nil
}

// nitfArticle maps a <nitf> element to an article.
func nitfArticle(root *node) (*article.Article, error) {
	a := &article.Article{Format: article.FormatNITF}
	head := root.child("head")
	dd := head.child("docdata")
	if id := dd.child("doc-id"); id != nil {
		a.SourceGUID = strings.TrimSpace(id.attr("id-string"))
		a.Source = strings.TrimSpace(id.attr("regsrc"))
	}
	if a.Source == "" {
		a.Source = strings.TrimSpace(dd.child("doc.copyright").attr("holder"))
	}
	if u := dd.child("urgency"); u != nil {
		a.Urgency = urgency(u.attr("ed-urg"))
	}
	a.PublishedAt = parseTime(dd.child("date.issue").attr("norm"))
	if a.PublishedAt.IsZero() {
		a.PublishedAt = parseTime(dd.child("date.release").attr("norm"))
	}
	if v := strings.TrimSpace(dd.child("du-key").attr("version")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			a.Version = n
		} else {
			return nil, fmt.Errorf("line %d: docdata/du-key version %q is not a positive integer", dd.child("du-key").line, v)
		}
	}
	switch st := strings.ToLower(dd.attr("management-status")); st {
	case "", "usable", "embargoed":
		a.Status = article.StatusUsable
	case "withheld":
		a.Status = article.StatusWithheld
	case "canceled", "cancelled":
		a.Status = article.StatusCanceled
	}
	for _, kw := range dd.path("key-list").children("keyword") {
		a.Keywords = append(a.Keywords, kw.attr("key"))
	}
	for _, s := range head.path("tobject").children("tobject.subject") {
		if r := s.attr("tobject.subject.refnum"); r != "" {
			a.Subjects = append(a.Subjects, "subj:"+r)
		}
		for _, at := range []string{"tobject.subject.matter", "tobject.subject.detail", "tobject.subject.type"} {
			if v := s.attr(at); v != "" {
				a.Subjects = append(a.Subjects, v)
				break
			}
		}
	}
	a.Language = firstNonEmpty(root.attr("xml:lang"), root.attr("lang"), head.attr("xml:lang"), root.child("body").attr("xml:lang"))
	body := root.child("body")
	if h := nitfBodyHead(body); h != nil {
		a.Headline, a.Subheadline, a.Byline, a.Dateline = h.Headline, h.Subheadline, h.Byline, h.Dateline
	}
	if a.Headline == "" {
		a.Headline = head.child("title").inline()
	}
	a.Body = body.child("body.content").bodyText()
	if a.Headline == "" && a.Body == "" && a.Status != article.StatusCanceled {
		return nil, fmt.Errorf("no hedline/hl1, no head/title and no body.content text")
	}
	return a, nil
}

// nitfBodyHead reads hedline, byline and dateline from a NITF <body>.
func nitfBodyHead(body *node) *nitfHeadline {
	bh := body.child("body.head")
	if bh == nil {
		return nil
	}
	h := &nitfHeadline{}
	hed := bh.child("hedline")
	h.Headline = hed.child("hl1").inline()
	h.Subheadline = hed.child("hl2").inline()
	var bys []string
	for _, by := range bh.children("byline") {
		if t := by.inline(); t != "" {
			bys = append(bys, t)
		}
	}
	h.Byline = strings.Join(bys, "; ")
	h.Dateline = bh.child("dateline").inline()
	return h
}

// firstNonEmpty returns the first argument that is not blank, trimmed.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
