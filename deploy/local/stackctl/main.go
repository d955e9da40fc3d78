// Command stackctl is the small helper behind deploy/local/stack.sh: it picks
// free loopback ports and checks, with real protocol calls, that the local
// Kafka broker and Elasticsearch node are ready, and creates the topics.
//
//	stackctl freeport [-prefer N] [-avoid N,N]
//	stackctl kafka-ready  -brokers HOST:PORT [-timeout D]
//	stackctl kafka-topics -brokers HOST:PORT [-timeout D] [NAME:PARTITIONS...]
//	stackctl es-ready     -url URL [-timeout D]
//	stackctl es-health    -url URL
//
// Every command exits 0 on success and 1 with a message on stderr otherwise.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "freeport":
		err = freeport(args)
	case "kafka-ready":
		err = kafkaReady(args)
	case "kafka-topics":
		err = kafkaTopics(args)
	case "es-ready":
		err = esReady(args)
	case "es-health":
		err = esHealth(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "stackctl %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: stackctl freeport|kafka-ready|kafka-topics|es-ready|es-health [flags]")
	os.Exit(2)
}

// freeport prints -prefer when it can be bound on 127.0.0.1 and is not in
// -avoid, and otherwise a port the kernel hands out.
func freeport(args []string) error {
	fs := flag.NewFlagSet("freeport", flag.ExitOnError)
	prefer := fs.Int("prefer", 0, "port to use when it is free")
	avoid := fs.String("avoid", "", "comma-separated ports never to return")
	_ = fs.Parse(args)
	skip := map[int]bool{}
	for _, s := range strings.Split(*avoid, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			skip[n] = true
		}
	}
	try := func(port int) (int, bool) {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			return 0, false
		}
		got := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		return got, !skip[got]
	}
	if *prefer > 0 && !skip[*prefer] {
		if p, ok := try(*prefer); ok {
			fmt.Println(p)
			return nil
		}
	}
	for i := 0; i < 50; i++ {
		if p, ok := try(0); ok {
			fmt.Println(p)
			return nil
		}
	}
	return errors.New("no free port on 127.0.0.1")
}

// poll calls check every interval until it succeeds or timeout passes; the
// error returned names the last failure.
func poll(timeout time.Duration, what string, check func(ctx context.Context) error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		last = check(ctx)
		cancel()
		if last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v", what, timeout, last)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func kafkaFlags(name string, args []string) (*flag.FlagSet, *kafka.Client, time.Duration) {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	brokers := fs.String("brokers", "", "broker address host:port")
	timeout := fs.Duration("timeout", 60*time.Second, "how long to keep trying")
	_ = fs.Parse(args)
	if *brokers == "" {
		fmt.Fprintln(os.Stderr, "stackctl "+name+": -brokers is required")
		os.Exit(2)
	}
	addr := strings.TrimSpace(strings.Split(*brokers, ",")[0])
	return fs, &kafka.Client{Addr: kafka.TCP(addr), Timeout: 5 * time.Second}, *timeout
}

// kafkaReady waits until the broker answers ApiVersions and Metadata with
// itself registered, and can serve as group coordinator (which makes it create
// __consumer_offsets, so the first consumer group of a test does not wait).
func kafkaReady(args []string) error {
	_, c, timeout := kafkaFlags("kafka-ready", args)
	return poll(timeout, "kafka at "+c.Addr.String(), func(ctx context.Context) error {
		if _, err := c.ApiVersions(ctx, &kafka.ApiVersionsRequest{}); err != nil {
			return err
		}
		md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
		if err != nil {
			return err
		}
		if len(md.Brokers) == 0 {
			return errors.New("metadata lists no broker")
		}
		fc, err := c.FindCoordinator(ctx, &kafka.FindCoordinatorRequest{Key: "wirestream-stack-ready", KeyType: kafka.CoordinatorKeyTypeConsumer})
		if err != nil {
			return err
		}
		if fc.Error != nil {
			return fmt.Errorf("find coordinator: %w", fc.Error)
		}
		return nil
	})
}

// PipelineTopics are the topics the pipeline reads and writes (the defaults
// of pkg/config), with their partition counts: what `kafka-topics` creates
// when given no topic.
var PipelineTopics = []string{"news.articles.raw:4", "news.articles.enriched:4", "news.articles.dlq:1"}

