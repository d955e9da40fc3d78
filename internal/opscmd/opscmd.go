// Package opscmd holds the operator subcommands the enrich and index binaries
// share: listing and re-driving dead letters, and pointing a consumer group
// at a point in time for a replay.
package opscmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/internal/cli"
	"github.com/wirestream/wirestream/pkg/config"
	"github.com/wirestream/wirestream/pkg/dlq"
	"github.com/wirestream/wirestream/pkg/kafkaio"
)

// DLQ implements `<program> dlq list|redrive`.
func DLQ(ctx context.Context, program string, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "redrive") {
		fmt.Fprintf(stderr, "usage: %s dlq list [flags]\n       %s dlq redrive (--all | --entry P:O[,P:O...] | --error-contains TEXT) [flags]\n", program, program)
		return &cli.UsageError{Err: errors.New("dlq: want list or redrive")}
	}
	sub := args[0]
	var (
		kcfg          kafkaio.Config
		topic         string
		limit         int
		all           bool
		entries       []string
		errorContains string
		dryRun        bool
	)
	set := config.NewSet(program + " dlq " + sub)
	config.KafkaFlags(set, &kcfg, "wirestream-dlq")
	set.Section("Dead letters")
	set.String(&topic, "dlq-topic", "WIRESTREAM_DLQ_TOPIC", config.DefaultDLQTopic, "dead-letter topic")
	if sub == "list" {
		set.Int(&limit, "limit", "", 100, "most entries to print (0: all)")
	} else {
		set.Bool(&all, "all", "", false, "re-drive every dead letter")
		set.List(&entries, "entry", "", nil, "re-drive these entries, as partition:offset of the dead-letter topic (see dlq list)")
		set.String(&errorContains, "error-contains", "", "", "re-drive the entries whose error text contains this")
		set.Bool(&dryRun, "dry-run", "", false, "only print what would be re-driven")
	}
	if err := set.Parse(args[1:]); err != nil {
		return &cli.UsageError{Err: err}
	}
	if err := kcfg.Validate(); err != nil {
		return &cli.UsageError{Err: err}
	}
	if sub == "list" {
		list, err := dlq.List(ctx, kcfg, topic, limit)
		if err != nil {
			return err
		}
		return printEntries(stdout, list)
	}
	if !all && len(entries) == 0 && errorContains == "" {
		return &cli.UsageError{Err: errors.New("dlq redrive: choose --all, --entry or --error-contains")}
	}
	chosen := map[string]bool{}
	for _, e := range entries {
		if _, _, ok := strings.Cut(e, ":"); !ok {
			return &cli.UsageError{Err: fmt.Errorf("--entry %q: want partition:offset", e)}
		}
		chosen[e] = true
	}
	filter := func(e dlq.Entry) bool {
		if all {
			return true
		}
		if chosen[strconv.Itoa(e.Partition)+":"+strconv.FormatInt(e.Offset, 10)] {
			return true
		}
		return errorContains != "" && strings.Contains(e.Error, errorContains)
	}
	if dryRun {
		list, err := dlq.List(ctx, kcfg, topic, 0)
		if err != nil {
			return err
		}
		return printEntries(stdout, slices.DeleteFunc(list, func(e dlq.Entry) bool { return !filter(e) }))
	}
	n, err := dlq.Redrive(ctx, kcfg, topic, filter)
	if err != nil {
		return fmt.Errorf("re-drive (%d sent before the error): %w", n, err)
	}
	fmt.Fprintf(stdout, "re-drove %d dead letters to their original topics\n", n)
	return nil
}

func printEntries(w io.Writer, list []dlq.Entry) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTRY\tTIME\tSERVICE\tORIGIN\tATTEMPTS\tKEY\tERROR")
	for _, e := range list {
		errText := e.Error
		if len(errText) > 160 {
			errText = errText[:160] + "..."
		}
		fmt.Fprintf(tw, "%d:%d\t%s\t%s\t%s/%d/%d\t%d\t%s\t%s\n", e.Partition, e.Offset, e.Time.UTC().Format(time.RFC3339),
			e.Service, e.OriginalTopic, e.OriginalPartition, e.OriginalOffset, e.Attempts, e.Key, errText)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d dead letters\n", len(list))
	return err
}

