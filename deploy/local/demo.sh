#!/usr/bin/env bash
# deploy/local/demo.sh: the README's first command (`make demo`).
#
#   demo.sh up     stack up, the three services up, the sample stories in,
#                  a search printed; the services keep running afterwards
#   demo.sh down   stop the services the demo started (the stack stays: `make stack-down`)
#
# Binaries go to <repo>/.run/bin, service logs and pids to <repo>/.run/demo.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
BIN=$REPO_ROOT/.run/bin
DEMO=$REPO_ROOT/.run/demo
HTTP_ADDR=${WIRESTREAM_HTTP_ADDR:-127.0.0.1:8080}

say() { printf 'demo: %s\n' "$*" >&2; }
die() {
	printf 'demo: error: %s\n' "$*" >&2
	exit 1
}

# stop_services stops the services recorded in $DEMO/*.pid.
stop_services() {
	local f pid
	for f in "$DEMO"/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null || true
			for _ in $(seq 1 100); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
		rm -f "$f"
	done
}

# wait_ready NAME ADDR: wait until the service's /readyz answers 200.
wait_ready() {
	local name=$1 addr=$2
	for _ in $(seq 1 600); do
		if curl -fsS -o /dev/null "http://$addr/readyz" 2>/dev/null; then
			return 0
		fi
		if ! kill -0 "$(cat "$DEMO/$name.pid")" 2>/dev/null; then
			tail -n 30 "$DEMO/$name.log" >&2
			die "$name exited; log above"
		fi
		sleep 0.1
	done
	tail -n 30 "$DEMO/$name.log" >&2
	die "$name not ready after 60s"
}

start_service() {
	local name=$1 admin=$2
	shift 2
	nohup "$BIN/$name" serve --admin-addr "$admin" "$@" >"$DEMO/$name.log" 2>&1 &
	echo $! >"$DEMO/$name.pid"
	wait_ready "$name" "$admin"
	say "$name ready (admin http://$admin, log $DEMO/$name.log)"
}

up() {
	mkdir -p "$BIN" "$DEMO"
	say "starting the local stack (the first run downloads Kafka and Elasticsearch)"
	bash "$SCRIPT_DIR/stack.sh" up >/dev/null
	eval "$(bash "$SCRIPT_DIR/stack.sh" env)"
	say "building the services"
	(cd "$REPO_ROOT" && go build -o "$BIN/" ./cmd/ingest ./cmd/enrich ./cmd/index)
	stop_services
	"$BIN/index" setup >/dev/null
	start_service ingest 127.0.0.1:8081 --http-addr "$HTTP_ADDR"
	start_service enrich 127.0.0.1:8082
	start_service index 127.0.0.1:8083

	say "posting the sample stories from examples/stories (one batch request per file)"
	local f code accepted
	for f in "$REPO_ROOT"/examples/stories/*; do
		case "$f" in *.md) continue ;; esac
		code=$(curl -sS -o "$DEMO/last-response.json" -w '%{http_code}' --data-binary "@$f" \
			"http://$HTTP_ADDR/v1/articles:batch?source=demo")
		accepted=$(grep -o '"accepted":[0-9]*' "$DEMO/last-response.json" | cut -d: -f2)
		printf '  %-40s HTTP %s, %s accepted\n' "$(basename "$f")" "$code" "${accepted:-0}" >&2
	done
	say "waiting for the stories to be enriched and indexed"
	local count=0 last=-1 stable=0
	for _ in $(seq 1 120); do
		count=$("$BIN/index" count 2>/dev/null || echo 0)
		if [ "$count" -gt 0 ] && [ "$count" -eq "$last" ]; then
			stable=$((stable + 1))
			[ "$stable" -ge 6 ] && break
		else
			stable=0
		fi
		last=$count
		sleep 0.5
	done
	say "$count stories searchable; searching for quotes by speaker"
	echo
	"$BIN/index" search --speaker "Ellen Marsh"
	echo
	"$BIN/index" search "grain"
	echo
	say "the services keep running: try  $BIN/index search --person NAME WORDS"
	say "stop them with  make demo-down ; stop the stack with  make stack-down"
}

case "${1:-up}" in
up) up ;;
down) stop_services ;;
*) die "usage: demo.sh up|down" ;;
esac
