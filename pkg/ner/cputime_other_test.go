//go:build !unix

package ner

import "time"

// cpuTime is unavailable here; BenchmarkTag then reports wall time only.
func cpuTime() time.Duration { return 0 }