// Replay implements `<program> replay --since TIME --group-id G`: it sets
// the group's committed offsets on topic to the first message at or after
// TIME, so that a service started with that group re-processes the topic
// from there. The group must have no running members.
func Replay(ctx context.Context, program, defaultTopic, defaultGroup string, args []string, stdout io.Writer) error {
	var (
		kcfg  kafkaio.Config
		topic string
		group string
		since string
	)
	set := config.NewSet(program + " replay")
	config.KafkaFlags(set, &kcfg, "wirestream-replay")
	set.Section("Replay")
	set.String(&topic, "topic", "", defaultTopic, "topic to replay")
	set.String(&group, "group-id", "", defaultGroup, "consumer group whose offsets are set (stop its members first; a new group name re-processes without touching the running one)")
	set.String(&since, "since", "", "", "RFC 3339 time or 'earliest'; the group restarts at the first message at or after it")
	if err := set.Parse(args); err != nil {
		return &cli.UsageError{Err: err}
	}
	if since == "" {
		return &cli.UsageError{Err: errors.New("replay: --since is required")}
	}
	at := time.Time{}
	if since != "earliest" {
		t, err := time.Parse(time.RFC3339, since)
		if err != nil {
			return &cli.UsageError{Err: fmt.Errorf("--since %q: want RFC 3339 (2026-11-01T00:00:00Z) or earliest", since)}
		}
		at = t
	}
	offsets, err := SetGroupOffsets(ctx, kcfg, group, topic, at)
	if err != nil {
		return err
	}
	parts := make([]int, 0, len(offsets))
	for p := range offsets {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	for _, p := range parts {
		fmt.Fprintf(stdout, "%s partition %d -> offset %d\n", topic, p, offsets[p])
	}
	fmt.Fprintf(stdout, "group %s will resume %s from %s; start the service with --group-id %s\n", group, topic, since, group)
	return nil
}

// SetGroupOffsets commits, for group, the offset of the first message at or
// after at on every partition of topic (the earliest offset when at is
// zero), and returns them.
func SetGroupOffsets(ctx context.Context, kcfg kafkaio.Config, group, topic string, at time.Time) (map[int]int64, error) {
	client, err := kcfg.Client()
	if err != nil {
		return nil, err
	}
	parts, err := kafkaio.Partitions(ctx, kcfg, topic)
	if err != nil {
		return nil, fmt.Errorf("partitions of %s: %w", topic, err)
	}
	reqs := make([]kafka.OffsetRequest, 0, len(parts))
	for _, p := range parts {
		if at.IsZero() {
			reqs = append(reqs, kafka.FirstOffsetOf(p))
		} else {
			reqs = append(reqs, kafka.TimeOffsetOf(p, at))
		}
	}
	lo, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{topic: reqs}})
	if err != nil {
		return nil, fmt.Errorf("list offsets of %s: %w", topic, err)
	}
	_, end, err := kafkaio.Offsets(ctx, kcfg, topic)
	if err != nil {
		return nil, err
	}
	out := map[int]int64{}
	var commits []kafka.OffsetCommit
	for _, po := range lo.Topics[topic] {
		if po.Error != nil {
			return nil, fmt.Errorf("offset of %s/%d: %w", topic, po.Partition, po.Error)
		}
		off := po.FirstOffset
		if !at.IsZero() {
			// The broker answers with the offset of the first message at or
			// after the time; none (-1) means every message is older.
			off = -1
			for o := range po.Offsets {
				off = o
			}
		}
		if off < 0 {
			off = end[po.Partition]
		}
		out[po.Partition] = off
		commits = append(commits, kafka.OffsetCommit{Partition: po.Partition, Offset: off})
	}
	resp, err := client.OffsetCommit(ctx, &kafka.OffsetCommitRequest{GroupID: group, GenerationID: -1, Topics: map[string][]kafka.OffsetCommit{topic: commits}})
	if err != nil {
		return nil, fmt.Errorf("commit offsets for group %s: %w", group, err)
	}
	for _, pc := range resp.Topics[topic] {
		if pc.Error != nil {
			return nil, fmt.Errorf("commit offset of %s/%d for group %s (is a member still running?): %w", topic, pc.Partition, group, pc.Error)
		}
	}
	return out, nil
}
