package formats

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// ninjsDoc holds the ninjs 1.x, 2.x and 3.x fields Wirestream reads.
// encoding/json matches keys case-insensitively, so "versioncreated" (1.x,
// 2.x) and "versionCreated" (3.x) fill the same field.
type ninjsDoc struct {
	URI             string           `json:"uri"`
	GUID            string           `json:"guid"`
	Type            string           `json:"type"`
	Version         json.RawMessage  `json:"version"`
	VersionCreated  string           `json:"versionCreated"`
	FirstCreated    string           `json:"firstCreated"`
	PubStatus       string           `json:"pubStatus"`
	Urgency         json.RawMessage  `json:"urgency"`
	CopyrightHolder string           `json:"copyrightHolder"`
	Language        string           `json:"language"`
	Headline        string           `json:"headline"`
	Headlines       []ninjsRoleValue `json:"headlines"`
	Title           string           `json:"title"`
	Byline          string           `json:"byline"`
	By              string           `json:"by"`
	BodyText        string           `json:"body_text"`
	BodyHTML        string           `json:"body_html"`
	BodyXHTML       string           `json:"body_xhtml"`
	Bodies          []ninjsBody      `json:"bodies"`
	DescriptionText string           `json:"description_text"`
	Descriptions    json.RawMessage  `json:"descriptions"`
	Subject         []ninjsSubject   `json:"subject"`
	Subjects        []ninjsSubject   `json:"subjects"`
	Keywords        []string         `json:"keywords"`
	Slugline        string           `json:"slugline"`
	Located         string           `json:"located"`
}

type ninjsRoleValue struct {
	Role        string `json:"role"`
	Value       string `json:"value"`
	ContentType string `json:"contentType"`
}

type ninjsBody struct {
	Role        string `json:"role"`
	ContentType string `json:"contentType"`
	Value       string `json:"value"`
}

type ninjsSubject struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	URI     string `json:"uri"`
	Literal string `json:"literal"`
}

// parseNinjs parses one ninjs object, an array of them, or NDJSON.
func parseNinjs(data []byte, c *ctx) ([]draft, error) {
	items, err := jsonItems(data, c)
	if err != nil {
		return nil, err
	}
	out := make([]draft, 0, len(items))
	for _, it := range items {
		d := draft{item: it.label, err: it.err}
		if d.err == nil {
			d.a, d.err = ninjsArticle(it.raw)
		}
		if d.a != nil && d.a.SourceGUID != "" && len(items) > 1 {
			d.item += " uri=" + d.a.SourceGUID
		}
		out = append(out, d)
	}
	return out, nil
}

// ninjsArticle maps one ninjs object to an article.
func ninjsArticle(raw []byte) (*article.Article, error) {
	var n ninjsDoc
	if err := json.Unmarshal(raw, &n); err != nil {
		return nil, jsonFieldError(err)
	}
	a := &article.Article{Format: article.FormatNinjs}
	a.SourceGUID = firstNonEmpty(n.GUID, n.URI)
	if a.SourceGUID == "" {
		return nil, fmt.Errorf("uri: required by ninjs, missing")
	}
	if len(n.Version) > 0 && string(n.Version) != "null" {
		var s string
		if err := json.Unmarshal(n.Version, &s); err != nil {
			s = string(n.Version)
		}
		v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("version: %s is not a revision number", n.Version)
		}
		a.Version = v
	}
	a.UpdatedAt = parseTime(n.VersionCreated)
	a.PublishedAt = parseTime(n.FirstCreated)
	switch st := strings.ToLower(strings.TrimSpace(n.PubStatus)); st {
	case "", "usable":
		a.Status = article.StatusUsable
	case "withheld":
		a.Status = article.StatusWithheld
	case "canceled", "cancelled":
		a.Status = article.StatusCanceled
	default:
		return nil, fmt.Errorf("pubstatus: %q is not usable, withheld or canceled", n.PubStatus)
	}
	if len(n.Urgency) > 0 && string(n.Urgency) != "null" {
		var s string
		if err := json.Unmarshal(n.Urgency, &s); err != nil {
			s = string(n.Urgency)
		}
		a.Urgency = urgency(s)
	}
	a.Source = n.CopyrightHolder
	a.Language = strings.TrimSpace(n.Language)
	a.Headline = textnorm.Inline(n.Headline)
	for _, h := range n.Headlines {
		if a.Headline == "" || h.Role == "main" {
			a.Headline = textnorm.Inline(h.Value)
			if h.Role == "main" {
				break
			}
		}
	}
	if a.Headline == "" {
		a.Headline = textnorm.Inline(n.Title)
	}
	a.Byline = textnorm.Inline(firstNonEmpty(n.By, n.Byline))
	a.Dateline = textnorm.Inline(n.Located)
	for _, s := range append(n.Subject, n.Subjects...) {
		if code := firstNonEmpty(s.Code, s.URI); code != "" {
			a.Subjects = append(a.Subjects, code)
		}
		if s.Name != "" {
			a.Subjects = append(a.Subjects, s.Name)
		}
	}
	if n.Slugline != "" {
		a.Keywords = append(a.Keywords, n.Slugline)
	}
	a.Keywords = append(a.Keywords, n.Keywords...)
	desc := ninjsDescription(n)
	a.Subheadline = textnorm.Inline(desc)

	var err error
	a.Body, err = ninjsBodyText(n)
	if err != nil {
		return nil, err
	}
	if a.Body == "" && desc != "" {
		a.Body = textnorm.Plain(desc)
		a.Subheadline = ""
	}
	if t := strings.ToLower(n.Type); t != "" && t != "text" && t != "composite" && a.Body == "" {
		return nil, skip(fmt.Sprintf("ninjs %s item without text body", t))
	}
	return a, nil
}

// ninjsDescription returns description_text or the first text description.
func ninjsDescription(n ninjsDoc) string {
	if n.DescriptionText != "" {
		return n.DescriptionText
	}
	var list []ninjsRoleValue
	if err := json.Unmarshal(n.Descriptions, &list); err != nil {
		return ""
	}
	for _, d := range list {
		switch d.Role {
		case "", "text", "lead", "summary", "abstract", "description":
			return d.Value
		}
	}
	return ""
}

// ninjsBodyText picks the richest body: XHTML/HTML, then NITF, then text.
func ninjsBodyText(n ninjsDoc) (string, error) {
	if n.BodyXHTML != "" {
		return textnorm.HTML(n.BodyXHTML), nil
	}
	if n.BodyHTML != "" {
		return textnorm.HTML(n.BodyHTML), nil
	}
	var text, nitf, html string
	for _, b := range n.Bodies {
		role, ct := strings.ToLower(b.Role), strings.ToLower(b.ContentType)
		switch {
		case strings.Contains(ct, "nitf") || role == "nitf":
			if nitf == "" {
				nitf = b.Value
			}
		case strings.Contains(ct, "html") || role == "html" || role == "xhtml":
			if html == "" {
				html = b.Value
			}
		case strings.HasPrefix(ct, "text/plain") || role == "text" || role == "":
			if text == "" {
				text = b.Value
			}
		}
	}
	switch {
	case html != "":
		return textnorm.HTML(html), nil
	case nitf != "":
		root, err := parseXML([]byte(nitf), DefaultLimits)
		if err != nil {
			return "", fmt.Errorf("bodies: NITF body: %w", err)
		}
		if root.name != "nitf" {
			return root.bodyText(), nil
		}
		return root.path("body", "body.content").bodyText(), nil
	case text != "":
		return textnorm.Plain(text), nil
	}
	return textnorm.Plain(n.BodyText), nil
}
