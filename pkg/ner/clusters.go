package ner

import (
	"math"
	"sort"
)

// Word clusters are learnt from the training text alone with the exchange
// algorithm for class-based bigram models (Kneser & Ney 1993; Martin,
// Liermann & Ney 1998): every word is moved to the class that most
// increases the likelihood of the text under p(c2|c1)p(w|c), until few
// words move. They give rare and unseen-in-context words the evidence of
// distributionally similar ones.

// clusterMinCount is the number of occurrences a word needs to be
// clustered; rarer words share one placeholder word.
const clusterMinCount = 3

// clusterIters bounds the exchange passes.
const clusterIters = 8

// Cluster ids are packed into a uint16: the fine cluster in the low
// fineBits bits and the coarse one above.
const fineBits = 10

// learnClusters clusters the lowercased training words twice, into
// coarse (k/8) and fine (k) classes, and returns lowercase hash -> packed
// ids. k must be at most 1<<fineBits.
func learnClusters(docs []goldDoc, k int, seed uint64) map[uint64]uint16 {
	if k > 1<<fineBits {
		k = 1 << fineBits
	}
	coarse := max(k/8, 2)
	// Vocabulary: lowercase hash -> id; id 0 is the sentence boundary and
	// id 1 the placeholder for rare words.
	freq := make(map[uint64]int)
	for _, d := range docs {
		for _, s := range d.words {
			for _, w := range s {
				freq[lowerHash(w)]++
			}
		}
	}
	words := make([]uint64, 0, len(freq))
	for h, n := range freq {
		if n >= clusterMinCount {
			words = append(words, h)
		}
	}
	// Most frequent first; hash breaks ties so the order is deterministic.
	sort.Slice(words, func(i, j int) bool {
		a, b := freq[words[i]], freq[words[j]]
		if a != b {
			return a > b
		}
		return words[i] < words[j]
	})
	id := make(map[uint64]int32, len(words))
	for i, h := range words {
		id[h] = int32(i + 2)
	}
	var text []int32
	for _, d := range docs {
		for _, s := range d.words {
			text = append(text, 0)
			for _, w := range s {
				if v, ok := id[lowerHash(w)]; ok {
					text = append(text, v)
				} else {
					text = append(text, 1)
				}
			}
		}
	}
	text = append(text, 0)
	nw := len(words) + 2
	fine := exchange(text, nw, k)
	crs := exchange(text, nw, coarse)
	out := make(map[uint64]uint16, len(words))
	for i, h := range words {
		out[h] = uint16(crs[i+2])<<fineBits | uint16(fine[i+2])
	}
	_ = seed // the initial assignment is by frequency rank, not random
	return out
}

// xlogx returns x*log(x), with 0 for x <= 0.
func xlogx(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return x * math.Log(x)
}

// exchange clusters the nw word ids of text into k classes and returns
// the class of every id.
func exchange(text []int32, nw, k int) []int32 {
	// Distinct successor and predecessor lists with counts.
	type nb struct{ w, n int32 }
	succ := make([]map[int32]int32, nw)
	for i := 0; i+1 < len(text); i++ {
		a, b := text[i], text[i+1]
		if succ[a] == nil {
			succ[a] = make(map[int32]int32)
		}
		succ[a][b]++
	}
	right := make([][]nb, nw) // successors (excluding self)
	left := make([][]nb, nw)  // predecessors (excluding self)
	self := make([]float64, nw)
	count := make([]float64, nw)
	for _, w := range text {
		count[w]++
	}
	for a := range succ {
		keys := make([]int32, 0, len(succ[a]))
		for b := range succ[a] {
			keys = append(keys, b)
		}
		sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
		for _, b := range keys {
			n := succ[a][b]
			if int(b) == a {
				self[a] = float64(n)
				continue
			}
			right[a] = append(right[a], nb{b, n})
			left[b] = append(left[b], nb{int32(a), n})
		}
	}
	class := make([]int32, nw)
	for w := range class {
		class[w] = int32(w % k)
	}
	m := make([]float64, k*k) // class bigram counts
	nc := make([]float64, k)  // class unigram counts
	for i := 0; i+1 < len(text); i++ {
		m[int(class[text[i]])*k+int(class[text[i+1]])]++
	}
	for w, c := range class {
		nc[c] += count[w]
	}
	r := make([]float64, k) // word -> class counts to the right
	l := make([]float64, k) // class -> word counts to the left
	var rNZ, lNZ []int
	for it := 0; it < clusterIters; it++ {
		moved := 0
		for w := 0; w < nw; w++ {
			// Class counts of w's neighbours.
			for _, c := range rNZ {
				r[c] = 0
			}
			for _, c := range lNZ {
				l[c] = 0
			}
			rNZ, lNZ = rNZ[:0], lNZ[:0]
			for _, e := range right[w] {
				c := class[e.w]
				if r[c] == 0 {
					rNZ = append(rNZ, int(c))
				}
				r[c] += float64(e.n)
			}
			for _, e := range left[w] {
				c := class[e.w]
				if l[c] == 0 {
					lNZ = append(lNZ, int(c))
				}
				l[c] += float64(e.n)
			}
			old := int(class[w])
			// Remove w from its class.
			for _, d := range rNZ {
				m[old*k+d] -= r[d]
			}
			for _, d := range lNZ {
				m[d*k+old] -= l[d]
			}
			m[old*k+old] -= self[w]
			nc[old] -= count[w]
			best, bestGain := old, math.Inf(-1)
			for c := 0; c < k; c++ {
				g := 0.0
				for _, d := range rNZ {
					if d != c {
						g += xlogx(m[c*k+d]+r[d]) - xlogx(m[c*k+d])
					}
				}
				for _, d := range lNZ {
					if d != c {
						g += xlogx(m[d*k+c]+l[d]) - xlogx(m[d*k+c])
					}
				}
				g += xlogx(m[c*k+c]+r[c]+l[c]+self[w]) - xlogx(m[c*k+c])
				g -= 2 * (xlogx(nc[c]+count[w]) - xlogx(nc[c]))
				if g > bestGain+1e-9 {
					best, bestGain = c, g
				}
			}
			// Add w to the best class.
			for _, d := range rNZ {
				m[best*k+d] += r[d]
			}
			for _, d := range lNZ {
				m[d*k+best] += l[d]
			}
			m[best*k+best] += self[w]
			nc[best] += count[w]
			if best != old {
				class[w] = int32(best)
				moved++
			}
		}
		if moved < nw/200 {
			break
		}
	}
	return class
}

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[uint64]uint16) []uint64 {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
