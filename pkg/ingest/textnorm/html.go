package textnorm

import (
	"strings"

	"golang.org/x/net/html"
)

// maxReparse bounds how often decoded text that still looks like markup is
// tokenized again.
const maxReparse = 3

// writeHTML tokenizes s as HTML and writes its text to b.
func writeHTML(b *Builder, s string) { writeHTMLDepth(b, s, 0) }

// writeHTMLDepth is writeHTML at a re-parse depth. Text that still holds
// something like a tag after entity decoding ("&lt;script&gt;") is
// tokenized again, so no tag survives into the plain text.
func writeHTMLDepth(b *Builder, s string, depth int) {
	z := html.NewTokenizer(strings.NewReader(s))
	z.SetMaxBuf(0)
	skip := 0 // depth inside dropped elements
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.TextToken:
			if skip == 0 {
				t := string(z.Text())
				if depth < maxReparse && looksLikeTag(t) {
					writeHTMLDepth(b, t, depth+1)
				} else {
					b.Text(t)
				}
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			n := string(name)
			if IsDropped(n) {
				if !voidElement(n) {
					skip++
				}
				continue
			}
			if IsBlock(n) {
				b.Break()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			n := string(name)
			if IsDropped(n) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if IsBlock(n) {
				b.Break()
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if IsBlock(string(name)) {
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

// looksLikeTag reports whether s holds "<" followed by a letter, "/", "!"
// or "?": the start of a tag, end tag, comment or processing instruction.
func looksLikeTag(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0 && i+1 < len(s); {
		c := s[i+1]
		if c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			return true
		}
		j := strings.IndexByte(s[i+1:], '<')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}
