#!/usr/bin/env bash
# `make bench`: micro-benchmarks, integration benchmarks against the local
# stack, and the end-to-end harness (cmd/wsbench), all in one run on one
# machine; the results are appended to BENCHMARKS.md.
# Expects KAFKA_BROKERS and ELASTICSEARCH_URL (make bench starts the stack).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.run/bench
mkdir -p "$out"
micro=$out/micro.txt
: >"$micro"

echo "bench: micro-benchmarks" >&2
go test -run '^$' -bench . -benchmem -benchtime 2s \
	./pkg/text ./pkg/ner ./pkg/entities ./pkg/quotes ./pkg/enrich \
	./pkg/ingest/formats ./pkg/ingest/textnorm ./pkg/pipeline | tee -a "$micro"

echo "bench: integration benchmarks (real Kafka and Elasticsearch)" >&2
go test -tags integration -run '^$' -bench 'IntegrationKafkaPublish' -benchtime 20x ./pkg/ingest/publish | tee -a "$micro"
go test -tags integration -run '^$' -bench 'IntegrationHTTPBatch' -benchtime 20x ./pkg/ingest/httpapi | tee -a "$micro"
go test -tags integration -run '^$' -bench 'IntegrationHTTPSingleLatency' -benchtime 1x ./pkg/ingest/httpapi | tee -a "$micro"
go test -tags integration -run '^$' -bench 'WriterVsDirect' -benchtime 20000x ./pkg/esindex | tee -a "$micro"

echo "bench: end-to-end harness" >&2
go run ./cmd/wsbench --micro "$micro" --out BENCHMARKS.md
