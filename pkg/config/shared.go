package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"

	"github.com/wirestream/wirestream/pkg/kafkaio"
	"github.com/wirestream/wirestream/pkg/obs"
)

// KafkaFlags registers the Kafka connection settings into c (section "Kafka").
// Validate with c.Validate().
func KafkaFlags(s *Set, c *kafkaio.Config, clientID string) {
	s.Section("Kafka")
	s.List(&c.Brokers, "kafka-brokers", "KAFKA_BROKERS", []string{"127.0.0.1:9092"}, "Kafka bootstrap brokers, comma-separated host:port")
	s.String(&c.ClientID, "kafka-client-id", "KAFKA_CLIENT_ID", clientID, "client id sent to the brokers")
	s.Bool(&c.TLS.Enable, "kafka-tls", "KAFKA_TLS", false, "connect to the brokers over TLS")
	s.String(&c.TLS.CAFile, "kafka-tls-ca", "KAFKA_TLS_CA_FILE", "", "PEM file of CAs to trust (system pool when empty)")
	s.String(&c.TLS.CertFile, "kafka-tls-cert", "KAFKA_TLS_CERT_FILE", "", "PEM client certificate for mutual TLS")
	s.String(&c.TLS.KeyFile, "kafka-tls-key", "KAFKA_TLS_KEY_FILE", "", "PEM client key for mutual TLS")
	s.Bool(&c.TLS.InsecureSkipVerify, "kafka-tls-insecure", "KAFKA_TLS_INSECURE_SKIP_VERIFY", false, "skip broker certificate verification (tests only)")
	s.String(&c.SASL.Mechanism, "kafka-sasl-mechanism", "KAFKA_SASL_MECHANISM", "", "SASL mechanism: plain, scram-sha-256 or scram-sha-512 (none when empty)")
	s.String(&c.SASL.Username, "kafka-sasl-username", "KAFKA_SASL_USERNAME", "", "SASL user name")
	s.Secret(&c.SASL.Password, "kafka-sasl-password", "KAFKA_SASL_PASSWORD", "SASL password")
}

// Elasticsearch holds the Elasticsearch connection settings.
type Elasticsearch struct {
	URL, APIKey, Username, Password, CAFile string
}

// ElasticsearchFlags registers the Elasticsearch settings into c (section
// "Elasticsearch").
func ElasticsearchFlags(s *Set, c *Elasticsearch) {
	s.Section("Elasticsearch")
	s.String(&c.URL, "es-url", "ELASTICSEARCH_URL", "http://127.0.0.1:9200", "Elasticsearch base URL")
	s.Secret(&c.APIKey, "es-api-key", "ELASTICSEARCH_API_KEY", "API key (base64 id:key); takes precedence over user/password")
	s.String(&c.Username, "es-username", "ELASTICSEARCH_USERNAME", "", "basic-auth user name")
	s.Secret(&c.Password, "es-password", "ELASTICSEARCH_PASSWORD", "basic-auth password")
	s.String(&c.CAFile, "es-ca", "ELASTICSEARCH_CA_FILE", "", "PEM file of CAs to trust for https")
}

// Validate names every problem with the settings.
func (c Elasticsearch) Validate() error {
	var errs []error
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		errs = append(errs, errors.New("es-url: empty"))
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		errs = append(errs, fmt.Errorf("es-url: %q is not a URL (want http(s)://host:port)", c.URL))
	}
	if c.Password != "" && c.Username == "" {
		errs = append(errs, errors.New("es-username: empty while es-password is set"))
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			errs = append(errs, fmt.Errorf("es-ca: %w", err))
		}
	}
	return errors.Join(errs...)
}

// Admin holds the admin server and logging settings.
type Admin struct {
	// Addr is the admin HTTP listen address.
	Addr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
}

// AdminFlags registers the admin settings into c (section "Operations");
// defaultAddr differs per service so they can share a host.
func AdminFlags(s *Set, c *Admin, defaultAddr string) {
	s.Section("Operations")
	s.String(&c.Addr, "admin-addr", "WIRESTREAM_ADMIN_ADDR", defaultAddr, "listen address of the admin server (/metrics, /healthz, /readyz, /loglevel)")
	s.String(&c.LogLevel, "log-level", "WIRESTREAM_LOG_LEVEL", "info", "log level: debug, info, warn or error (changeable at run time on /loglevel)")
}

// Validate names every problem with the settings.
func (c Admin) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("admin-addr: %q is not host:port or :port", c.Addr))
	}
	if _, err := obs.ParseLevel(c.LogLevel); err != nil {
		errs = append(errs, fmt.Errorf("log-level: %w", err))
	}
	return errors.Join(errs...)
}
