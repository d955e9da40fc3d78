package formats

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/ingest/textnorm"
)

var (
	anpaFirst   = regexp.MustCompile(`^([A-Za-z])(\d{4})(\S*)$`)
	anpaRefDate = regexp.MustCompile(`^(\d{2})-(\d{2})$`)
	anpaCount   = regexp.MustCompile(`^\d{1,5}$`)
	anpaOrdinal = regexp.MustCompile(`(?i)(\d+)(st|nd|rd|th)`)
	anpaTrailer = regexp.MustCompile(`^([A-Z]{2,})-[A-Z]{2,}-(\d{2})-(\d{2})-(\d{2})\s+(\d{4})\s*([A-Z]{1,4})?\s*$`)
	// datelineRe matches a dateline such as "MOSCOW (AP) _" or "BERLIN, Nov. 26 (Wirestream) --".
	datelineRe = regexp.MustCompile(`^([A-Z][A-Za-z .,'’-]{1,40}(?:\([^()]{1,30}\))?)\s+(?:_|--|—|–|-)\s`)
)

// anpaUrgency maps ANPA priority codes to IPTC urgency.
var anpaUrgency = map[byte]int{'f': 1, 'b': 2, 'u': 3, 'r': 5, 'd': 6, 'a': 7, 'w': 7}

// parseANPA parses an ANPA-1312 transmission; every SOH starts a story.
func parseANPA(data []byte, c *ctx) ([]draft, error) {
	return parseTransmission(data, c, false, anpaMessage)
}

// parseTransmission splits a legacy wire transmission (ANPA-1312 or IPTC
// 7901) into messages, at every SOH (and at ZCZC when zczc is set), and
// parses each with message, enforcing the item limits.
func parseTransmission(data []byte, c *ctx, zczc bool, message func(string) (*article.Article, error)) ([]draft, error) {
	s, err := legacyText(data, c.limits)
	if err != nil {
		return nil, err
	}
	msgs := splitMessages(s, zczc)
	if len(msgs) > c.limits.MaxItems {
		return nil, fmt.Errorf("%d messages, limit %d: %w", len(msgs), c.limits.MaxItems, ErrTooLarge)
	}
	out := make([]draft, 0, len(msgs))
	for i, m := range msgs {
		d := draft{item: fmt.Sprintf("message %d", i)}
		if len(m) > c.limits.MaxItemBytes {
			d.err = fmt.Errorf("message is %d bytes, limit %d: %w", len(m), c.limits.MaxItemBytes, ErrTooLarge)
		} else {
			d.a, d.err = message(m)
		}
		out = append(out, d)
	}
	return out, nil
}

