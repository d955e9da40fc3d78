// Package formats parses wire stories in every format Wirestream ingests
// into article events: IPTC NewsML-G2 (newsItem and newsMessage, with XHTML
// or NITF inline bodies), NITF 3.x, IPTC ninjs 1.x to 3.x, RSS 2.0, Atom
// 1.0, ANPA-1312 and IPTC 7901 transmissions, Wirestream's own JSON article
// (one object or NDJSON) and plain text as the fallback.
//
// Every parser is a pure function from bytes to articles. Parse and
// ParseItems detect the format by content (Detect), parse, normalise the text
// (package textnorm) and fill the ingest-side fields, so that every returned
// article passes article.Validate. Failures are *ParseError values naming the
// format, the item and the reason.
//
// # Identity and versions
//
// The ID is article.ID(source, guid) when the format carries a guid (NewsML
// guid, NITF doc-id, ninjs uri, feed guid/id/link, the ANPA and 7901 keyword
// slug with the story date), else article.ContentID. Version is the format's
// own revision number when it has one (NewsML version, NITF du-key version,
// ninjs version, the ANPA lead number), else the revision's timestamp in Unix
// milliseconds, else Options.Now in Unix milliseconds.
//
// # Character sets
//
// XML inputs are decoded according to their declaration: UTF-8, UTF-16,
// ISO-8859-1/Latin-1, windows-1252 and the other IANA names known to
// golang.org/x/text. JSON inputs (ninjs, Wirestream JSON) must be UTF-8
// (RFC 8259): invalid bytes are an error naming the byte offset.
// ANPA-1312, IPTC 7901 and plain text are legacy 8-bit transports: input
// that is not valid UTF-8 is decoded as windows-1252, which never fails.
//
// # ANPA-1312 layout implemented
//
//	SYN SYN SOH                      (SYN optional)
//	a0123 sel  r  i  BC-Moscow-Talks 1stLd-Writethru 11-26 0538
//	|   |      |  |  |               |               |     word count
//	|   |      |  |  keyword (slug)  version (opt.)  reference date MM-DD
//	|   |      |  category code (one letter: a domestic, i international, f financial, s sports...)
//	|   |      priority: f flash, b bulletin, u urgent, r regular, d deferred, a/w advance
//	|   story number (4 digits), then an optional selector code
//	service level designator (one letter)
//	STX
//	^headline line(s)                (lines starting with ^ are headline lines;
//	^By JANE DOE                      a line starting "By " is the byline,
//	^Associated Press Writer          the line after it its title)
//	   MOSCOW (AP) _ First paragraph   (an indented or tab-led line starts a paragraph,
//	continued on the next line         other lines continue it)
//	   (END)                           or (MORE); ends the body
//	AP-NY-11-26-26 1532GMT             trailer: agency-desk-MM-DD-YY HHMM zone (source, published time)
//	ETX EOT
//
// ANPA fields are separated by spaces or US (0x1f). Priority maps to urgency
// f=1, b=2, u=3, r=5, d=6, a/w=7. The version token gives the revision:
// "1stLd", "2ndLd-Writethru"... give 2, 3...; "Corrn"/"Correction" without a
// number gives 2; none gives 1. A version token containing "Kill" marks a
// cancellation of the story with that keyword; it takes the trailer time
// (else the ingest time) in Unix milliseconds as its version, so it
// supersedes every numbered lead. Lines after "(END)" other than the trailer
// are ignored. The story guid is the keyword and the reference date
// ("BC-Moscow-Talks 11-26"); the source is the trailer's agency code.
//
// # IPTC 7901 layout implemented
//
//	SOH or ZCZC
//	wst0412 4 pol 356 NNA            source (letters) + message number, priority
//	                                  digit 1-6 (urgency), category, word count, optional
//	                                  info (its first word names the agency: the source)
//	STX
//	Politics/Russia/US/              keyword line (slash separated keywords; the slug)
//	(Correction) or (Eil) ...        optional bracketed notes; "(Kill)"/"(Cancel)" cancels,
//	                                  "(Correction)"/"(Update N)" raise the version
//	Headline text =                   headline, ended by " =" (without "=" only the first line)
//	Moscow (Wirestream) - Body...     paragraphs separated by blank lines
//	nna ab xx                         trailer line starting with the source code, ignored
//	261532 Nov 26                     date-time group DDHHMM Mon YY (published time, UTC)
//	NNNN                              end of text
//	ETX
//
// The guid of a 7901 story is its keyword line plus the date of its
// date-time group, so corrections sent the same day keep the story's id.
// Lines are joined into paragraphs; a blank line ends one.
//
// # Limits
//
// Inputs and items are capped (Limits): total input size, item size, XML
// element depth, number of items and line length. Nothing in this package
// panics on any input.
package formats

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

