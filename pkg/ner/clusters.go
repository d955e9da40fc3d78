package ner

import "sort"

// learnClusters is a placeholder until word clusters are learnt; it
// returns nil, which disables the cluster features.
func learnClusters(docs []goldDoc, k int, seed uint64) map[uint64]uint16 { return nil }

// sortedKeys returns the keys of m in increasing order.
func sortedKeys(m map[uint64]uint16) []uint64 {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}
