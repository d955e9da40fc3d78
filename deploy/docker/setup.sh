#!/usr/bin/env bash
# One-shot setup for docker-compose.yml: waits for Kafka and Elasticsearch,
# creates the pipeline's topics, installs the index templates and aliases,
# then imports the Kibana objects. Idempotent: safe to run on every `up`.
set -euo pipefail
: "${KAFKA_BROKERS:?}" "${ELASTICSEARCH_URL:?}"
KIBANA_URL=${KIBANA_URL:-http://kibana:5601}

stackctl kafka-ready -brokers "$KAFKA_BROKERS" -timeout 180s
echo "setup: topics $(stackctl kafka-topics -brokers "$KAFKA_BROKERS" -timeout 60s)"
stackctl es-ready -url "$ELASTICSEARCH_URL" -timeout 300s
index setup
echo "setup: Elasticsearch templates and aliases installed"

import=/app/deploy/kibana/import.sh
if [ -x "$import" ]; then
	for _ in $(seq 1 120); do
		curl -fsS "$KIBANA_URL/api/status" >/dev/null 2>&1 && break
		sleep 2
	done
	KIBANA_URL=$KIBANA_URL "$import"
	echo "setup: Kibana objects imported"
else
	echo "setup: no $import yet, Kibana import skipped"
fi
