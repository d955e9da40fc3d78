// Package stacktest holds the integration tests of the local stack's plumbing
// (build tag integration): Kafka consumer groups resume from committed
// offsets, and Elasticsearch applies index templates, bulk-indexes and
// searches. They run against the stack that deploy/local/stack.sh starts
// (`make integration`).
package stacktest
