// Package textnorm turns the text found in wire formats (HTML fragments,
// XML character data, hard-wrapped plain text) into the plain-text body of
// the article contract: paragraphs separated by exactly one blank line,
// white space collapsed inside paragraphs, markup removed (the content of
// script and style elements dropped entirely), character references
// decoded, control characters removed and Unicode in NFC. Typographic quote
// marks and apostrophes are kept as sent.
//
// Text that contains something looking like a tag is always passed through
// the HTML tokenizer, even when it arrived as plain text or as decoded XML
// character data, so that markup smuggled into a text field comes out as
// plain text. The price is that a literal "x<y" without spaces loses "<y";
// "x < y" is kept.
package textnorm

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Builder accumulates paragraphs. Text appends to the current paragraph,
// collapsing white space; Break ends the paragraph. The zero value is ready
// to use.
type Builder struct {
	out   strings.Builder
	para  int  // number of paragraphs written so far
	space bool // a space is pending before the next visible rune
	open  bool // the current paragraph has visible text
	ascii bool // everything written so far is ASCII (NFC is then a no-op)
	init  bool
}

// Text appends s to the current paragraph. Runs of white space (including
// newlines) become one space; control characters are dropped. s is taken as
// text: no markup is interpreted (see Markup for that).
func (b *Builder) Text(s string) {
	if !b.init {
		b.ascii, b.init = true, true
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				b.space = true
			case c < 0x20 || c == 0x7f:
				// control character: dropped
			default:
				b.emit()
				b.out.WriteByte(c)
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == utf8.RuneError && n == 1:
			b.emit()
			b.ascii = false
			b.out.WriteRune(utf8.RuneError)
		case unicode.IsSpace(r):
			b.space = true
		case unicode.IsControl(r) || r == '\u200b' || r == '\ufeff':
			// C1 controls, zero-width space and byte order marks: dropped
		default:
			b.emit()
			b.ascii = false
			b.out.WriteRune(r)
		}
	}
}

// emit writes the paragraph separator or pending space before a visible rune.
func (b *Builder) emit() {
	if !b.open {
		if b.para > 0 {
			b.out.WriteString("\n\n")
		}
		b.para++
		b.open = true
	} else if b.space {
		b.out.WriteByte(' ')
	}
	b.space = false
}

// Break ends the current paragraph; empty paragraphs are never written.
func (b *Builder) Break() {
	b.open = false
	b.space = false
}

// Markup appends s, interpreting it as an HTML fragment: tags are removed,
// block elements break paragraphs, script and style content is dropped and
// character references are decoded. Text without '<' or '&' takes a fast
// path.
func (b *Builder) Markup(s string) {
	if !strings.ContainsAny(s, "<&") {
		b.Text(s)
		return
	}
	writeHTML(b, s)
}

// Len reports the number of bytes written so far.
func (b *Builder) Len() int { return b.out.Len() }

// String returns the paragraphs in NFC.
func (b *Builder) String() string {
	s := b.out.String()
	if b.ascii || !b.init {
		return s
	}
	return norm.NFC.String(s)
}

// Inline cleans a one-line field such as a headline or byline: markup is
// removed, white space collapsed to single spaces, the result trimmed and in
// NFC.
func Inline(s string) string {
	var b Builder
	b.Markup(s)
	return strings.ReplaceAll(b.String(), "\n\n", " ")
}

// Plain turns plain text into paragraphs. When the text contains blank
// lines, blank lines separate paragraphs and single line breaks are
// hard wraps inside a paragraph; when it has none, every line is a
// paragraph. Markup in the text is removed (see the package doc).
func Plain(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b Builder
	if hasBlankLine(s) {
		for _, p := range splitBlank(s) {
			b.Markup(p)
			b.Break()
		}
	} else {
		for _, line := range strings.Split(s, "\n") {
			b.Markup(line)
			b.Break()
		}
	}
	return b.String()
}

// Paragraphs joins already separated paragraphs, cleaning each one.
func Paragraphs(paras []string) string {
	var b Builder
	for _, p := range paras {
		b.Markup(p)
		b.Break()
	}
	return b.String()
}

// HTML converts an HTML fragment or document into paragraphs.
func HTML(s string) string {
	var b Builder
	writeHTML(&b, s)
	return b.String()
}

// hasBlankLine reports whether s (with \n line ends) has a line holding only
// white space between two other lines.
func hasBlankLine(s string) bool {
	s = strings.Trim(s, " \t\n")
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return false
		}
		s = s[i+1:]
		j := 0
		for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
			j++
		}
		if j < len(s) && s[j] == '\n' {
			return true
		}
	}
}

// splitBlank splits s at lines holding only white space.
func splitBlank(s string) []string {
	var out []string
	start := 0
	lines := strings.SplitAfter(s, "\n")
	pos := 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			if pos > start {
				out = append(out, s[start:pos])
			}
			start = pos + len(l)
		}
		pos += len(l)
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// IsBlock reports whether an element (HTML, XHTML or NITF local name)
// starts and ends a paragraph.
func IsBlock(name string) bool { return blockElements[name] }

// IsDropped reports whether an element's content never reaches the text
// (scripts, styles, document heads, embedded media and forms).
func IsDropped(name string) bool { return droppedElements[name] }

// blockElements are the element names that start and end a paragraph.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "hr": true, "li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"table": true, "tr": true, "thead": true, "tbody": true, "tfoot": true, "caption": true,
	"section": true, "article": true, "header": true, "footer": true, "aside": true, "figure": true, "figcaption": true,
	"body": true, "html": true, "block": true, "hl1": true, "hl2": true, "hedline": true, "nitf-table": true,
	"bq": true, "note": true, "media-caption": true, "fn": true, "main": true, "address": true,
}

// droppedElements are the element names whose content is left out.
var droppedElements = map[string]bool{
	"script": true, "style": true, "head": true, "title": true, "noscript": true, "template": true,
	"iframe": true, "object": true, "embed": true, "svg": true, "math": true, "select": true, "textarea": true,
	"button": true, "form": true, "nav": true, "media": true, "media-reference": true, "media-object": true, "media-metadata": true,
}
