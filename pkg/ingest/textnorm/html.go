package textnorm

import (
	"strings"

	"golang.org/x/net/html"
)

// writeHTML tokenizes s as HTML and writes its text to b.
func writeHTML(b *Builder, s string) {
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(0)
	skip := 0 // depth inside dropped elements
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.TextToken:
			if skip == 0 {
				b.Text(string(z.Text()))
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			if DroppedElements[n] {
				if !voidElement(n) {
					skip++
				}
				continue
			}
			if BlockElements[n] {
				b.Break()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if DroppedElements[n] {
				if skip > 0 {
					skip--
				}
				continue
			}
			if BlockElements[n] {
				b.Break()
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if BlockElements[string(name)] {
				b.Break()
			}
		}
	}
}

// voidElement reports whether an element never has content or an end tag.
func voidElement(n string) bool {
	switch n {
	case "embed", "br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "track", "wbr":
		return true
	}
	return false
}