// kafkaTopics creates each NAME:PARTITIONS topic (replication factor 1),
// accepting topics that already exist, then waits until every partition of
// every topic has a leader, and prints the topics.
func kafkaTopics(args []string) error {
	fs, c, timeout := kafkaFlags("kafka-topics", args)
	topics := fs.Args()
	if len(topics) == 0 {
		topics = PipelineTopics
	}
	want := map[string]int{}
	var req kafka.CreateTopicsRequest
	for _, a := range topics {
		name, n, ok := strings.Cut(a, ":")
		parts, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || parts < 1 {
			return fmt.Errorf("bad topic %q: want NAME:PARTITIONS", a)
		}
		want[name] = parts
		req.Topics = append(req.Topics, kafka.TopicConfig{Topic: name, NumPartitions: parts, ReplicationFactor: 1})
	}
	if len(want) == 0 {
		return errors.New("no topics given")
	}
	err := poll(timeout, "topic creation", func(ctx context.Context) error {
		res, err := c.CreateTopics(ctx, &req)
		if err != nil {
			return err
		}
		for name, e := range res.Errors {
			if e != nil && !errors.Is(e, kafka.TopicAlreadyExists) {
				return fmt.Errorf("%s: %w", name, e)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	err = poll(timeout, "topic leaders", func(ctx context.Context) error {
		md, err := c.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
		if err != nil {
			return err
		}
		seen := 0
		for _, t := range md.Topics {
			if _, ok := want[t.Name]; !ok {
				continue
			}
			if t.Error != nil {
				return fmt.Errorf("%s: %w", t.Name, t.Error)
			}
			for _, p := range t.Partitions {
				if p.Leader.ID < 0 || p.Error != nil {
					return fmt.Errorf("%s/%d has no leader yet", t.Name, p.ID)
				}
			}
			if len(t.Partitions) < want[t.Name] {
				return fmt.Errorf("%s has %d partitions, want %d", t.Name, len(t.Partitions), want[t.Name])
			}
			seen++
		}
		if seen != len(want) {
			return fmt.Errorf("metadata lists %d of %d topics", seen, len(want))
		}
		return nil
	})
	if err == nil {
		fmt.Println(strings.Join(topics, " "))
	}
	return err
}

type health struct {
	Status   string `json:"status"`
	TimedOut bool   `json:"timed_out"`
}

// clusterHealth asks _cluster/health to wait briefly for yellow. The
// integration-test distribution has no rest-root module, so GET / is no
// readiness check.
func clusterHealth(ctx context.Context, base string, wait bool) (health, error) {
	var h health
	u := strings.TrimRight(base, "/") + "/_cluster/health"
	if wait {
		u += "?wait_for_status=yellow&timeout=2s"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return h, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return h, err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if err := json.Unmarshal(body, &h); err != nil {
		return h, fmt.Errorf("HTTP %d: %s", res.StatusCode, strings.TrimSpace(string(body)))
	}
	if res.StatusCode != http.StatusOK || h.TimedOut || (h.Status != "green" && h.Status != "yellow") {
		return h, fmt.Errorf("HTTP %d, status %q", res.StatusCode, h.Status)
	}
	return h, nil
}

func esFlags(name string, args []string) (string, time.Duration) {
	fs := flag.NewFlagSet(name, flag.ExitOnError)
	url := fs.String("url", "", "Elasticsearch base URL")
	timeout := fs.Duration("timeout", 120*time.Second, "how long to keep trying")
	_ = fs.Parse(args)
	if *url == "" {
		fmt.Fprintln(os.Stderr, "stackctl "+name+": -url is required")
		os.Exit(2)
	}
	return *url, *timeout
}

func esReady(args []string) error {
	url, timeout := esFlags("es-ready", args)
	return poll(timeout, "elasticsearch at "+url, func(ctx context.Context) error {
		_, err := clusterHealth(ctx, url, true)
		return err
	})
}

// esHealth prints the cluster status once.
func esHealth(args []string) error {
	url, _ := esFlags("es-health", args)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := clusterHealth(ctx, url, false)
	if err != nil {
		return err
	}
	fmt.Println(h.Status)
	return nil
}
