package esindex

import "testing"

func TestAllSucceeded(t *testing.T) {
	cases := []struct {
		answer string
		n      int
		want   bool
	}{
		{`{"errors":false,"items":[{"index":{"status":201}},{"delete":{"status":404}}]}`, 2, true},
		{`{"errors":false,"items":[{"index":{"status":201}}]}`, 2, false}, // item count differs
		{`{"errors":true,"items":[{"index":{"status":429,"error":{"type":"x"}}}]}`, 1, false},
		{`{"errors":false,"items":[{"index":{"status":409,"error":{"type":"version_conflict_engine_exception"}}}]}`, 1, false},
		{`{"items":[{"index":{"status":201}}]}`, 1, false}, // no errors flag
		{`not json`, 0, false},
	}
	for _, c := range cases {
		if got := allSucceeded([]byte(c.answer), c.n); got != c.want {
			t.Errorf("allSucceeded(%s, %d) = %v, want %v", c.answer, c.n, got, c.want)
		}
	}
}
