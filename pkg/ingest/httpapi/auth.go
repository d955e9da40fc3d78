package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"strings"
)

// TokensEnv names the environment variable holding comma-separated bearer
// tokens.
const TokensEnv = "WIRESTREAM_INGEST_TOKENS"

// ParseTokens splits s on commas and newlines, trims each token, and drops
// blanks and lines starting with '#'.
func ParseTokens(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, tok := range strings.Split(line, ",") {
			if tok = strings.TrimSpace(tok); tok != "" {
				out = append(out, tok)
			}
		}
	}
	return out
}

// LoadTokens returns the bearer tokens from file (when not empty) and from
// the WIRESTREAM_INGEST_TOKENS environment variable. An empty result means
// authentication is off.
func LoadTokens(file string) ([]string, error) {
	var out []string
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read ingest token file: %w", err)
		}
		out = append(out, ParseTokens(string(data))...)
	}
	return append(out, ParseTokens(os.Getenv(TokensEnv))...), nil
}

// tokenSet checks bearer tokens in constant time. Tokens are kept as
// SHA-256 digests so every comparison handles equal-length inputs and
// leaks neither a token's length nor its prefix.
type tokenSet [][sha256.Size]byte

func newTokenSet(tokens []string) tokenSet {
	out := make(tokenSet, 0, len(tokens))
	for _, t := range tokens {
		out = append(out, sha256.Sum256([]byte(t)))
	}
	return out
}

// allows reports whether the Authorization header value carries a known
// bearer token. Every stored token is compared, whatever matches first.
func (s tokenSet) allows(header string) bool {
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	match := 0
	for i := range s {
		match |= subtle.ConstantTimeCompare(got[:], s[i][:])
	}
	return match == 1
}
