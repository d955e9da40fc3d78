package storygen

import (
	"strings"
	"testing"
	"time"
)

func TestStoriesAreValidAndDeterministic(t *testing.T) {
	g1, g2 := New(7, "bench"), New(7, "bench")
	ids := map[string]bool{}
	for n := 0; n < 200; n++ {
		a, b := g1.Story(n), g2.Story(n)
		if a.Body != b.Body || a.ID != b.ID {
			t.Fatalf("story %d differs between equal seeds", n)
		}
		a.IngestedAt = time.Now()
		if err := a.Validate(); err != nil {
			t.Fatalf("story %d invalid: %v", n, err)
		}
		if ids[a.ID] {
			t.Fatalf("story %d repeats an id", n)
		}
		ids[a.ID] = true
		words := len(strings.Fields(a.Body))
		if words < 60 || words > 1200 {
			t.Errorf("story %d has %d words", n, words)
		}
		if !strings.Contains(a.Body, "“") {
			t.Errorf("story %d has no quote", n)
		}
	}
}

func BenchmarkStory(b *testing.B) {
	g := New(1, "bench")
	for i := 0; b.Loop(); i++ {
		g.Story(i)
	}
}