// anpaMessage parses one ANPA-1312 message.
func anpaMessage(msg string) (*article.Article, error) {
	header, text := headerAndText(msg)
	f := strings.Fields(header)
	if len(f) < 4 {
		return nil, fmt.Errorf("header %q: want service level and story number, priority, category and keyword", clip(header))
	}
	m := anpaFirst.FindStringSubmatch(f[0])
	if m == nil {
		return nil, fmt.Errorf("header %q: %q is not a service level letter and a 4-digit story number", clip(header), clip(f[0]))
	}
	rest := f[1:]
	if len(rest) >= 3 && len(rest[0]) > 1 && len(rest[1]) == 1 {
		rest = rest[1:] // selector code
	}
	if len(rest) < 3 || len(rest[0]) != 1 || len(rest[1]) != 1 {
		return nil, fmt.Errorf("header %q: want one-letter priority and category codes before the keyword", clip(header))
	}
	a := &article.Article{Format: article.FormatANPA, Status: article.StatusUsable, Version: 1}
	a.Urgency = anpaUrgency[strings.ToLower(rest[0])[0]]
	a.Subjects = []string{"anpa-category:" + strings.ToLower(rest[1])}
	keyword := rest[2]
	a.Keywords = []string{keyword}
	var ref string
	for _, tok := range rest[3:] {
		switch {
		case anpaRefDate.MatchString(tok):
			ref = tok
		case anpaCount.MatchString(tok):
			// word count
		default:
			a.Version, a.Status = anpaVersion(tok)
		}
	}
	a.SourceGUID = keyword
	if ref != "" {
		a.SourceGUID += " " + ref
	}

	var b textnorm.Builder
	var heads []string
	afterBy := false
	inBody, ended := false, false
	for _, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if !inBody && strings.HasPrefix(trimmed, "^") {
			t := strings.TrimSpace(strings.TrimRight(strings.TrimPrefix(trimmed, "^"), "<"))
			switch {
			case t == "":
			case len(t) > 4 && strings.EqualFold(t[:4], "eds:"):
				// editor's note: not part of the story
			case strings.HasPrefix(strings.ToLower(t), strings.ToLower(keyword)):
				// the slug repeated as the first text line
			case len(t) > 3 && strings.EqualFold(t[:3], "by "):
				a.Byline = textnorm.Inline(t)
				afterBy = true
			case afterBy:
				a.Byline += ", " + textnorm.Inline(t)
				afterBy = false
			default:
				heads = append(heads, t)
			}
			continue
		}
		if trimmed == "(END)" || trimmed == "(MORE)" || strings.HasPrefix(trimmed, "(END ") {
			ended = true
			continue
		}
		if tm := anpaTrailer.FindStringSubmatch(trimmed); tm != nil {
			a.Source = tm[1]
			a.PublishedAt = trailerTime(tm)
			break
		}
		if ended {
			continue
		}
		if trimmed == "" {
			if inBody {
				b.Break()
			}
			continue
		}
		inBody = true
		if line[0] == ' ' || line[0] == '\t' {
			b.Break()
		}
		b.Markup(" " + trimmed)
	}
	if len(heads) > 0 {
		a.Headline = textnorm.Inline(heads[0])
		if len(heads) > 1 {
			a.Subheadline = textnorm.Inline(strings.Join(heads[1:], " "))
		}
	}
	a.Body = b.String()
	if a.Headline == "" && a.Body == "" && a.Status != article.StatusCanceled {
		return nil, fmt.Errorf("message %s has no headline line and no body text", keyword)
	}
	if a.Headline == "" && a.Status != article.StatusCanceled {
		a.Headline = keyword
	}
	a.Dateline = dateline(a.Body)
	return a, nil
}

// anpaVersion reads a version token: "1stLd-Writethru" is revision 2,
// "Corrn" revision 2, "Kill" a cancellation (version 0: the article then
// takes its trailer time, or the ingest time, as version, which supersedes
// every numbered lead).
func anpaVersion(tok string) (int64, article.Status) {
	low := strings.ToLower(tok)
	if strings.Contains(low, "kill") {
		return 0, article.StatusCanceled
	}
	if m := anpaOrdinal.FindStringSubmatch(tok); m != nil {
		if n, err := strconv.ParseInt(m[1], 10, 64); err == nil && n < 1000 {
			return n + 1, article.StatusUsable
		}
	}
	if strings.Contains(low, "corr") || strings.Contains(low, "writethru") || strings.Contains(low, "ld") {
		return 2, article.StatusUsable
	}
	return 1, article.StatusUsable
}

// trailerTime reads the time of an "AP-NY-11-26-26 1532GMT" trailer.
func trailerTime(m []string) time.Time {
	mon, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	yy, _ := strconv.Atoi(m[4])
	hh, _ := strconv.Atoi(m[5][:2])
	mm, _ := strconv.Atoi(m[5][2:])
	if mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 {
		return time.Time{}
	}
	offset := 0
	switch m[6] {
	case "EST":
		offset = -5
	case "EDT":
		offset = -4
	case "CST":
		offset = -6
	case "CET":
		offset = 1
	}
	loc := time.FixedZone(m[6], offset*3600)
	return time.Date(2000+yy, time.Month(mon), day, hh, mm, 0, 0, loc).UTC()
}

// dateline returns the dateline that opens body ("MOSCOW (AP)"), or "".
func dateline(body string) string {
	if m := datelineRe.FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return truncateUTF8(s, 60) + "..."
	}
	return s
}
