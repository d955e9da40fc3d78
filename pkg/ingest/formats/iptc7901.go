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
	iptcHeader = regexp.MustCompile(`^([A-Za-z]{1,6})(\d{3,4})\s+(\d)\s+([A-Za-z]{1,4})\s+(\d{1,5})(?:\s+(.*))?$`)
	iptcDTG    = regexp.MustCompile(`^(\d{2})(\d{2})(\d{2})\s+([A-Za-z]{3})\s+(\d{2})$`)
	iptcNote   = regexp.MustCompile(`^\((.{1,60})\)$`)
	iptcUpdate = regexp.MustCompile(`(?i)(?:update|neu|ld|lead)\D{0,3}(\d{1,3})|(\d{1,3})\s*\.?\s*(?:update|neu|ld|lead)`)
)

// parseIPTC7901 parses an IPTC 7901 transmission; every SOH or ZCZC starts a
// story.
func parseIPTC7901(data []byte, c *ctx) ([]draft, error) {
	return parseTransmission(data, c, true, iptcMessage)
}

// iptcMessage parses one IPTC 7901 message.
func iptcMessage(msg string) (*article.Article, error) {
	header, text := headerAndText(msg)
	m := iptcHeader.FindStringSubmatch(header)
	if m == nil {
		return nil, fmt.Errorf("header %q: want source and message number, priority digit, category, word count", clip(header))
	}
	src := strings.ToLower(m[1])
	a := &article.Article{Format: article.FormatIPTC7901, Status: article.StatusUsable, Version: 1}
	a.Urgency = urgency(m[3])
	a.Subjects = []string{"iptc7901-category:" + strings.ToLower(m[4])}
	if info := strings.Fields(m[6]); len(info) > 0 {
		a.Source = info[0]
	} else {
		a.Source = src
	}

	lines := strings.Split(text, "\n")
	i := 0
	next := func() (string, bool) {
		for i < len(lines) {
			l := strings.TrimSpace(lines[i])
			i++
			if l != "" {
				return l, true
			}
		}
		return "", false
	}
	keyword, ok := next()
	if !ok || keyword == "NNNN" {
		return nil, fmt.Errorf("message %s%s has no keyword line", m[1], m[2])
	}
	for _, k := range strings.Split(keyword, "/") {
		a.Keywords = append(a.Keywords, k)
	}
	// Bracketed notes, then the headline ended by "=".
	var head []string
	var after []int // line index after each headline line
	for {
		l, ok := next()
		if !ok || l == "NNNN" {
			break
		}
		if n := iptcNote.FindStringSubmatch(l); n != nil && len(head) == 0 {
			iptcApplyNote(a, n[1])
			continue
		}
		head = append(head, l)
		after = append(after, i)
		if strings.HasSuffix(l, "=") || len(head) == 3 {
			break
		}
	}
	if len(head) > 1 && !strings.HasSuffix(head[len(head)-1], "=") {
		// No "=": only the first line is the headline.
		head, i = head[:1], after[0]
	}
	a.Headline = textnorm.Inline(strings.TrimSuffix(strings.Join(head, " "), "="))

	var body []string
	var para strings.Builder
	flush := func() {
		if para.Len() > 0 {
			body = append(body, para.String())
			para.Reset()
		}
	}
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "NNNN" {
			break
		}
		if dt := iptcDTG.FindStringSubmatch(l); dt != nil {
			a.PublishedAt = dtgTime(dt)
			break
		}
		if l == "" {
			flush()
			continue
		}
		if low := strings.ToLower(l); len(l) < 50 && (strings.HasPrefix(low, src+" ") || strings.HasPrefix(low, strings.ToLower(a.Source)+" ")) && low == l {
			continue // trailer line "wst abc xx"
		}
		if para.Len() > 0 {
			para.WriteByte(' ')
		}
		para.WriteString(l)
	}
	flush()
	a.Body = textnorm.Paragraphs(body)
	a.SourceGUID = keyword
	if !a.PublishedAt.IsZero() {
		a.SourceGUID += " " + a.PublishedAt.Format("2006-01-02")
	}
	if a.Headline == "" && a.Body == "" && a.Status != article.StatusCanceled {
		return nil, fmt.Errorf("message %s%s has no headline and no body text", m[1], m[2])
	}
	a.Dateline = dateline(a.Body)
	return a, nil
}

// iptcApplyNote applies a bracketed note line: "(Correction)", "(Update 2)",
// "(Kill)".
func iptcApplyNote(a *article.Article, note string) {
	low := strings.ToLower(note)
	switch {
	case strings.Contains(low, "kill") || strings.Contains(low, "cancel") || strings.Contains(low, "withdraw"):
		a.Status = article.StatusCanceled
		a.Version = 0
	case strings.Contains(low, "correct") || strings.Contains(low, "berichtigung"):
		if a.Version < 2 {
			a.Version = 2
		}
	}
	if m := iptcUpdate.FindStringSubmatch(note); m != nil && a.Status != article.StatusCanceled {
		n, _ := strconv.ParseInt(m[1]+m[2], 10, 64)
		if n+1 > a.Version {
			a.Version = n + 1
		}
	}
}

// dtgTime reads a date-time group "261532 Nov 26" as UTC.
func dtgTime(m []string) time.Time {
	t, err := time.Parse("021504 Jan 06", m[1]+m[2]+m[3]+" "+strings.ToUpper(m[4][:1])+strings.ToLower(m[4][1:])+" "+m[5])
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
