package kafkaio

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"
)

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string // substring of the error; empty for valid
	}{
		{"ok", Config{Brokers: []string{"127.0.0.1:9092"}}, ""},
		{"no brokers", Config{}, "kafka-brokers: empty"},
		{"no port", Config{Brokers: []string{"kafka"}}, `"kafka" is not host:port`},
		{"bad mechanism", Config{Brokers: []string{"k:1"}, SASL: SASL{Mechanism: "gssapi"}}, "kafka-sasl-mechanism"},
		{"sasl without user", Config{Brokers: []string{"k:1"}, SASL: SASL{Mechanism: "PLAIN"}}, "kafka-sasl-username"},
		{"scram ok", Config{Brokers: []string{"k:1"}, SASL: SASL{Mechanism: "scram-sha-512", Username: "u", Password: "p"}}, ""},
		{"cert without key", Config{Brokers: []string{"k:1"}, TLS: TLS{Enable: true, CertFile: "c.pem"}}, "set both or neither"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestMechanisms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""}, {"plain", "PLAIN"}, {"scram-sha-256", "SCRAM-SHA-256"}, {"SCRAM-SHA-512", "SCRAM-SHA-512"},
	} {
		c := Config{Brokers: []string{"k:1"}, SASL: SASL{Mechanism: tc.in, Username: "u", Password: "p"}}
		tr, err := c.Transport()
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		got := ""
		if tr.SASL != nil {
			got = tr.SASL.Name()
		}
		d, err := c.Dialer()
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want || (d.SASLMechanism == nil) != (tc.want == "") {
			t.Errorf("%q: transport mechanism %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTLS(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(bad, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Config{Brokers: []string{"k:1"}, TLS: TLS{Enable: true, CAFile: bad}}
	if _, err := c.Transport(); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("bad CA file: %v", err)
	}
	c.TLS.CAFile = filepath.Join(dir, "missing.pem")
	if _, err := c.Dialer(); err == nil {
		t.Error("missing CA file accepted")
	}
	c.TLS = TLS{Enable: true, InsecureSkipVerify: true}
	tr, err := c.Transport()
	if err != nil || tr.TLS == nil || !tr.TLS.InsecureSkipVerify {
		t.Errorf("tls transport %v %v", tr, err)
	}
	c.TLS.Enable = false
	if tr, _ := c.Transport(); tr.TLS != nil {
		t.Error("TLS set while disabled")
	}
}

func TestWriterDefaults(t *testing.T) {
	w, err := Config{Brokers: []string{"k:1"}, ClientID: "enrich"}.NewWriter("out")
	if err != nil {
		t.Fatal(err)
	}
	if w.RequiredAcks != kafka.RequireAll || w.Topic != "out" {
		t.Errorf("writer acks %v topic %q", w.RequiredAcks, w.Topic)
	}
	if _, ok := w.Balancer.(*kafka.Hash); !ok {
		t.Errorf("balancer %T", w.Balancer)
	}
}

func TestComputeLag(t *testing.T) {
	for _, tc := range []struct {
		name                    string
		first, end, com, expect map[int]int64
	}{
		{"committed", map[int]int64{0: 0, 1: 0}, map[int]int64{0: 10, 1: 5}, map[int]int64{0: 4, 1: 5}, map[int]int64{0: 6, 1: 0}},
		{"never committed uses first offset", map[int]int64{0: 3}, map[int]int64{0: 10}, map[int]int64{0: -1}, map[int]int64{0: 7}},
		{"missing partition in committed", map[int]int64{0: 0}, map[int]int64{0: 2}, map[int]int64{}, map[int]int64{0: 2}},
		{"never negative", map[int]int64{0: 0}, map[int]int64{0: 2}, map[int]int64{0: 9}, map[int]int64{0: 0}},
	} {
		if got := computeLag(tc.first, tc.end, tc.com); !maps.Equal(got, tc.expect) {
			t.Errorf("%s: lag %v, want %v", tc.name, got, tc.expect)
		}
	}
}
