package enrich

import "github.com/wirestream/wirestream/pkg/ner"

// nerSpan shortens ner.Span in tests.
type nerSpan = ner.Span
