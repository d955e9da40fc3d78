package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/segmentio/kafka-go"
	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/article"
	"github.com/wirestream/wirestream/pkg/buildinfo"
	"github.com/wirestream/wirestream/pkg/enrich"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
	"github.com/wirestream/wirestream/pkg/pipeline"
)

// errBadArticle marks input that can never be enriched: it is dead-lettered.
var errBadArticle = errors.New("bad raw article")

// enrichMessage decodes one raw article, enriches it and encodes the result
// for the enriched topic, keeping the key and the trace headers.
func enrichMessage(e *enrich.Enricher) pipeline.TransformFunc {
	return func(ctx context.Context, in kafka.Message) (kafka.Message, error) {
		a, err := article.Decode(in.Value)
		if err != nil {
			return kafka.Message{}, fmt.Errorf("%w: %w", errBadArticle, err)
		}
		e.Enrich(a)
		value, err := article.Marshal(a)
		if err != nil {
			return kafka.Message{}, fmt.Errorf("%w: %w", errBadArticle, err)
		}
		key := in.Key
		if len(key) == 0 {
			key = []byte(a.ID)
		}
		headers := make([]kafka.Header, 0, len(in.Headers))
		for _, h := range in.Headers {
			if h.Key != "enrichment_version" {
				headers = append(headers, h)
			}
		}
		headers = append(headers, kafka.Header{Key: "enrichment_version", Value: []byte(e.Version())})
		return kafka.Message{Key: key, Value: value, Headers: headers}, nil
	}
}

// serve runs the enrich service until SIGINT or SIGTERM.
func serve(s *serveSettings) error {
	level, err := obs.ParseLevel(s.common.Admin.LogLevel)
	if err != nil {
		return err
	}
	log := obs.NewLogger("enrich", buildinfo.Version(), level, os.Stdout)
	defer func() { _ = log.Sync() }()
	ctx, stop := obs.SignalContext(context.Background())
	defer stop()

	kcfg := s.common.Kafka
	if s.common.CreateTopics {
		specs := []kafkaio.TopicSpec{
			{Name: s.common.RawTopic, Partitions: s.common.Partitions},
			{Name: s.common.EnrichedTopic, Partitions: s.common.Partitions},
			{Name: s.common.DLQTopic, Partitions: 1},
		}
		if err := kafkaio.EnsureTopics(ctx, kcfg, specs); err != nil {
			return fmt.Errorf("create topics: %w", err)
		}
	}
	enricher := enrich.New() // loads the embedded model once, before consuming
	producer, err := pipeline.NewAsyncProducer(kcfg)
	if err != nil {
		return err
	}
	defer producer.Close()
	handler := pipeline.Transform(s.common.EnrichedTopic, producer, enrichMessage(enricher), func(err error) bool {
		return errors.Is(err, errBadArticle)
	})
	workers := s.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	metrics := obs.NewMetrics("enrich")
	runner, err := pipeline.New(pipeline.Config{
		Kafka:       kcfg,
		GroupID:     s.GroupID,
		Topic:       s.common.RawTopic,
		DLQTopic:    s.common.DLQTopic,
		Service:     "enrich",
		MaxInFlight: s.MaxInFlight,
		Workers:     workers,
		KeyOrdered:  true,
	}, handler, log, metrics)
	if err != nil {
		return err
	}
	admin := obs.AdminServer(s.common.Admin.Addr, metrics, &level, obs.ReadyFunc("kafka", runner.Ready))
	go func() {
		if err := admin.ListenAndServe(); err != nil {
			log.Error("admin server", obs.Err(err))
			stop()
		}
	}()
	log.Info("enrich started", zap.String("admin.addr", s.common.Admin.Addr), zap.String("kafka.group", s.GroupID),
		obs.Topic(s.common.RawTopic), zap.String("output.topic", s.common.EnrichedTopic),
		zap.String("enrichment.version", enricher.Version()), zap.Int("workers", workers))
	runErr := runner.Run(ctx)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = admin.Shutdown(shutdownCtx)
	if runErr != nil && !errors.Is(runErr, context.Canceled) {
		return runErr
	}
	log.Info("enrich stopped")
	return nil
}
