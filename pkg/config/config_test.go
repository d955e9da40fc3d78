package config

import (
	"bytes"
	"errors"
	"flag"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wirestream/wirestream/pkg/kafkaio"
)

// settings is a service-like configuration used by the tests.
type settings struct {
	Kafka   kafkaio.Config
	ES      Elasticsearch
	Admin   Admin
	Workers int
	Flush   time.Duration
}

func newTestSet(env map[string]string) (*Set, *settings) {
	var c settings
	s := NewSet("index")
	s.Lookup = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	KafkaFlags(s, &c.Kafka, "index")
	ElasticsearchFlags(s, &c.ES)
	AdminFlags(s, &c.Admin, ":9102")
	s.Section("Index")
	s.Int(&c.Workers, "workers", "INDEX_WORKERS", 4, "bulk workers")
	s.Duration(&c.Flush, "flush-interval", "INDEX_FLUSH_INTERVAL", time.Second, "bulk flush interval")
	return s, &c
}

func TestPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		brokers []string
		workers int
		flush   time.Duration
		tls     bool
	}{
		{"defaults", nil, nil, []string{"127.0.0.1:9092"}, 4, time.Second, false},
		{"environment", map[string]string{"KAFKA_BROKERS": "a:1, b:2", "INDEX_WORKERS": "8", "KAFKA_TLS": "true"}, nil,
			[]string{"a:1", "b:2"}, 8, time.Second, true},
		{"flag beats environment", map[string]string{"KAFKA_BROKERS": "a:1", "INDEX_FLUSH_INTERVAL": "5s"},
			[]string{"--kafka-brokers=c:3", "-flush-interval", "250ms", "--kafka-tls"}, []string{"c:3"}, 4, 250 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, c := newTestSet(tc.env)
			if err := s.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Kafka.Brokers, tc.brokers) || c.Workers != tc.workers || c.Flush != tc.flush || c.Kafka.TLS.Enable != tc.tls {
				t.Errorf("got brokers %v workers %d flush %v tls %v", c.Kafka.Brokers, c.Workers, c.Flush, c.Kafka.TLS.Enable)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"INDEX_WORKERS": "many"}, nil, `workers (from INDEX_WORKERS="many"): not an integer`},
		{map[string]string{"INDEX_FLUSH_INTERVAL": "1 hour"}, nil, "not a duration"},
		{map[string]string{"KAFKA_TLS": "yes please"}, nil, "not a boolean"},
		{map[string]string{"ELASTICSEARCH_PASSWORD": "x"}, nil, ""},
		{nil, []string{"--no-such-flag"}, "flag provided but not defined"},
	} {
		s, _ := newTestSet(tc.env)
		err := s.Parse(tc.args)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%v: %v", tc.env, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v %v: error %v, want %q", tc.env, tc.args, err, tc.want)
		}
	}
}

func TestSecretFromEnvironmentNotPrinted(t *testing.T) {
	s := NewSet("x")
	s.Lookup = func(k string) (string, bool) { return "hunter2", k == "PW" }
	var pw string
	s.Secret(&pw, "pw", "PW", "password")
	if err := s.Parse(nil); err != nil || pw != "hunter2" {
		t.Fatalf("pw %q err %v", pw, err)
	}
	var buf bytes.Buffer
	s.WriteUsage(&buf)
	if strings.Contains(buf.String()+s.Markdown(), "hunter2") {
		t.Error("secret value printed")
	}
}

func TestHelpAndMarkdown(t *testing.T) {
	s, _ := newTestSet(nil)
	var buf bytes.Buffer
	s.FlagSet().SetOutput(&buf)
	if err := s.Parse([]string{"-h"}); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	help := buf.String()
	for _, want := range []string{"--kafka-brokers  [$KAFKA_BROKERS]  (default 127.0.0.1:9092)", "--es-url  [$ELASTICSEARCH_URL]",
		"\nKafka:\n", "\nOperations:\n", "--workers  [$INDEX_WORKERS]  (default 4)", "--kafka-sasl-password  [$KAFKA_SASL_PASSWORD]\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	md := s.Markdown()
	for _, want := range []string{"#### Kafka\n\n| Flag | Environment | Default | Description |",
		"| `--admin-addr` | `WIRESTREAM_ADMIN_ADDR` | `:9102` |", "| `--kafka-sasl-password` | `KAFKA_SASL_PASSWORD` |  | SASL password |"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if n := len(s.Settings()); n != 19 {
		t.Errorf("%d settings registered", n)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"es ok", Elasticsearch{URL: "https://es:9200"}.Validate(), ""},
		{"es empty", Elasticsearch{}.Validate(), "es-url: empty"},
		{"es not a url", Elasticsearch{URL: "es:9200"}.Validate(), "es-url: \"es:9200\" is not a URL"},
		{"es password alone", Elasticsearch{URL: "http://es:9200", Password: "p"}.Validate(), "es-username: empty"},
		{"es missing ca", Elasticsearch{URL: "http://es:9200", CAFile: "/nonexistent/ca.pem"}.Validate(), "es-ca:"},
		{"admin ok", Admin{Addr: ":9090", LogLevel: "debug"}.Validate(), ""},
		{"admin bad addr", Admin{Addr: "9090", LogLevel: "info"}.Validate(), "admin-addr"},
		{"admin bad level", Admin{Addr: ":1", LogLevel: "chatty"}.Validate(), "log-level"},
		{"kafka empty", kafkaio.Config{}.Validate(), "kafka-brokers: empty"},
	} {
		if tc.want == "" {
			if tc.err != nil {
				t.Errorf("%s: %v", tc.name, tc.err)
			}
		} else if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, tc.err, tc.want)
		}
	}
}

func FuzzParseList(f *testing.F) {
	for _, s := range []string{"", "a:1", " a:1 , b:2 ,", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items := ParseList(s)
		for _, it := range items {
			if it == "" || strings.Contains(it, ",") || strings.TrimSpace(it) != it {
				t.Fatalf("item %q from %q", it, s)
			}
		}
		if again := ParseList(strings.Join(items, ",")); !slices.Equal(again, items) {
			t.Fatalf("not stable: %q -> %q", items, again)
		}
	})
}

func TestCheckDocumented(t *testing.T) {
	s := NewSet("demo")
	var v string
	s.String(&v, "colour", "DEMO_COLOUR", "blue", "the colour")
	if err := s.CheckDocumented("intro\n" + s.Markdown() + "outro"); err != nil {
		t.Errorf("documented set reported: %v", err)
	}
	if err := s.CheckDocumented("stale text"); err == nil {
		t.Error("stale documentation not reported")
	}
	s.String(&v, "shade", "DEMO_SHADE", "", "")
	if err := s.CheckDocumented(s.Markdown()); err == nil || !strings.Contains(err.Error(), "--shade has no description") {
		t.Errorf("missing description not reported: %v", err)
	}
}
