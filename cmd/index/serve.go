package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/buildinfo"
	"github.com/wirestream/wirestream/pkg/esindex"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
	"github.com/wirestream/wirestream/pkg/pipeline"
)

// indexHandler hands each enriched article to the bulk writer and acks the
// Kafka message only when Elasticsearch has settled it: indexed, deleted,
// stale (a newer revision is stored) or rejected (dead-lettered).
func indexHandler(w *esindex.Writer) pipeline.Handler {
	return pipeline.HandlerFunc(func(ctx context.Context, msg kafka.Message, ack func(pipeline.Outcome)) {
		a, err := article.Decode(msg.Value)
		if err != nil {
			ack(pipeline.Outcome{Err: fmt.Errorf("bad enriched article: %w", err), DeadLetter: true})
			return
		}
		err = w.Add(ctx, esindex.Op{Article: a, Done: func(r esindex.Result) {
			switch r.Outcome {
			case esindex.Indexed, esindex.Deleted, esindex.Stale:
				ack(pipeline.Outcome{})
			case esindex.Rejected:
				ack(pipeline.Outcome{Err: fmt.Errorf("elasticsearch rejected article %s: %s", a.ID, r.Reason), DeadLetter: true})
			default: // Abandoned at shutdown: not written, must not be committed
				ack(pipeline.Outcome{Err: fmt.Errorf("article %s not written: %s", a.ID, r.Reason)})
			}
		}})
		if err != nil {
			ack(pipeline.Outcome{Err: fmt.Errorf("queue article %s: %w", a.ID, err)})
		}
	})
}

// setupUntilReady installs the index layout, retrying while Elasticsearch is
// unreachable, so the service can start before the cluster.
func setupUntilReady(ctx context.Context, es *elasticsearch.Client, cfg esindex.SetupConfig, log *zap.Logger) error {
	delay := 500 * time.Millisecond
	for {
		_, err := esindex.Setup(ctx, es, cfg)
		if err == nil {
			return nil
		}
		log.Warn("index setup failed; retrying", obs.Err(err), zap.Duration("retry.in", delay))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(delay*2, 15*time.Second)
	}
}

// serve runs the index service until SIGINT or SIGTERM.
func serve(s *serveSettings) error {
	level, err := obs.ParseLevel(s.common.Admin.LogLevel)
	if err != nil {
		return err
	}
	log := obs.NewLogger("index", buildinfo.Version(), level, os.Stdout)
	defer func() { _ = log.Sync() }()
	ctx, stop := obs.SignalContext(context.Background())
	defer stop()

	es, err := s.es.Client()
	if err != nil {
		return err
	}
	kcfg := s.common.Kafka
	if s.common.CreateTopics {
		specs := []kafkaio.TopicSpec{
			{Name: s.common.EnrichedTopic, Partitions: s.common.Partitions},
			{Name: s.common.DLQTopic, Partitions: 1},
		}
		if err := kafkaio.EnsureTopics(ctx, kcfg, specs); err != nil {
			return fmt.Errorf("create topics: %w", err)
		}
	}
	metrics := obs.NewMetrics("index")
	writer := esindex.NewWriter(es, esindex.WriterConfig{
		Alias:         esindex.NewLayout(s.es.Alias).WriteAlias(),
		MaxDocs:       s.BulkDocs,
		MaxBytes:      s.BulkBytes,
		FlushInterval: s.FlushInterval,
		MaxInFlight:   s.BulkInFlight,
		OnBulk: func(ops, retried int) {
			if ops > 0 {
				metrics.BulkSize.Observe(float64(ops))
			}
			metrics.BulkRetries.Add(float64(retried))
		},
	}, log)
	runner, err := pipeline.New(pipeline.Config{
		Kafka:       kcfg,
		GroupID:     s.GroupID,
		Topic:       s.common.EnrichedTopic,
		DLQTopic:    s.common.DLQTopic,
		Service:     "index",
		MaxInFlight: s.MaxInFlight,
		Workers:     2,
	}, indexHandler(writer), log, metrics)
	if err != nil {
		return err
	}
	setupDone := make(chan struct{})
	admin := obs.AdminServer(s.common.Admin.Addr, metrics, &level,
		obs.ReadyFunc("kafka", runner.Ready),
		obs.Check{Name: "elasticsearch", Fn: func(ctx context.Context) error {
			select {
			case <-setupDone:
			default:
				return errors.New("index layout not installed yet")
			}
			if !writer.Healthy() {
				return errors.New("bulk writes failing")
			}
			return clusterReachable(ctx, es)
		}})
	go func() {
		if err := admin.ListenAndServe(); err != nil {
			log.Error("admin server", obs.Err(err))
			stop()
		}
	}()
	if err := setupUntilReady(ctx, es, esindex.SetupConfig{Prefix: s.es.Alias, Replicas: s.Replicas}, log); err != nil {
		return fmt.Errorf("index setup: %w", err)
	}
	close(setupDone)

	// Backpressure: while Elasticsearch fails, stop fetching from Kafka.
	go func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if healthy := writer.Healthy(); !healthy && !runner.Paused() {
					log.Warn("elasticsearch failing: pausing consumption")
					runner.Pause()
				} else if healthy && runner.Paused() {
					log.Info("elasticsearch healthy again: resuming consumption")
					runner.Resume()
				}
			}
		}
	}()

	log.Info("index started", zap.String("admin.addr", s.common.Admin.Addr), zap.String("kafka.group", s.GroupID),
		obs.Topic(s.common.EnrichedTopic), zap.String("index.alias", s.es.Alias))
	runErr := runner.Run(ctx)
	closeCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := writer.Close(closeCtx); err != nil {
		log.Warn("bulk writer close", obs.Err(err))
	}
	_ = admin.Shutdown(closeCtx)
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	log.Info("index stopped")
	return nil
}

// clusterReachable asks Elasticsearch for its health, so that readiness
// notices an outage even while no bulk request is in flight.
func clusterReachable(ctx context.Context, es *elasticsearch.Client) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	resp, err := esapi.ClusterHealthRequest{}.Do(ctx, es)
	if err != nil {
		return fmt.Errorf("cluster health: %w", err)
	}
	defer resp.Body.Close()
	if resp.IsError() {
		return fmt.Errorf("cluster health: %s", resp.Status())
	}
	return nil
}
