package publish

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/wirestream/wirestream/pkg/article"
)

// KafkaConfig configures a Kafka publisher. Zero values take the defaults
// documented on each field.
type KafkaConfig struct {
	// Brokers are the bootstrap broker addresses (host:port). Required.
	Brokers []string
	// Topic is the raw article topic. Required. It must exist: the writer
	// never creates topics.
	Topic string
	// Transport carries TLS, SASL and dial settings; nil uses a plain-text
	// transport with a 5 s dial timeout.
	Transport *kafka.Transport
	// BatchTimeout is how long the writer waits for more messages to fill a
	// batch before sending it. Default 2 ms: single articles go out almost
	// at once; a batch request fills its batches without waiting.
	BatchTimeout time.Duration
	// BatchSize is the most messages in one produce batch. Default 1000.
	BatchSize int
	// MaxMessageBytes is the largest encoded message (key, value and
	// headers) accepted; larger articles fail with ErrRejected. It should
	// not exceed the broker's message.max.bytes. Default 1,000,000.
	MaxMessageBytes int
	// Timeout bounds one Publish call, retries included. Default 10 s.
	Timeout time.Duration
	// MaxAttempts is how many times the writer tries a batch. Default 3.
	MaxAttempts int
	// Compression is the batch codec; zero means none.
	Compression kafka.Compression
}

// Kafka publishes articles to one topic with acks=all, keyed by article id
// and partitioned by a hash of the key, so every revision of a story lands
// on the same partition in the order it was published.
type Kafka struct {
	w        *kafka.Writer
	maxBytes int
	timeout  time.Duration
}

// NewKafka returns a publisher for cfg. It does not connect until the first
// Publish.
func NewKafka(cfg KafkaConfig) (*Kafka, error) {
	if len(cfg.Brokers) == 0 {
		return nil, errors.New("publish: no Kafka brokers configured")
	}
	if cfg.Topic == "" {
		return nil, errors.New("publish: no Kafka topic configured")
	}
	if cfg.BatchTimeout <= 0 {
		cfg.BatchTimeout = 2 * time.Millisecond
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1000
	}
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 1_000_000
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 3
	}
	w := &kafka.Writer{
		Addr:         kafka.TCP(cfg.Brokers...),
		Topic:        cfg.Topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: cfg.BatchTimeout,
		BatchSize:    cfg.BatchSize,
		// The broker bounds a whole record batch (one partition's share of
		// a produce request) by message.max.bytes, not each message, so a
		// batch may not grow past the largest message we accept.
		BatchBytes:             int64(cfg.MaxMessageBytes),
		MaxAttempts:            cfg.MaxAttempts,
		WriteBackoffMin:        50 * time.Millisecond,
		WriteBackoffMax:        500 * time.Millisecond,
		Compression:            cfg.Compression,
		AllowAutoTopicCreation: false,
	}
	if cfg.Transport != nil {
		w.Transport = cfg.Transport
	} else {
		w.Transport = &kafka.Transport{DialTimeout: 5 * time.Second, ClientID: "wirestream-ingest"}
	}
	return &Kafka{w: w, maxBytes: cfg.MaxMessageBytes, timeout: cfg.Timeout}, nil
}

// Message builds the Kafka message for a: key = article id, value = the
// article JSON, headers schema_version, format, source and trace_id.
func Message(a *article.Article) (kafka.Message, error) {
	value, err := article.Marshal(a)
	if err != nil {
		return kafka.Message{}, fmt.Errorf("message for article %s: %w", a.ID, err)
	}
	return kafka.Message{
		Key:   []byte(a.ID),
		Value: value,
		Headers: []kafka.Header{
			{Key: article.HeaderSchemaVersion, Value: []byte(strconv.Itoa(a.SchemaVersion))},
			{Key: article.HeaderFormat, Value: []byte(a.Format)},
			{Key: article.HeaderSource, Value: []byte(a.Source)},
			{Key: article.HeaderTraceID, Value: []byte(a.TraceID)},
		},
	}, nil
}

// messageSize approximates the on-the-wire size of m as kafka-go counts it.
func messageSize(m kafka.Message) int {
	n := len(m.Key) + len(m.Value) + 32
	for _, h := range m.Headers {
		n += len(h.Key) + len(h.Value) + 8
	}
	return n
}

// Publish writes the articles and returns once Kafka has acknowledged all
// of them (acks=all), or an error. Articles without a trace id get one id
// shared by the call. On partial failure the error is an ItemErrors.
func (k *Kafka) Publish(ctx context.Context, articles []*article.Article) error {
	if len(articles) == 0 {
		return nil
	}
	StampTrace(articles, "")
	ctx, cancel := context.WithTimeout(ctx, k.timeout)
	defer cancel()

	items := make(ItemErrors, len(articles))
	msgs := make([]kafka.Message, 0, len(articles))
	index := make([]int, 0, len(articles)) // msgs[j] is articles[index[j]]
	for i, a := range articles {
		if a == nil {
			items[i] = fmt.Errorf("%w: nil article", ErrRejected)
			continue
		}
		m, err := Message(a)
		if err != nil {
			items[i] = fmt.Errorf("%w: %w", ErrRejected, err)
			continue
		}
		if size := messageSize(m); size > k.maxBytes {
			items[i] = fmt.Errorf("%w: article %s is %d bytes encoded, over the %d-byte limit", ErrTooLarge, a.ID, size, k.maxBytes)
			continue
		}
		msgs = append(msgs, m)
		index = append(index, i)
	}
	if len(msgs) > 0 {
		err := k.w.WriteMessages(ctx, msgs...)
		var werrs kafka.WriteErrors
		switch {
		case err == nil:
		case errors.As(err, &werrs) && len(werrs) == len(msgs):
			for j, e := range werrs {
				if e != nil {
					items[index[j]] = classify(ctx, e)
				}
			}
		default:
			e := classify(ctx, err)
			for _, i := range index {
				items[i] = e
			}
		}
	}
	if items.Failed() == 0 {
		return nil
	}
	return items
}

// classify wraps a kafka-go error in ErrRejected when retrying cannot help
// and in ErrUnavailable otherwise (network errors, timeouts, missing
// leaders, a missing topic). A cancelled caller context is passed through.
func classify(ctx context.Context, err error) error {
	if errors.Is(err, context.Canceled) && ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("publish cancelled: %w", err)
	}
	var kerr kafka.Error
	if errors.As(err, &kerr) {
		switch kerr {
		case kafka.MessageSizeTooLarge, kafka.RecordListTooLarge:
			return fmt.Errorf("%w: %w", ErrTooLarge, err)
		case kafka.InvalidMessage, kafka.InvalidRecord, kafka.InvalidMessageSize:
			return fmt.Errorf("%w: %w", ErrRejected, err)
		}
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Stats returns the writer's counters since the last call.
func (k *Kafka) Stats() kafka.WriterStats { return k.w.Stats() }

// Close flushes and closes the writer.
func (k *Kafka) Close() error {
	if err := k.w.Close(); err != nil {
		return fmt.Errorf("close kafka writer: %w", err)
	}
	return nil
}
