package formats

import (
	"errors"
	"strings"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// parseText parses plain text: the first non-empty line is the headline,
// the rest the body (see textnorm.Plain for paragraphs). A whole HTML
// document is reduced to its text first, its <title> or first <h1> being the
// headline.
func parseText(data []byte, c *ctx) ([]draft, error) {
	if len(data) > c.limits.MaxItemBytes {
		return nil, errors.Join(ErrTooLarge, errors.New("text input larger than the item limit"))
	}
	s, err := legacyText(data, c.limits)
	if err != nil {
		return nil, err
	}
	s = strings.TrimLeft(s, "\ufeff")
	a := &article.Article{Format: article.FormatText}
	if isHTMLDocument(s) {
		a.Headline, a.Body = htmlDocument(s)
	} else {
		// The headline is the first line with text once markup is removed.
		rest := s
		for rest != "" && a.Headline == "" {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			a.Headline = textnorm.Inline(line)
		}
		a.Body = textnorm.Plain(rest)
	}
	if a.Headline == "" && a.Body == "" {
		return nil, errors.New("no text")
	}
	a.Dateline = dateline(a.Body)
	return []draft{{a: a, item: "text"}}, nil
}
