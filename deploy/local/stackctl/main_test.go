package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wirestream/wirestream/pkg/config"
)

// The topics the local stack creates are the ones the services use by default.
func TestPipelineTopicsMatchConfigDefaults(t *testing.T) {
	want := []string{config.DefaultRawTopic, config.DefaultEnrichedTopic, config.DefaultDLQTopic}
	if len(PipelineTopics) != len(want) {
		t.Fatalf("PipelineTopics = %v, want one entry per topic in %v", PipelineTopics, want)
	}
	for i, tp := range PipelineTopics {
		name, parts, ok := strings.Cut(tp, ":")
		n, err := strconv.Atoi(parts)
		if !ok || err != nil || n < 1 || name != want[i] {
			t.Errorf("PipelineTopics[%d] = %q, want %s:<partitions>", i, tp, want[i])
		}
	}
}

// runSelf runs this test binary as stackctl with args (see TestMain).
func runSelf(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "STACKCTL_AS_MAIN=1")
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

func TestMain(m *testing.M) {
	if os.Getenv("STACKCTL_AS_MAIN") == "1" {
		os.Args = append([]string{"stackctl"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestFreeportPrefersFreePortAndAvoidsTakenOnes(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	taken := l.Addr().(*net.TCPAddr).Port
	defer l.Close()

	out, err := runSelf(t, "freeport", "-prefer", strconv.Itoa(taken))
	if err != nil {
		t.Fatalf("freeport: %v", err)
	}
	if got, _ := strconv.Atoi(out); got == taken || got <= 0 {
		t.Fatalf("freeport -prefer %d (taken) = %q, want another free port", taken, out)
	}

	// A free preferred port is returned as is, unless it is to be avoided.
	l2, _ := net.Listen("tcp", "127.0.0.1:0")
	free := l2.Addr().(*net.TCPAddr).Port
	l2.Close()
	if out, err := runSelf(t, "freeport", "-prefer", strconv.Itoa(free)); err != nil || out != strconv.Itoa(free) {
		t.Errorf("freeport -prefer %d (free) = %q, %v", free, out, err)
	}
	if out, err := runSelf(t, "freeport", "-prefer", strconv.Itoa(free), "-avoid", "1,"+strconv.Itoa(free)); err != nil || out == strconv.Itoa(free) {
		t.Errorf("freeport -prefer %d -avoid it = %q, %v", free, out, err)
	}
}

func TestReadinessChecksFailAgainstNothing(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	if _, err := runSelf(t, "kafka-ready", "-brokers", addr, "-timeout", "1s"); err == nil {
		t.Error("kafka-ready succeeded with no broker")
	}
	if _, err := runSelf(t, "es-ready", "-url", "http://"+addr, "-timeout", "1s"); err == nil {
		t.Error("es-ready succeeded with no node")
	}
	if _, err := runSelf(t, "kafka-topics", "-brokers", addr, "-timeout", "1s", "bad-topic"); err == nil {
		t.Error("kafka-topics accepted a topic without partition count")
	}
}

// es-ready asks _cluster/health (never GET /, which this distribution lacks)
// and accepts yellow or green only.
func TestESReadyUsesClusterHealth(t *testing.T) {
	var mu sync.Mutex
	status := "red"
	var paths []string
	set := func(s string) { mu.Lock(); status = s; mu.Unlock() }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		paths = append(paths, r.URL.Path)
		if r.URL.Path != "/_cluster/health" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"cluster_name":"x","status":%q,"timed_out":false}`, status)
	}))
	defer srv.Close()
	if _, err := runSelf(t, "es-ready", "-url", srv.URL, "-timeout", "1s"); err == nil {
		t.Error("es-ready accepted a red cluster")
	}
	set("yellow")
	if _, err := runSelf(t, "es-ready", "-url", srv.URL, "-timeout", "5s"); err != nil {
		t.Errorf("es-ready on a yellow cluster: %v", err)
	}
	if out, err := runSelf(t, "es-health", "-url", srv.URL); err != nil || out != "yellow" {
		t.Errorf("es-health = %q, %v", out, err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range paths {
		if p != "/_cluster/health" {
			t.Errorf("requested %s", p)
		}
	}
}
