package article

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// idPrefixLen is how many hex digits of the SHA-256 digest an ID keeps
// (128 bits: collisions are not a practical concern).
const idPrefixLen = 32

// ID returns the stable story identifier for a source's own story guid. The
// same (source, guid) pair always gives the same ID, whatever the revision.
// Source and guid are compared case-sensitively after trimming spaces and
// Unicode NFC normalisation.
func ID(source, guid string) string {
	h := sha256.New()
	h.Write([]byte("guid\x00"))
	h.Write([]byte(norm.NFC.String(strings.TrimSpace(source))))
	h.Write([]byte{0})
	h.Write([]byte(norm.NFC.String(strings.TrimSpace(guid))))
	return hex.EncodeToString(h.Sum(nil))[:idPrefixLen]
}

// ContentID returns the story identifier for a story without a guid, derived
// from its normalised headline and body: case, punctuation-free whitespace
// runs and Unicode normalisation differences do not change it, so the same
// story sent twice gets the same ID.
func ContentID(source, headline, body string) string {
	h := sha256.New()
	h.Write([]byte("content\x00"))
	h.Write([]byte(norm.NFC.String(strings.TrimSpace(source))))
	h.Write([]byte{0})
	h.Write([]byte(normaliseForID(headline)))
	h.Write([]byte{0})
	h.Write([]byte(normaliseForID(body)))
	return hex.EncodeToString(h.Sum(nil))[:idPrefixLen]
}

// normaliseForID lower-cases s, applies NFKC and collapses every run of
// white space to one space, so cosmetic differences give the same ID.
func normaliseForID(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// AssignID sets a.ID from SourceGUID when present, else from the content.
// It leaves an ID that is already set alone.
func (a *Article) AssignID() {
	if a.ID != "" {
		return
	}
	if a.SourceGUID != "" {
		a.ID = ID(a.Source, a.SourceGUID)
		return
	}
	a.ID = ContentID(a.Source, a.Headline, a.Body)
}
