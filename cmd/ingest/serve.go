package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/wirestream/wirestream/pkg/buildinfo"
	"github.com/wirestream/wirestream/pkg/ingest/feeds"
	"github.com/wirestream/wirestream/pkg/ingest/httpapi"
	"github.com/wirestream/wirestream/pkg/ingest/publish"
	"github.com/wirestream/wirestream/pkg/ingest/spool"
	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
)

// serve runs the ingest service until SIGINT or SIGTERM: the HTTP API, the
// spool directory watcher and the feed poller, all publishing to the raw
// topic, plus the admin server.
func serve(s *serveSettings) error {
	level, err := obs.ParseLevel(s.common.Admin.LogLevel)
	if err != nil {
		return err
	}
	log := obs.NewLogger("ingest", buildinfo.Version(), level, os.Stdout)
	defer func() { _ = log.Sync() }()
	ctx, stop := obs.SignalContext(context.Background())
	defer stop()

	kcfg := s.common.Kafka
	if s.common.CreateTopics {
		if err := kafkaio.EnsureTopics(ctx, kcfg, []kafkaio.TopicSpec{{Name: s.common.RawTopic, Partitions: s.common.Partitions}}); err != nil {
			return fmt.Errorf("create topic %s: %w", s.common.RawTopic, err)
		}
	}
	transport, err := kcfg.Transport()
	if err != nil {
		return err
	}
	pub, err := publish.NewKafka(publish.KafkaConfig{Brokers: kcfg.Brokers, Topic: s.common.RawTopic, Transport: transport})
	if err != nil {
		return err
	}
	defer pub.Close()

	tokens, err := httpapi.LoadTokens(s.TokensFile) // the file and $WIRESTREAM_INGEST_TOKENS
	if err != nil {
		return err
	}
	api, err := httpapi.New(pub, log, httpapi.Options{MaxBodyBytes: int64(s.MaxBodyBytes), MaxBatchBytes: int64(s.MaxBatchBytes), Tokens: tokens})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.HTTPAddr, err)
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}

	metrics := obs.NewMetrics("ingest")
	admin := obs.AdminServer(s.common.Admin.Addr, metrics, &level, obs.Check{Name: "kafka", Fn: func(ctx context.Context) error {
		return kafkaio.Ping(ctx, kcfg)
	}})

	errc := make(chan error, 4)
	running := 0
	start := func(name string, run func() error) {
		running++
		go func() {
			err := run()
			if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", name, err)
				return
			}
			errc <- nil
		}()
	}
	start("admin server", admin.ListenAndServe)
	start("http api", func() error { return srv.Serve(ln) })
	if s.SpoolDir != "" {
		sp, err := spool.New(spool.Config{Dir: s.SpoolDir, Source: s.Source}, pub, log)
		if err != nil {
			return err
		}
		start("spool", func() error { return sp.Run(ctx) })
	}
	if s.Feeds != "" {
		list, err := parseFeeds(s.Feeds)
		if err != nil {
			return err
		}
		poller, err := feeds.New(feeds.Config{Feeds: list, Interval: s.FeedInterval, StateFile: s.FeedState}, pub, log)
		if err != nil {
			return err
		}
		start("feeds", func() error { return poller.Run(ctx) })
	}
	log.Info("ingest started",
		zap.String("http.addr", ln.Addr().String()), zap.String("admin.addr", s.common.Admin.Addr),
		obs.Topic(s.common.RawTopic), zap.Strings("kafka.brokers", kcfg.Brokers),
		zap.String("spool.dir", s.SpoolDir), zap.Bool("auth", len(tokens) > 0))

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
		running--
		if runErr == nil {
			runErr = errors.New("a component stopped unexpectedly")
		}
	}
	log.Info("ingest stopping: draining in-flight requests")
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", obs.Err(err))
	}
	if err := admin.Shutdown(shutdownCtx); err != nil {
		log.Warn("admin shutdown", obs.Err(err))
	}
	for ; running > 0; running-- {
		select {
		case err := <-errc:
			if err != nil && runErr == nil {
				runErr = err
			}
		case <-shutdownCtx.Done():
			return errors.New("components did not stop within 30s")
		}
	}
	log.Info("ingest stopped")
	return runErr
}

// parseFeeds reads the --feeds setting: comma-separated URLs, each
// optionally named as name=url, or @file with one such entry per line.
func parseFeeds(spec string) ([]feeds.Feed, error) {
	var entries []string
	if file, ok := strings.CutPrefix(spec, "@"); ok {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read feed list: %w", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				entries = append(entries, line)
			}
		}
	} else {
		entries = strings.Split(spec, ",")
	}
	var out []feeds.Feed
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		var f feeds.Feed
		if name, url, ok := strings.Cut(e, "="); ok && !strings.Contains(name, "/") {
			f = feeds.Feed{Name: strings.TrimSpace(name), URL: strings.TrimSpace(url)}
		} else {
			f = feeds.Feed{URL: e}
		}
		if !strings.HasPrefix(f.URL, "http://") && !strings.HasPrefix(f.URL, "https://") {
			return nil, fmt.Errorf("feeds: %q is not an http(s) URL", f.URL)
		}
		out = append(out, f)
	}
	return out, nil
}
