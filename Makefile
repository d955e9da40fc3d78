# Wirestream. `make test` is what CI runs (.ci/run); `make help` lists targets.
#
# The local stack (Kafka + Elasticsearch on 127.0.0.1, no Docker) is run by
# deploy/local/stack.sh; `eval "$$(make -s stack-env)"` exports its addresses.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO ?= go
STACK := deploy/local/stack.sh
WITH_STACK := deploy/local/with-stack.sh
UNIT_FLAGS ?=
# -p 1: the packages share one stack, and fault tests (pkg/e2e) stop and
# restart its components, which must not happen under another package's tests.
INTEGRATION_FLAGS ?= -race -p 1 -tags integration -run '^TestIntegration' -count=1 -timeout 15m

# CI lays the shared research material beside the repository: when it is
# there, tests that need it must fail rather than skip.
ifneq ($(wildcard ../shared),)
test: export WIRESTREAM_REQUIRE_SHARED := 1
endif

.PHONY: help build unit integration test fmt vet \
	stack-up stack-down stack-status stack-env es-stop es-start kafka-stop kafka-start \
	demo demo-down model eval docs bench

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- build and test

build: ## compile every package and command
	$(GO) build ./...

unit: ## unit tests (no stack needed)
	$(GO) test $(UNIT_FLAGS) ./...

# The packages that have integration tests (files tagged `integration`); the
# end-to-end package runs last because its fault test restarts Elasticsearch.
INTEGRATION_PKGS = $(shell grep -rl --include='*_test.go' '^//go:build integration' pkg cmd deploy 2>/dev/null \
	| xargs -r -n1 dirname | sort -u | grep -v '^pkg/e2e$$' | sed 's|^|./|') ./pkg/e2e

integration: ## integration tests against the local stack (started and stopped here unless KAFKA_BROKERS and ELASTICSEARCH_URL are set)
	$(WITH_STACK) env WIRESTREAM_REQUIRE_STACK=1 $(GO) test $(INTEGRATION_FLAGS) $(INTEGRATION_PKGS)

test: ## go vet, unit tests, then integration tests: what CI runs
	$(GO) vet ./...
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration

vet: ## go vet, with and without the integration tag
	$(GO) vet ./...
	$(GO) vet -tags integration ./...

fmt: ## gofmt every Go file
	gofmt -l -w $$(git ls-files '*.go')

# ---------------------------------------------------------------- local stack

stack-up: ## start Kafka and Elasticsearch on 127.0.0.1 (idempotent) and print their addresses
	$(STACK) up

stack-down: ## stop the local stack and remove its data
	$(STACK) down

stack-status: ## report the local stack
	$(STACK) status

stack-env: ## print the export lines: eval "$(make -s stack-env)"
	@$(STACK) env

es-stop: ## stop Elasticsearch only (data and port kept), for fault tests
	$(STACK) es-stop

es-start: ## start Elasticsearch again on the same port
	$(STACK) es-start

kafka-stop: ## stop Kafka only (data and port kept), for fault tests
	$(STACK) kafka-stop

kafka-start: ## start Kafka again on the same ports
	$(STACK) kafka-start

# ---------------------------------------------------------------- demo

demo: ## the README's first command: stack up, services up, sample stories in, a search printed
	deploy/local/demo.sh up

demo-down: ## stop the services the demo started (the stack stays up: make stack-down)
	deploy/local/demo.sh down

# ---------------------------------------------------------------- model

SHARED ?= ../shared

model: ## retrain the entity tagger from $(SHARED)/data/conll2003 (deterministic) into pkg/ner/model
	$(GO) run ./cmd/nertrain -train $(SHARED)/data/conll2003/train.txt -dev $(SHARED)/data/conll2003/valid.txt -out pkg/ner/model/ner.model
	$(GO) run ./cmd/enrich eval-ner <($(GO) run ./cmd/enrich conll < $(SHARED)/data/conll2003/valid.txt)

eval: ## score the shipped models on the dev sets (CoNLL-2003 valid, PolNeAR dev)
	mkdir -p .run
	$(GO) run ./cmd/enrich conll < $(SHARED)/data/conll2003/valid.txt > .run/valid.tagged
	$(GO) run ./cmd/enrich eval-ner .run/valid.tagged
	$(GO) run ./cmd/enrich eval-quotes $(SHARED)/data/polnear/dev

docs: ## regenerate docs/configuration.md from the services' flags
	scripts/gen-config-doc.sh

# ---------------------------------------------------------------- bench

bench: ## micro, integration and end-to-end benchmarks in one run (stack started if needed); appends to BENCHMARKS.md
	$(WITH_STACK) scripts/bench.sh
