package ner

import (
	"bufio"
	"embed"
	"fmt"
	"strings"

	"github.com/wirestream/wirestream/pkg/text"
)

// gazetteerFiles holds the shipped name lists, one entry per line; lines
// starting with # are comments. Each file names its sources in its header.
//
//go:embed gazetteer/*.txt
var gazetteerFiles embed.FS

// gazCats are the gazetteer categories, one file each (gazetteer/NAME.txt).
// Matches are features, not rules: the model learns how much each is worth.
var gazCats = [...]string{"country", "city", "region", "demonym", "org", "orgword", "title", "firstname", "misc"}

// gazPrefixBit marks a key that is a proper prefix of a longer entry.
const gazPrefixBit = 1 << 15

// gazetteer matches token sequences (case-insensitively) against the lists.
type gazetteer struct {
	entries map[uint64]uint16 // sequence hash -> category bits (plus gazPrefixBit)
	maxLen  int
}

// gazSeed starts a sequence hash.
const gazSeed = 0x5eed

// loadGazetteer parses the embedded lists.
func loadGazetteer() (*gazetteer, error) {
	g := &gazetteer{entries: make(map[uint64]uint16)}
	for ci, cat := range gazCats {
		name := "gazetteer/" + cat + ".txt"
		data, err := gazetteerFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("ner: reading %s: %w", name, err)
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			toks := text.Tokenize(line)
			h := uint64(gazSeed)
			for i, t := range toks {
				h = mix(h, lowerHash(t.Text))
				if i < len(toks)-1 {
					g.entries[h] |= gazPrefixBit
				}
			}
			g.entries[h] |= 1 << ci
			if len(toks) > g.maxLen {
				g.maxLen = len(toks)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("ner: parsing %s: %w", name, err)
		}
	}
	return g, nil
}

// gazMatch records, per token, the gazetteer categories and BILOU
// positions of every match covering it (bit cat*4+pos), and the categories
// of matches starting (starts) and ending (ends) at it.
type gazMatch struct {
	cover        uint64
	starts, ends uint16
}

// match fills out[i] for the tokens with lowercase hashes low.
func (g *gazetteer) match(low []uint64, out []gazMatch) {
	for i := range out {
		out[i] = gazMatch{}
	}
	for i := range low {
		h := uint64(gazSeed)
		for n := 1; n <= g.maxLen && i+n <= len(low); n++ {
			h = mix(h, low[i+n-1])
			bits, ok := g.entries[h]
			if !ok {
				break
			}
			cats := bits &^ gazPrefixBit
			if cats == 0 {
				continue
			}
			out[i].starts |= cats
			out[i+n-1].ends |= cats
			for c := 0; c < len(gazCats); c++ {
				if cats&(1<<c) == 0 {
					continue
				}
				if n == 1 {
					out[i].cover |= 1 << (4*c + posU)
					continue
				}
				out[i].cover |= 1 << (4*c + posB)
				for j := i + 1; j < i+n-1; j++ {
					out[j].cover |= 1 << (4*c + posI)
				}
				out[i+n-1].cover |= 1 << (4*c + posL)
			}
		}
	}
}

// buildDict returns a dictionary of the entity strings of docs (lowercased
// token sequences of at most maxStackSpan tokens), with one category bit
// per entity type seen for the string.
func buildDict(docs []goldDoc, use func(d int) bool) *gazetteer {
	g := &gazetteer{entries: make(map[uint64]uint16)}
	for d, doc := range docs {
		if !use(d) {
			continue
		}
		for s, words := range doc.words {
			for _, sp := range spansFromBIO(doc.gold[s]) {
				if sp.to-sp.from > maxStackSpan {
					continue
				}
				h := uint64(gazSeed)
				for i := sp.from; i < sp.to; i++ {
					h = mix(h, lowerHash(words[i]))
					if i < sp.to-1 {
						g.entries[h] |= gazPrefixBit
					}
				}
				g.entries[h] |= 1 << sp.ty
				g.maxLen = max(g.maxLen, sp.to-sp.from)
			}
		}
	}
	return g
}
