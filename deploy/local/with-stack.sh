#!/usr/bin/env bash
# deploy/local/with-stack.sh CMD [ARGS...]: run CMD with KAFKA_BROKERS and
# ELASTICSEARCH_URL pointing at a local stack.
#
# - Both variables already set: CMD runs against them; no stack is touched.
# - A stack of this run folder is already up (even partly): it is used
#   (missing parts restarted) and left running afterwards.
# - Otherwise: `stack.sh up`, CMD, then `stack.sh down`, also when CMD fails
#   or is interrupted.
# The exit code is CMD's (or 1 when the stack cannot be brought up).
set -euo pipefail

stack=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/stack.sh
[ $# -gt 0 ] || {
	echo "usage: with-stack.sh CMD [ARGS...]" >&2
	exit 2
}

if [ -n "${KAFKA_BROKERS:-}" ] && [ -n "${ELASTICSEARCH_URL:-}" ]; then
	echo "with-stack: using KAFKA_BROKERS=$KAFKA_BROKERS ELASTICSEARCH_URL=$ELASTICSEARCH_URL from the environment" >&2
	exec "$@"
fi

if "$stack" env >/dev/null 2>&1; then
	echo "with-stack: using the stack that is already up (left running)" >&2
else
	trap 'echo "with-stack: taking the stack down" >&2; "$stack" down || echo "with-stack: stack down failed" >&2' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
fi
"$stack" up >/dev/null

# Keep a variable the caller set; take the rest from the stack.
keep_kafka=${KAFKA_BROKERS:-} keep_es=${ELASTICSEARCH_URL:-}
eval "$("$stack" env)"
export KAFKA_BROKERS=${keep_kafka:-$KAFKA_BROKERS} ELASTICSEARCH_URL=${keep_es:-$ELASTICSEARCH_URL}
echo "with-stack: KAFKA_BROKERS=$KAFKA_BROKERS ELASTICSEARCH_URL=$ELASTICSEARCH_URL" >&2

set +e
"$@"
rc=$?
set -e
exit $rc
