package formats

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Transmission control characters of ANPA-1312 and IPTC 7901.
const (
	chSOH = '\x01'
	chSTX = '\x02'
	chETX = '\x03'
	chEOT = '\x04'
	chSYN = '\x16'
	chUS  = '\x1f'
)

// legacyText returns data as UTF-8 text with \n line ends: valid UTF-8 is
// kept, anything else is decoded as windows-1252. Lines longer than the
// limit are an error.
func legacyText(data []byte, lim Limits) (string, error) {
	if err := checkLines(data, lim.MaxLineBytes); err != nil {
		return "", err
	}
	var s string
	if utf8.Valid(data) {
		s = string(data)
	} else {
		b, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil {
			return "", fmt.Errorf("decode windows-1252: %w", err)
		}
		s = string(b)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

// checkLines fails when a line of data is longer than max bytes.
func checkLines(data []byte, max int) error {
	line, start := 1, 0
	for i, c := range data {
		if c == '\n' || c == '\r' {
			if i-start > max {
				return fmt.Errorf("line %d is %d bytes, limit %d: %w", line, i-start, max, ErrTooLarge)
			}
			if c == '\n' {
				line++
			}
			start = i + 1
		}
	}
	if len(data)-start > max {
		return fmt.Errorf("line %d is %d bytes, limit %d: %w", line, len(data)-start, max, ErrTooLarge)
	}
	return nil
}

// splitMessages cuts a transmission into messages at every SOH (or at
// "ZCZC" lines when zczc is set). Text before the first start is dropped
// when it holds only control characters and white space.
func splitMessages(s string, zczc bool) []string {
	isStart := func(i int) bool {
		if s[i] == chSOH {
			return true
		}
		return zczc && strings.HasPrefix(s[i:], "ZCZC") && (i == 0 || s[i-1] == '\n')
	}
	var starts []int
	for i := 0; i < len(s); i++ {
		if isStart(i) {
			// SOH directly after ZCZC belongs to the same message.
			if len(starts) > 0 && strings.Trim(s[starts[len(starts)-1]:i], "ZC\x01\x16 \n") == "" {
				continue
			}
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return []string{s}
	}
	var out []string
	if pre := s[:starts[0]]; strings.Trim(pre, "\x01\x02\x03\x04\x16 \t\n") != "" {
		out = append(out, pre)
	}
	for i, st := range starts {
		end := len(s)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		out = append(out, s[st:end])
	}
	return out
}

// headerAndText cuts a message into its header line (without control
// characters) and its text (between STX and ETX, or after the first line).
func headerAndText(msg string) (header, text string) {
	msg = strings.TrimLeft(msg, "\x16\x01 \n")
	msg = strings.TrimPrefix(msg, "ZCZC")
	msg = strings.TrimLeft(msg, "\x16\x01 \n")
	if i := strings.IndexByte(msg, chSTX); i >= 0 {
		header, text = msg[:i], msg[i+1:]
	} else if i := strings.IndexByte(msg, '\n'); i >= 0 {
		header, text = msg[:i], msg[i+1:]
	} else {
		header = msg
	}
	if i := strings.IndexByte(text, chETX); i >= 0 {
		text = text[:i]
	}
	text = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, text)
	header = strings.Map(func(r rune) rune {
		if r == chUS || r == '\t' || r == '\n' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, header)
	return strings.TrimSpace(header), text
}
