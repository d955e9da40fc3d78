// Package e2e holds the end-to-end tests of the whole pipeline: the three
// service binaries are built and run as real processes against the real
// Kafka broker and Elasticsearch node of the local stack, stories are posted
// to ingest's HTTP API, and Elasticsearch is checked for the enriched
// documents. The fault test kills and restarts services and Elasticsearch
// while stories flow and then checks that every story arrived exactly once.
//
// The tests are tagged `integration` and run from `make test` after the
// other packages, because the fault test stops the shared Elasticsearch node.
package e2e