// Limits caps what a parser accepts. Zero fields take the defaults.
type Limits struct {
	MaxInputBytes int // whole input (default 64 MiB)
	MaxItemBytes  int // one story: a single-item input, an NDJSON line, a feed entry (default 8 MiB)
	MaxDepth      int // XML element nesting (default 64)
	MaxItems      int // items in one input (default 10,000)
	MaxLineBytes  int // one line of a line-based format: text, ANPA, 7901 (default 1 MiB)
}

// DefaultLimits are the limits used for zero Limits fields.
var DefaultLimits = Limits{
	MaxInputBytes: 64 << 20,
	MaxItemBytes:  8 << 20,
	MaxDepth:      64,
	MaxItems:      10000,
	MaxLineBytes:  1 << 20,
}

// withDefaults returns l with zero fields set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	if l.MaxInputBytes <= 0 {
		l.MaxInputBytes = DefaultLimits.MaxInputBytes
	}
	if l.MaxItemBytes <= 0 {
		l.MaxItemBytes = DefaultLimits.MaxItemBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxItems <= 0 {
		l.MaxItems = DefaultLimits.MaxItems
	}
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = DefaultLimits.MaxLineBytes
	}
	return l
}

// Options carry what the caller knows about the input.
type Options struct {
	// Source is the agency or feed name, used for ids. When set it replaces
	// the source named by the input, except in Wirestream JSON articles
	// that state their own. "" derives it from the input (NewsML provider,
	// NITF doc-id regsrc, ninjs copyright holder, feed host, ANPA trailer
	// agency, 7901 header) or falls back to "unknown".
	Source string
	// Filename is a hint for detection only.
	Filename string
	// ContentType is a hint for detection only.
	ContentType string
	// Now is the ingest time: IngestedAt, and the version of last resort.
	// The zero value means time.Now().
	Now time.Time
	// Format forces a format; "" detects it.
	Format article.Format
	// Limits caps input sizes; zero fields take DefaultLimits.
	Limits Limits
}

// Result is the outcome for one item of an input.
type Result struct {
	// Article is the parsed, valid article, or nil when Err is set.
	Article *article.Article
	// Err is a *ParseError when the item failed or was skipped (then
	// errors.Is(Err, ErrSkipped)).
	Err error
	// Index is the item's position in the input, from 0.
	Index int
}

// Skipped reports whether the item was left out on purpose (a package or a
// picture without text), not because it was broken.
func (r Result) Skipped() bool { return errors.Is(r.Err, ErrSkipped) }

// ErrSkipped marks items that carry no text story (NewsML-G2 packageItems,
// pictures without text): they are reported, not failed.
var ErrSkipped = errors.New("skipped")

// ErrTooLarge marks inputs or items over a limit.
var ErrTooLarge = errors.New("over the size limit")

// ParseError is a failure to parse an input or one of its items.
type ParseError struct {
	Format article.Format // the format being parsed ("" when detection failed)
	Item   string         // which item: "newsItem[1] guid=...", "line 3", "entry 2"; "" for the whole input
	Err    error
}

