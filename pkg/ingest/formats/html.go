package formats

import (
	"strings"

	"golang.org/x/net/html"

	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// isHTMLDocument reports whether s starts like an HTML page.
func isHTMLDocument(s string) bool {
	head := strings.ToLower(strings.TrimSpace(s))
	if len(head) > 512 {
		head = head[:512]
	}
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// htmlDocument returns the headline (<title> or first <h1>) and the body
// text of an HTML page.
func htmlDocument(s string) (headline, body string) {
	z := html.NewTokenizer(strings.NewReader(s))
	var title, h1 strings.Builder
	in := ""
	done := false
	for !done {
		switch z.Next() {
		case html.ErrorToken:
			done = true
		case html.StartTagToken:
			n, _ := z.TagName()
			switch string(n) {
			case "title":
				in = "title"
			case "h1":
				if h1.Len() == 0 {
					in = "h1"
				}
			}
		case html.EndTagToken:
			n, _ := z.TagName()
			if string(n) == in {
				in = ""
			}
			if string(n) == "h1" && h1.Len() > 0 {
				done = title.Len() > 0
			}
		case html.TextToken:
			switch in {
			case "title":
				title.Write(z.Text())
			case "h1":
				h1.Write(z.Text())
			}
		}
	}
	headline = textnorm.Inline(title.String())
	if headline == "" {
		headline = textnorm.Inline(h1.String())
	}
	return headline, textnorm.HTML(s)
}
