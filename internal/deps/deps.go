package deps
import (
 _ "github.com/segmentio/kafka-go"
 _ "github.com/elastic/go-elasticsearch/v8"
 _ "go.uber.org/zap"
 _ "golang.org/x/text/unicode/norm"
 _ "golang.org/x/net/html"
 _ "github.com/prometheus/client_golang/prometheus"
 _ "gopkg.in/yaml.v3"
)