// Error implements error.
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("parse ")
	if e.Format != "" {
		b.WriteString(string(e.Format))
	} else {
		b.WriteString("input")
	}
	if e.Item != "" {
		b.WriteString(" ")
		b.WriteString(e.Item)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// skip returns a skip error with a reason.
func skip(reason string) error { return fmt.Errorf("%w: %s", ErrSkipped, reason) }

// itemParser parses a whole input into per-item drafts.
type itemParser func(data []byte, c *ctx) ([]draft, error)

// draft is one item before the ingest-side fields are filled.
type draft struct {
	a    *article.Article
	item string // item label for errors
	err  error
}

// ctx carries options through a parser.
type ctx struct {
	opts   Options
	limits Limits
	format article.Format
}

var parsers = map[article.Format]itemParser{
	article.FormatNewsMLG2: parseNewsML,
	article.FormatNITF:     parseNITF,
	article.FormatNinjs:    parseNinjs,
	article.FormatRSS:      parseFeed,
	article.FormatAtom:     parseFeed,
	article.FormatANPA:     parseANPA,
	article.FormatIPTC7901: parseIPTC7901,
	article.FormatJSON:     parseJSON,
	article.FormatText:     parseText,
}

// ParseItems detects (unless opts.Format is set), parses and normalises
// data, returning one Result per item. The error is for the input as a
// whole (undetectable, malformed, over a limit); item failures are in the
// results.
func ParseItems(data []byte, opts Options) ([]Result, error) {
	c := &ctx{opts: opts, limits: opts.Limits.withDefaults()}
	if c.opts.Now.IsZero() {
		c.opts.Now = time.Now().UTC()
	}
	f := opts.Format
	if f == "" {
		var err error
		f, err = Detect(data, opts.Filename, opts.ContentType)
		if err != nil {
			return nil, err
		}
	}
	p, ok := parsers[f]
	if !ok {
		return nil, &ParseError{Format: f, Err: fmt.Errorf("unknown format %q", string(f))}
	}
	c.format = f
	if len(data) > c.limits.MaxInputBytes {
		return nil, &ParseError{Format: f, Err: fmt.Errorf("input is %d bytes, limit %d: %w", len(data), c.limits.MaxInputBytes, ErrTooLarge)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	drafts, err := p(data, c)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &ParseError{Format: c.format, Err: err}
	}
	if len(drafts) > c.limits.MaxItems {
		return nil, &ParseError{Format: c.format, Err: fmt.Errorf("%d items, limit %d: %w", len(drafts), c.limits.MaxItems, ErrTooLarge)}
	}
	out := make([]Result, len(drafts))
	for i, d := range drafts {
		out[i].Index = i
		if d.err == nil {
			d.err = c.finish(d.a)
		}
		if d.err != nil {
			out[i].Err = &ParseError{Format: c.format, Item: d.item, Err: d.err}
			continue
		}
		out[i].Article = d.a
	}
	return out, nil
}

// Parse is ParseItems that fails on the first item error. Skipped items are
// left out; when every item was skipped the error wraps ErrSkipped.
func Parse(data []byte, opts Options) ([]*article.Article, error) {
	res, err := ParseItems(data, opts)
	if err != nil {
		return nil, err
	}
	var out []*article.Article
	var skipped error
	for _, r := range res {
		switch {
		case r.Skipped():
			if skipped == nil {
				skipped = r.Err
			}
		case r.Err != nil:
			return nil, r.Err
		default:
			out = append(out, r.Article)
		}
	}
	if len(out) == 0 {
		if skipped != nil {
			return nil, skipped
		}
		return nil, &ParseError{Format: opts.Format, Err: errors.New("no items in input")}
	}
	return out, nil
}

// finish fills the ingest-side fields, normalises and validates a.
func (c *ctx) finish(a *article.Article) error {
	a.SchemaVersion = article.SchemaVersion
	if a.Format == "" {
		a.Format = c.format
	}
	// The caller's source name wins over the one derived from the input,
	// except for Wirestream JSON, which states its own source.
	if c.opts.Source != "" && (c.format != article.FormatJSON || strings.TrimSpace(a.Source) == "") {
		a.Source = c.opts.Source
	}
	a.Source = textnorm.Inline(a.Source)
	if a.Source == "" {
		a.Source = "unknown"
	}
	if a.Status == "" {
		a.Status = article.StatusUsable
	}
	if a.Version <= 0 {
		switch {
		case !a.UpdatedAt.IsZero() && a.UpdatedAt.UnixMilli() > 0:
			a.Version = a.UpdatedAt.UnixMilli()
		case !a.PublishedAt.IsZero() && a.PublishedAt.UnixMilli() > 0:
			a.Version = a.PublishedAt.UnixMilli()
		default:
			a.Version = c.opts.Now.UnixMilli()
		}
	}
	a.IngestedAt = c.opts.Now
	a.SourceGUID = strings.TrimSpace(strings.ToValidUTF8(a.SourceGUID, "\uFFFD"))
	if len(a.SourceGUID) > 1024 {
		return fmt.Errorf("guid longer than 1024 bytes")
	}
	a.URL = strings.TrimSpace(a.URL)
	if a.Urgency < 0 || a.Urgency > 9 {
		a.Urgency = 0
	}
	if len(a.Headline) > article.MaxHeadlineLen {
		a.Headline = truncateUTF8(a.Headline, article.MaxHeadlineLen)
	}
	a.Subjects = dedupe(a.Subjects)
	a.Keywords = dedupe(a.Keywords)
	if a.Status == article.StatusCanceled && strings.TrimSpace(a.Headline) == "" && strings.TrimSpace(a.Body) == "" {
		a.Headline = "(canceled)"
	}
	if strings.TrimSpace(a.Headline) == "" && strings.TrimSpace(a.Body) == "" {
		return errors.New("no headline and no body text")
	}
	a.AssignID()
	if err := a.Validate(); err != nil {
		return err
	}
	return nil
}

// truncateUTF8 cuts s to at most n bytes on a rune boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// dedupe removes empty and repeated entries, keeping order and capping the
// list at article.MaxListItems.
func dedupe(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		s = textnorm.Inline(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
		if len(out) == article.MaxListItems {
			break
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
