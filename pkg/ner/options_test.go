package ner

import (
	"bytes"
	"reflect"
	"testing"
)

func TestExchangeGroupsSameContexts(t *testing.T) {
	// Ids 2-3 (like "monday"/"tuesday") and 4-5 ("paris"/"rome") occur in
	// identical contexts; 6-9 are context words.
	var text []int32
	for i := 0; i < 50; i++ {
		text = append(text, 0, 6, 7, 2, 8, 0, 6, 7, 3, 8, 0, 9, 4, 6, 0, 9, 5, 6)
	}
	class := exchange(text, 10, 4)
	if class[2] != class[3] {
		t.Errorf("ids 2 and 3 in classes %d and %d, want one", class[2], class[3])
	}
	if class[4] != class[5] {
		t.Errorf("ids 4 and 5 in classes %d and %d, want one", class[4], class[5])
	}
	if class[2] == class[4] {
		t.Errorf("ids 2 and 4 share class %d", class[2])
	}
	if again := exchange(text, 10, 4); !reflect.DeepEqual(again, class) {
		t.Errorf("exchange is not deterministic: %v then %v", class, again)
	}
}

func TestDictionaryMatchesAndRoundTrips(t *testing.T) {
	docs := []goldDoc{{
		words: [][]string{{"Real", "Madrid", "beat", "Celta", "Vigo"}},
		gold:  [][]string{{"B-ORG", "I-ORG", "O", "B-ORG", "I-ORG"}},
	}}
	d := buildDict(docs, func(int) bool { return true })
	low := []uint64{lowerHash("REAL"), lowerHash("MADRID"), lowerHash("won")}
	got := make([]gazMatch, len(low))
	d.match(low, got)
	org := typeIndex("ORG")
	if got[0].cover != 1<<(4*org+posB) || got[1].cover != 1<<(4*org+posL) || got[2].cover != 0 {
		t.Errorf("dictionary matches %+v", got)
	}
	g, err := sharedGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(8)
	row := make([]int16, numTags)
	row[1] = 3
	m.addRow(9, row)
	tg := &Tagger{version: "t", stages: []stage{{m: m, x: &extractor{gaz: g, dict: d, bits: 8}}}}
	var buf bytes.Buffer
	if err := tg.Save(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if bd := back.stages[0].x.dict; bd == nil || !reflect.DeepEqual(bd.entries, d.entries) || bd.maxLen != d.maxLen {
		t.Errorf("dictionary did not survive Save/Load")
	}
}
