package kafkaio

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/segmentio/kafka-go"
)

// TopicSpec describes a topic EnsureTopics creates when it is missing.
type TopicSpec struct {
	Name              string
	Partitions        int
	ReplicationFactor int               // 1 when zero
	Configs           map[string]string // for example retention.ms
}

// EnsureTopics creates the topics that do not exist yet; existing topics are
// left as they are.
func EnsureTopics(ctx context.Context, cfg Config, topics []TopicSpec) error {
	cl, err := cfg.Client()
	if err != nil {
		return err
	}
	defer closeIdle(cl)
	req := &kafka.CreateTopicsRequest{Addr: cl.Addr}
	for _, t := range topics {
		tc := kafka.TopicConfig{Topic: t.Name, NumPartitions: max(t.Partitions, 1), ReplicationFactor: max(t.ReplicationFactor, 1)}
		keys := make([]string, 0, len(t.Configs))
		for k := range t.Configs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			tc.ConfigEntries = append(tc.ConfigEntries, kafka.ConfigEntry{ConfigName: k, ConfigValue: t.Configs[k]})
		}
		req.Topics = append(req.Topics, tc)
	}
	resp, err := cl.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for name, e := range resp.Errors {
		if e != nil && !errors.Is(e, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", name, e))
		}
	}
	return errors.Join(errs...)
}

// Ping asks the cluster for its metadata; it succeeds only when a broker
// answers (an open port is not enough). Used by /readyz.
func Ping(ctx context.Context, cfg Config) error {
	cl, err := cfg.Client()
	if err != nil {
		return err
	}
	defer closeIdle(cl)
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	if _, err := cl.Metadata(ctx, &kafka.MetadataRequest{Addr: cl.Addr, Topics: []string{}}); err != nil {
		return fmt.Errorf("kafka ping: %w", err)
	}
	return nil
}

// Partitions returns the partition ids of topic.
func Partitions(ctx context.Context, cfg Config, topic string) ([]int, error) {
	cl, err := cfg.Client()
	if err != nil {
		return nil, err
	}
	defer closeIdle(cl)
	return partitions(ctx, cl, topic)
}

func partitions(ctx context.Context, cl *kafka.Client, topic string) ([]int, error) {
	md, err := cl.Metadata(ctx, &kafka.MetadataRequest{Addr: cl.Addr, Topics: []string{topic}})
	if err != nil {
		return nil, fmt.Errorf("metadata %s: %w", topic, err)
	}
	for _, t := range md.Topics {
		if t.Name != topic {
			continue
		}
		if t.Error != nil {
			return nil, fmt.Errorf("metadata %s: %w", topic, t.Error)
		}
		ids := make([]int, 0, len(t.Partitions))
		for _, p := range t.Partitions {
			ids = append(ids, p.ID)
		}
		sort.Ints(ids)
		return ids, nil
	}
	return nil, fmt.Errorf("metadata %s: topic not found", topic)
}

// Offsets returns the first and end (next to be written) offsets of every
// partition of topic.
func Offsets(ctx context.Context, cfg Config, topic string) (first, end map[int]int64, err error) {
	cl, err := cfg.Client()
	if err != nil {
		return nil, nil, err
	}
	defer closeIdle(cl)
	return offsets(ctx, cl, topic)
}

func offsets(ctx context.Context, cl *kafka.Client, topic string) (first, end map[int]int64, err error) {
	ids, err := partitions(ctx, cl, topic)
	if err != nil {
		return nil, nil, err
	}
	reqs := make([]kafka.OffsetRequest, 0, 2*len(ids))
	for _, id := range ids {
		reqs = append(reqs, kafka.FirstOffsetOf(id), kafka.LastOffsetOf(id))
	}
	resp, err := cl.ListOffsets(ctx, &kafka.ListOffsetsRequest{Addr: cl.Addr, Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, nil, fmt.Errorf("list offsets %s: %w", topic, err)
	}
	first, end = map[int]int64{}, map[int]int64{}
	for _, po := range resp.Topics[topic] {
		if po.Error != nil {
			return nil, nil, fmt.Errorf("list offsets %s/%d: %w", topic, po.Partition, po.Error)
		}
		first[po.Partition], end[po.Partition] = po.FirstOffset, po.LastOffset
	}
	return first, end, nil
}

// Committed returns the group's committed offsets on topic by partition; -1
// means nothing committed yet.
func Committed(ctx context.Context, cfg Config, group, topic string) (map[int]int64, error) {
	cl, err := cfg.Client()
	if err != nil {
		return nil, err
	}
	defer closeIdle(cl)
	ids, err := partitions(ctx, cl, topic)
	if err != nil {
		return nil, err
	}
	return committed(ctx, cl, group, topic, ids)
}

func committed(ctx context.Context, cl *kafka.Client, group, topic string, ids []int) (map[int]int64, error) {
	resp, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{Addr: cl.Addr, GroupID: group, Topics: map[string][]int{topic: ids}})
	if err != nil {
		return nil, fmt.Errorf("offset fetch %s/%s: %w", group, topic, err)
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("offset fetch %s/%s: %w", group, topic, resp.Error)
	}
	out := make(map[int]int64, len(ids))
	for _, id := range ids {
		out[id] = -1
	}
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			return nil, fmt.Errorf("offset fetch %s/%s/%d: %w", group, topic, p.Partition, p.Error)
		}
		out[p.Partition] = p.CommittedOffset
	}
	return out, nil
}

// Lag returns, by partition, how many messages of topic the group has not
// committed yet: end offset minus committed offset (minus the first
// available offset when the group never committed). It asks the broker
// (OffsetFetch and ListOffsets) instead of trusting kafka-go's Reader.Stats,
// which is unreliable with consumer groups.
func Lag(ctx context.Context, cfg Config, group, topic string) (map[int]int64, error) {
	cl, err := cfg.Client()
	if err != nil {
		return nil, err
	}
	defer closeIdle(cl)
	first, end, err := offsets(ctx, cl, topic)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(end))
	for id := range end {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	com, err := committed(ctx, cl, group, topic, ids)
	if err != nil {
		return nil, err
	}
	return computeLag(first, end, com), nil
}

// computeLag is the pure part of Lag.
func computeLag(first, end, committed map[int]int64) map[int]int64 {
	lag := make(map[int]int64, len(end))
	for p, e := range end {
		from, ok := committed[p]
		if !ok || from < 0 {
			from = first[p]
		}
		l := e - from
		if l < 0 {
			l = 0
		}
		lag[p] = l
	}
	return lag
}

// CollectLag calls Lag every interval until ctx ends and hands each result
// (or error) to report, for example obs.Metrics.SetLag.
func CollectLag(ctx context.Context, cfg Config, group, topic string, every time.Duration, report func(map[int]int64, error)) {
	if every <= 0 {
		every = 15 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		lctx, cancel := context.WithTimeout(ctx, every)
		lag, err := Lag(lctx, cfg, group, topic)
		cancel()
		if ctx.Err() != nil {
			return
		}
		report(lag, err)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// closeIdle closes the connections of a short-lived client's transport, so
// periodic calls (ping, lag) do not pile up idle connections.
func closeIdle(cl *kafka.Client) {
	if tr, ok := cl.Transport.(*kafka.Transport); ok {
		tr.CloseIdleConnections()
	}
}
