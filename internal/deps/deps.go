package deps

import (
	_ "github.com/elastic/go-elasticsearch/v8"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/segmentio/kafka-go"
	_ "go.uber.org/zap"
	_ "golang.org/x/net/html"
	_ "golang.org/x/text/unicode/norm"
	_ "gopkg.in/yaml.v3"
)
