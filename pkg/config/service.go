package config

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/wirestream/wirestream/pkg/kafkaio"
)

// Default topic names shared by the services.
const (
	DefaultRawTopic      = "news.articles.raw"
	DefaultEnrichedTopic = "news.articles.enriched"
	DefaultDLQTopic      = "news.articles.dlq"
)

// Service holds the settings every Wirestream service has: the Kafka
// connection, topic names, topic creation, admin server and logging.
type Service struct {
	Kafka kafkaio.Config
	Admin Admin

	RawTopic, EnrichedTopic, DLQTopic string
	// CreateTopics creates missing topics at start with Partitions
	// partitions (replication 1: set it false and create topics yourself on
	// a real cluster).
	CreateTopics bool
	Partitions   int

	used []string // topic settings registered by ServiceFlags
}

// ServiceFlags registers the shared service settings. topics names which
// topic settings the service uses ("raw", "enriched", "dlq"); Validate then
// requires those to be non-empty.
func ServiceFlags(s *Set, c *Service, service, defaultAdminAddr string, topics ...string) {
	KafkaFlags(s, &c.Kafka, "wirestream-"+service)
	s.Section("Topics")
	c.used = topics
	for _, t := range topics {
		switch t {
		case "raw":
			s.String(&c.RawTopic, "raw-topic", "WIRESTREAM_RAW_TOPIC", DefaultRawTopic, "topic of raw articles (ingest writes, enrich reads)")
		case "enriched":
			s.String(&c.EnrichedTopic, "enriched-topic", "WIRESTREAM_ENRICHED_TOPIC", DefaultEnrichedTopic, "topic of enriched articles (enrich writes, index reads)")
		case "dlq":
			s.String(&c.DLQTopic, "dlq-topic", "WIRESTREAM_DLQ_TOPIC", DefaultDLQTopic, "dead-letter topic for messages that cannot be processed")
		}
	}
	s.Bool(&c.CreateTopics, "create-topics", "WIRESTREAM_CREATE_TOPICS", true, "create missing topics at start (replication 1; turn off on a managed cluster)")
	s.Int(&c.Partitions, "topic-partitions", "WIRESTREAM_TOPIC_PARTITIONS", 4, "partitions of topics created at start")
	AdminFlags(s, &c.Admin, defaultAdminAddr)
}

// Validate names every problem with the shared settings.
func (c Service) Validate() error {
	var errs []error
	if err := c.Kafka.Validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Admin.Validate(); err != nil {
		errs = append(errs, err)
	}
	for _, t := range c.used {
		v := map[string]string{"raw": c.RawTopic, "enriched": c.EnrichedTopic, "dlq": c.DLQTopic}[t]
		if v == "" {
			errs = append(errs, fmt.Errorf("%s-topic: empty", t))
		}
	}
	if c.Partitions < 1 {
		errs = append(errs, fmt.Errorf("topic-partitions: %d, want at least 1", c.Partitions))
	}
	return errors.Join(errs...)
}

// Client builds a go-elasticsearch client from the settings. Retries are
// left to the caller (the bulk writer retries per item), so the transport
// does not retry on its own.
func (c Elasticsearch) Client() (*elasticsearch.Client, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cfg := elasticsearch.Config{
		Addresses:    []string{c.URL},
		APIKey:       c.APIKey,
		Username:     c.Username,
		Password:     c.Password,
		DisableRetry: true,
		Transport: &http.Transport{
			MaxIdleConnsPerHost:   16,
			ResponseHeaderTimeout: 60 * time.Second,
			IdleConnTimeout:       90 * time.Second,
		},
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("es-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("es-ca: no certificates in %s", c.CAFile)
		}
		cfg.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch client: %w", err)
	}
	return es, nil
}
