package obs

import (
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics holds the Prometheus metrics of one service on a private registry
// (so tests can create as many as they like). All names are prefixed
// wirestream_, except kafka_consumergroup_lag which follows kafka_exporter.
// The counting methods also keep process-wide totals for Summary.
type Metrics struct {
	// Registry is the registry every metric below is registered on; it
	// also carries the Go and process collectors.
	Registry *prometheus.Registry

	MessagesIn        *prometheus.CounterVec   // wirestream_messages_in_total{topic}
	MessagesOut       *prometheus.CounterVec   // wirestream_messages_out_total{topic}
	MessagesFailed    *prometheus.CounterVec   // wirestream_messages_failed_total{topic}: transient failures (retried)
	DeadLettered      *prometheus.CounterVec   // wirestream_messages_dead_lettered_total{topic}
	ProcessingSeconds *prometheus.HistogramVec // wirestream_processing_seconds{topic}: fetch to ack
	BulkSize          prometheus.Histogram     // wirestream_bulk_size: documents per bulk request
	BulkRetries       prometheus.Counter       // wirestream_bulk_retries_total
	InFlight          prometheus.Gauge         // wirestream_in_flight_messages
	Paused            prometheus.Gauge         // wirestream_paused: 1 while fetching is paused
	CommitErrors      prometheus.Counter       // wirestream_commit_errors_total
	ConsumerLag       *prometheus.GaugeVec     // kafka_consumergroup_lag{consumergroup,topic,partition}

	in, out, failed, dead atomic.Int64
	lag                   atomic.Int64
}

// NewMetrics creates and registers the metrics. service becomes a constant
// label service on every wirestream_ metric.
func NewMetrics(service string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	cl := prometheus.Labels{"service": service}
	m := &Metrics{
		Registry: reg,
		MessagesIn: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wirestream_messages_in_total",
			Help: "Messages fetched from Kafka.", ConstLabels: cl}, []string{"topic"}),
		MessagesOut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wirestream_messages_out_total",
			Help: "Messages written to their destination and acknowledged.", ConstLabels: cl}, []string{"topic"}),
		MessagesFailed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wirestream_messages_failed_total",
			Help: "Transient processing failures (the message is retried).", ConstLabels: cl}, []string{"topic"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "wirestream_messages_dead_lettered_total",
			Help: "Messages sent to the dead-letter topic.", ConstLabels: cl}, []string{"topic"}),
		ProcessingSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "wirestream_processing_seconds",
			Help: "Time from fetch to final acknowledgement.", ConstLabels: cl,
			Buckets: prometheus.ExponentialBuckets(0.001, 2.5, 12)}, []string{"topic"}),
		BulkSize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "wirestream_bulk_size",
			Help: "Documents per bulk request.", ConstLabels: cl,
			Buckets: prometheus.ExponentialBuckets(1, 2, 13)}),
		BulkRetries: prometheus.NewCounter(prometheus.CounterOpts{Name: "wirestream_bulk_retries_total",
			Help: "Bulk requests or items retried.", ConstLabels: cl}),
		InFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wirestream_in_flight_messages",
			Help: "Fetched messages not yet acknowledged.", ConstLabels: cl}),
		Paused: prometheus.NewGauge(prometheus.GaugeOpts{Name: "wirestream_paused",
			Help: "1 while fetching is paused.", ConstLabels: cl}),
		CommitErrors: prometheus.NewCounter(prometheus.CounterOpts{Name: "wirestream_commit_errors_total",
			Help: "Offset commits that failed (for example after a rebalance).", ConstLabels: cl}),
		ConsumerLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "kafka_consumergroup_lag",
			Help: "Partition end offset minus the group's committed offset."}, []string{"consumergroup", "topic", "partition"}),
	}
	reg.MustRegister(m.MessagesIn, m.MessagesOut, m.MessagesFailed, m.DeadLettered, m.ProcessingSeconds,
		m.BulkSize, m.BulkRetries, m.InFlight, m.Paused, m.CommitErrors, m.ConsumerLag)
	return m
}

// In counts a fetched message. A nil *Metrics ignores every call.
func (m *Metrics) In(topic string) {
	if m != nil {
		m.MessagesIn.WithLabelValues(topic).Inc()
		m.in.Add(1)
	}
}

// Out counts a message delivered and acknowledged.
func (m *Metrics) Out(topic string) {
	if m != nil {
		m.MessagesOut.WithLabelValues(topic).Inc()
		m.out.Add(1)
	}
}

// Failed counts a transient failure.
func (m *Metrics) Failed(topic string) {
	if m != nil {
		m.MessagesFailed.WithLabelValues(topic).Inc()
		m.failed.Add(1)
	}
}

// DeadLetter counts a message sent to the dead-letter topic.
func (m *Metrics) DeadLetter(topic string) {
	if m != nil {
		m.DeadLettered.WithLabelValues(topic).Inc()
		m.dead.Add(1)
	}
}

// SetLag records the lag of every partition of topic for group and keeps the
// total for Summary.
func (m *Metrics) SetLag(group, topic string, lag map[int]int64) {
	if m == nil {
		return
	}
	var total int64
	for p, l := range lag {
		m.ConsumerLag.WithLabelValues(group, topic, strconv.Itoa(p)).Set(float64(l))
		total += l
	}
	m.lag.Store(total)
}

// Totals is a snapshot of the process-wide counters.
type Totals struct {
	In, Out, Failed, DeadLettered, Lag int64
}

// Totals returns the counters summed over topics since start.
func (m *Metrics) Totals() Totals {
	if m == nil {
		return Totals{}
	}
	return Totals{In: m.in.Load(), Out: m.out.Load(), Failed: m.failed.Load(), DeadLettered: m.dead.Load(), Lag: m.lag.Load()}
}
