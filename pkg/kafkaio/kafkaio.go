// Package kafkaio builds kafka-go clients (dialer, transport, reader, writer,
// admin client) from one connection Config with optional TLS and SASL, and
// offers the few admin calls the services need: topic creation, a readiness
// ping, and consumer lag computed from the broker's committed and end offsets.
package kafkaio

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// TLS configures encrypted connections to the brokers.
type TLS struct {
	// Enable turns TLS on; the other fields are ignored otherwise.
	Enable bool
	// CAFile is a PEM bundle of the CAs to trust (system pool when empty).
	CAFile string
	// CertFile and KeyFile are the client certificate for mutual TLS.
	CertFile, KeyFile string
	// InsecureSkipVerify disables server certificate checks (tests only).
	InsecureSkipVerify bool
}

// SASL configures broker authentication.
type SASL struct {
	// Mechanism is "", "plain", "scram-sha-256" or "scram-sha-512".
	Mechanism string
	// Username and Password are the credentials.
	Username, Password string
}

// Config is how the services reach Kafka.
type Config struct {
	// Brokers are the bootstrap addresses, host:port.
	Brokers []string
	// ClientID names this client in broker logs and quotas.
	ClientID string
	// TLS and SASL are optional.
	TLS  TLS
	SASL SASL
}

// Validate reports the first problem with the configuration, naming the
// setting.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, errors.New("kafka-brokers: empty"))
	}
	for _, b := range c.Brokers {
		if i := strings.LastIndexByte(b, ':'); i <= 0 || i == len(b)-1 {
			errs = append(errs, fmt.Errorf("kafka-brokers: %q is not host:port", b))
		}
	}
	switch strings.ToLower(c.SASL.Mechanism) {
	case "":
	case "plain", "scram-sha-256", "scram-sha-512":
		if c.SASL.Username == "" {
			errs = append(errs, errors.New("kafka-sasl-username: empty while a SASL mechanism is set"))
		}
	default:
		errs = append(errs, fmt.Errorf("kafka-sasl-mechanism: %q is not plain, scram-sha-256 or scram-sha-512", c.SASL.Mechanism))
	}
	if (c.TLS.CertFile == "") != (c.TLS.KeyFile == "") {
		errs = append(errs, errors.New("kafka-tls-cert and kafka-tls-key: set both or neither"))
	}
	return errors.Join(errs...)
}

// tlsConfig returns the TLS settings, or nil when TLS is off.
func (c Config) tlsConfig() (*tls.Config, error) {
	if !c.TLS.Enable {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.TLS.InsecureSkipVerify} //nolint:gosec // opt-in for tests
	if c.TLS.CAFile != "" {
		pem, err := os.ReadFile(c.TLS.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kafka tls ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafka tls ca %s: no PEM certificate found", c.TLS.CAFile)
		}
		tc.RootCAs = pool
	}
	if c.TLS.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.TLS.CertFile, c.TLS.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafka tls client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// mechanism returns the SASL mechanism, or nil when SASL is off.
func (c Config) mechanism() (sasl.Mechanism, error) {
	switch strings.ToLower(c.SASL.Mechanism) {
	case "":
		return nil, nil
	case "plain":
		return plain.Mechanism{Username: c.SASL.Username, Password: c.SASL.Password}, nil
	case "scram-sha-256":
		m, err := scram.Mechanism(scram.SHA256, c.SASL.Username, c.SASL.Password)
		if err != nil {
			return nil, fmt.Errorf("kafka sasl scram-sha-256: %w", err)
		}
		return m, nil
	case "scram-sha-512":
		m, err := scram.Mechanism(scram.SHA512, c.SASL.Username, c.SASL.Password)
		if err != nil {
			return nil, fmt.Errorf("kafka sasl scram-sha-512: %w", err)
		}
		return m, nil
	default:
		return nil, fmt.Errorf("kafka sasl: unknown mechanism %q", c.SASL.Mechanism)
	}
}

// Dialer returns a dialer (used by readers) with the TLS and SASL settings.
func (c Config) Dialer() (*kafka.Dialer, error) {
	tc, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	mech, err := c.mechanism()
	if err != nil {
		return nil, err
	}
	return &kafka.Dialer{ClientID: c.ClientID, Timeout: 10 * time.Second, DualStack: true, TLS: tc, SASLMechanism: mech}, nil
}

// Transport returns a transport (used by writers and the admin client) with
// the TLS and SASL settings.
func (c Config) Transport() (*kafka.Transport, error) {
	tc, err := c.tlsConfig()
	if err != nil {
		return nil, err
	}
	mech, err := c.mechanism()
	if err != nil {
		return nil, err
	}
	return &kafka.Transport{ClientID: c.ClientID, DialTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second,
		MetadataTTL: 10 * time.Second, TLS: tc, SASL: mech}, nil
}

// Client returns an admin client on the first broker.
func (c Config) Client() (*kafka.Client, error) {
	if len(c.Brokers) == 0 {
		return nil, errors.New("kafka: no brokers configured")
	}
	tr, err := c.Transport()
	if err != nil {
		return nil, err
	}
	return &kafka.Client{Addr: kafka.TCP(c.Brokers...), Transport: tr, Timeout: 10 * time.Second}, nil
}

// NewReader returns a consumer-group reader for topic. Offsets are never
// committed implicitly: the caller commits with CommitMessages
// (CommitInterval 0 makes those commits synchronous). A group without a
// committed offset starts at the beginning of the topic.
func (c Config) NewReader(groupID, topic string) (*kafka.Reader, error) {
	d, err := c.Dialer()
	if err != nil {
		return nil, err
	}
	return kafka.NewReader(kafka.ReaderConfig{
		Brokers:               c.Brokers,
		GroupID:               groupID,
		Topic:                 topic,
		Dialer:                d,
		MinBytes:              1,
		MaxBytes:              10 << 20,
		MaxWait:               500 * time.Millisecond,
		ReadBackoffMin:        100 * time.Millisecond,
		ReadBackoffMax:        time.Second,
		CommitInterval:        0,
		StartOffset:           kafka.FirstOffset,
		HeartbeatInterval:     3 * time.Second,
		SessionTimeout:        30 * time.Second,
		RebalanceTimeout:      30 * time.Second,
		WatchPartitionChanges: true,
	}), nil
}

// NewWriter returns a synchronous writer that waits for every in-sync
// replica (acks=all) and spreads messages by key hash. topic may be empty,
// in which case each message names its own topic.
func (c Config) NewWriter(topic string) (*kafka.Writer, error) {
	tr, err := c.Transport()
	if err != nil {
		return nil, err
	}
	return &kafka.Writer{
		Addr:         kafka.TCP(c.Brokers...),
		Topic:        topic,
		Balancer:     &kafka.Hash{},
		RequiredAcks: kafka.RequireAll,
		MaxAttempts:  5,
		BatchTimeout: 5 * time.Millisecond,
		// A record batch must stay under the broker's message.max.bytes
		// (1,048,588 by default), framing included.
		BatchBytes:   1_000_000,
		WriteTimeout: 10 * time.Second,
		Transport:    tr,
	}, nil
}
