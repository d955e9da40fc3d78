#!/usr/bin/env bash
# deploy/kibana/import.sh: import Wirestream's Kibana saved objects (data
# view, saved searches, visualizations, dashboard) from saved_objects.ndjson.
#
#   KIBANA_URL       Kibana base URL (default http://localhost:5601)
#   KIBANA_AUTH      optional user:password for basic authentication
#   KIBANA_TIMEOUT   seconds to wait for Kibana to report available (default 180)
#   WIRESTREAM_READ_ALIAS  data view title when the index layout uses another
#                    prefix (default wirestream-articles-read)
#
# Safe to run again: objects keep fixed ids and are imported with
# overwrite=true. Exits non-zero when Kibana never came up or refused an object.
set -euo pipefail

KIBANA_URL=${KIBANA_URL:-http://localhost:5601}
KIBANA_URL=${KIBANA_URL%/}
TIMEOUT=${KIBANA_TIMEOUT:-180}
ALIAS=${WIRESTREAM_READ_ALIAS:-wirestream-articles-read}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/saved_objects.ndjson

auth=()
if [ -n "${KIBANA_AUTH:-}" ]; then
	auth=(-u "$KIBANA_AUTH")
fi

# Wait until Kibana's status API answers 200 (it answers 503 while starting).
deadline=$((SECONDS + TIMEOUT))
until curl -fsS -o /dev/null "${auth[@]}" "$KIBANA_URL/api/status"; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "import.sh: Kibana at $KIBANA_URL not available after ${TIMEOUT}s" >&2
		exit 1
	fi
	sleep 3
done

file=$SRC
if [ "$ALIAS" != "wirestream-articles-read" ]; then
	file=$(mktemp --suffix=.ndjson)
	trap 'rm -f "$file"' EXIT
	sed "s/\"title\":\"wirestream-articles-read\"/\"title\":\"$ALIAS\"/" "$SRC" >"$file"
fi

answer=$(curl -sS "${auth[@]}" -X POST "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
	-H 'kbn-xsrf: true' --form "file=@$file")
case $answer in
*'"success":true'*)
	echo "import.sh: imported $(grep -c . "$file") saved objects into $KIBANA_URL"
	;;
*)
	echo "import.sh: Kibana refused the import: $answer" >&2
	exit 1
	;;
esac
