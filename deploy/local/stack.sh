#!/usr/bin/env bash
# deploy/local/stack.sh: run the local stack, Apache Kafka (KRaft, one combined
# broker+controller) and Elasticsearch (one node), on 127.0.0.1 without Docker.
#
#   stack.sh up                    fetch (once), start, wait until ready, create topics, print env
#   stack.sh down                  stop what `up` started, remove its data (logs stay)
#   stack.sh status                report each component; exit 0 only when both are up and answering
#   stack.sh env                   print `export KAFKA_BROKERS=...` and `export ELASTICSEARCH_URL=...`
#   stack.sh es-stop | es-start    stop / start Elasticsearch only, keeping data and port
#   stack.sh kafka-stop | kafka-start
#   stack.sh fetch                 only download and unpack (warms the cache)
#
# Everything comes from Maven Central through mvn and is cached in
# $WIRESTREAM_CACHE (default ~/.cache/wirestream). State (ports, pids, config,
# Kafka data, logs) lives in $WIRESTREAM_RUN_DIR (default <repo>/.run/stack).
# Elasticsearch refuses to run as root, so when run as root it runs as the
# system user $WIRESTREAM_ES_USER (default wirestream-es, created if missing),
# with its distribution, config and data under $WIRESTREAM_ES_BASE (default
# /var/tmp/wirestream-stack), a place that user can reach.
#
# Other settings: WIRESTREAM_JAVA_HOME (a JDK 17-21; found automatically
# otherwise), WIRESTREAM_KAFKA_TIMEOUT and WIRESTREAM_ES_TIMEOUT (seconds to
# wait for readiness, default 120 and 180), WIRESTREAM_KAFKA_HEAP and
# WIRESTREAM_ES_HEAP (default 512m each).
set -euo pipefail

KAFKA_VERSION=4.3.1
# Kafka's tree brings log4j-core 2.25.4 and slf4j-api 1.7.36, so the SLF4J
# binding is log4j-slf4j-impl (the SLF4J 1.x one) of the same log4j version.
LOG4J_VERSION=2.25.4
ES_VERSION=8.19.21
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
CLUSTER_NAME=wirestream-local

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
CACHE_DIR=${WIRESTREAM_CACHE:-${HOME:-/root}/.cache/wirestream}
RUN_DIR=${WIRESTREAM_RUN_DIR:-$REPO_ROOT/.run/stack}
KAFKA_TIMEOUT=${WIRESTREAM_KAFKA_TIMEOUT:-120}
ES_TIMEOUT=${WIRESTREAM_ES_TIMEOUT:-180}
KAFKA_HEAP=${WIRESTREAM_KAFKA_HEAP:-512m}
ES_HEAP=${WIRESTREAM_ES_HEAP:-512m}
ES_USER=${WIRESTREAM_ES_USER:-wirestream-es}
if [ "$(id -u)" -eq 0 ]; then
	ES_BASE=${WIRESTREAM_ES_BASE:-/var/tmp/wirestream-stack}
else
	ES_BASE=${WIRESTREAM_ES_BASE:-/var/tmp/wirestream-stack-$(id -un)}
fi

mkdir -p "$RUN_DIR" "$CACHE_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd -P)
CACHE_DIR=$(cd "$CACHE_DIR" && pwd -P)
LOG_DIR=$RUN_DIR/logs
STATE=$RUN_DIR/state.env
KAFKA_DIR=$RUN_DIR/kafka
KAFKA_PIDFILE=$RUN_DIR/kafka.pid
ES_PIDFILE=$RUN_DIR/elasticsearch.pid
KAFKA_LIBS=$CACHE_DIR/kafka-$KAFKA_VERSION/libs
ES_ZIP=$CACHE_DIR/elasticsearch-$ES_VERSION.zip
ES_HOME=$ES_BASE/dist/elasticsearch-$ES_VERSION
# One Elasticsearch instance folder per run folder.
ES_INST=$ES_BASE/inst-$(printf '%s' "$RUN_DIR" | sha1sum | cut -c1-12)
STACKCTL=$RUN_DIR/bin/stackctl

say() { printf 'stack: %s\n' "$*" >&2; }
die() {
	printf 'stack: error: %s\n' "$*" >&2
	exit 1
}

# tail_log FILE...: print the last lines of each existing file, for errors.
tail_log() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		printf -- '--- last lines of %s ---\n' "$f" >&2
		tail -n 40 "$f" >&2 || true
	done
}

# ---------------------------------------------------------------- Java

java_major() { # JAVA_HOME -> major version, or nothing
	"$1/bin/java" -XshowSettings:properties -version 2>&1 |
		awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# find_java sets JAVA_HOME to a JDK Kafka 4.x and Elasticsearch 8.x both run on
# (17 to 21, 17 preferred). WIRESTREAM_JAVA_HOME is taken as given.
find_java() {
	if [ -n "${WIRESTREAM_JAVA_HOME:-}" ]; then
		[ -x "$WIRESTREAM_JAVA_HOME/bin/java" ] || die "WIRESTREAM_JAVA_HOME=$WIRESTREAM_JAVA_HOME has no bin/java"
		JAVA_HOME=$WIRESTREAM_JAVA_HOME
		return
	fi
	local c m onpath=""
	if command -v java >/dev/null 2>&1; then
		onpath=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
	fi
	for c in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17* "${JAVA_HOME:-}" \
		/usr/lib/jvm/java-21-openjdk-* /usr/lib/jvm/temurin-21* "$onpath" /usr/lib/jvm/*; do
		[ -n "$c" ] && [ -x "$c/bin/java" ] || continue
		m=$(java_major "$c")
		if [ -n "$m" ] && [ "$m" -ge 17 ] && [ "$m" -le 21 ]; then
			JAVA_HOME=$(readlink -f "$c")
			return
		fi
	done
	die "no JDK 17-21 found (looked in /usr/lib/jvm, JAVA_HOME and PATH); install openjdk-17-jdk-headless or set WIRESTREAM_JAVA_HOME"
}

# ---------------------------------------------------------------- fetching

# fetch_kafka copies kafka_2.13 and its runtime tree, plus the log4j SLF4J
# binding, from Maven Central into the cache (once).
fetch_kafka() {
	local dir=$CACHE_DIR/kafka-$KAFKA_VERSION
	[ -f "$dir/.complete" ] && return
	command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
	say "fetching Kafka $KAFKA_VERSION from Maven Central into $dir"
	local t0=$SECONDS
	rm -rf "$dir" && mkdir -p "$dir" "$LOG_DIR"
	cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.wirestream</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>$LOG4J_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$LOG4J_VERSION</version></dependency>
  </dependencies>
</project>
EOF
	if ! mvn -B -f "$dir/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
		-DincludeScope=runtime -DoutputDirectory="$dir/libs" >"$LOG_DIR/fetch-kafka.log" 2>&1; then
		tail_log "$LOG_DIR/fetch-kafka.log"
		die "fetching Kafka failed (full log: $LOG_DIR/fetch-kafka.log)"
	fi
	ls "$dir"/libs/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "Kafka jar missing after fetch"
	touch "$dir/.complete"
	say "fetched Kafka in $((SECONDS - t0))s ($(du -sh "$dir/libs" | cut -f1))"
}

fetch_es() {
	[ -f "$ES_ZIP" ] && return
	command -v mvn >/dev/null || die "mvn not found (apt-get install maven)"
	say "fetching Elasticsearch $ES_VERSION from Maven Central into $CACHE_DIR"
	local t0=$SECONDS tmp=$CACHE_DIR/es-fetch.$$
	mkdir -p "$tmp" "$LOG_DIR"
	if ! (cd "$tmp" && mvn -B "$DEPENDENCY_PLUGIN:copy" \
		-Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
		-DoutputDirectory="$tmp") >"$LOG_DIR/fetch-es.log" 2>&1; then
		rm -rf "$tmp"
		tail_log "$LOG_DIR/fetch-es.log"
		die "fetching Elasticsearch failed (full log: $LOG_DIR/fetch-es.log)"
	fi
	mv "$tmp/elasticsearch-$ES_VERSION.zip" "$ES_ZIP"
	rm -rf "$tmp"
	say "fetched Elasticsearch in $((SECONDS - t0))s ($(du -sh "$ES_ZIP" | cut -f1))"
}

# unzip_to ZIP DIR: unzip, or Python's zipfile, or the JDK's jar tool.
unzip_to() {
	if command -v unzip >/dev/null; then
		unzip -q "$1" -d "$2"
	elif command -v python3 >/dev/null; then
		python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
	else
		(cd "$2" && "$JAVA_HOME/bin/jar" xf "$1")
	fi
}

# unpack_es unpacks the distribution once into $ES_HOME, readable by everyone
# (the Elasticsearch user only reads it).
unpack_es() {
	[ -f "$ES_HOME/.complete" ] && return
	mkdir -p "$ES_BASE/dist"
	chmod 755 "$ES_BASE" "$ES_BASE/dist"
	(
		flock -w 300 8 || die "timed out waiting for $ES_BASE/dist/.lock"
		[ -f "$ES_HOME/.complete" ] && exit 0
		local tmp=$ES_BASE/dist/unpack.$$
		rm -rf "$tmp" "$ES_HOME" && mkdir -p "$tmp"
		unzip_to "$ES_ZIP" "$tmp" || die "cannot unpack $ES_ZIP"
		chmod -R a+rX "$tmp" && chmod a+x "$tmp/elasticsearch-$ES_VERSION"/bin/*
		mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME" && rmdir "$tmp"
		touch "$ES_HOME/.complete"
	) 8>"$ES_BASE/dist/.lock"
}

build_stackctl() {
	command -v go >/dev/null || die "go not found"
	mkdir -p "$RUN_DIR/bin"
	(cd "$REPO_ROOT" && go build -o "$STACKCTL" ./deploy/local/stackctl) ||
		die "cannot build deploy/local/stackctl"
}

# ---------------------------------------------------------------- processes

proc_starttime() { # PID -> start time in clock ticks since boot (field 22 of stat)
	sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'
}

# pid_ours PIDFILE MARKER: the recorded process is alive, is the same process
# (same start time) and its command line contains MARKER.
pid_ours() {
	local pid st state
	[ -f "$1" ] || return 1
	read -r pid st <"$1" || return 1
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
	state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $1}')
	[ -n "$state" ] && [ "$state" != Z ] || return 1
	[ "$(proc_starttime "$pid")" = "$st" ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

record_pid() { # PID PIDFILE
	local st
	st=$(proc_starttime "$1")
	[ -n "$st" ] || return 1
	printf '%s %s\n' "$1" "$st" >"$2"
}

pid_of() { awk '{print $1}' "$1"; }

# stop_pid NAME PIDFILE MARKER: SIGTERM, wait, then SIGKILL; only the
# recorded process, and only while it still is that process.
stop_pid() {
	local name=$1 file=$2 marker=$3 pid i
	if ! pid_ours "$file" "$marker"; then
		rm -f "$file"
		return 0
	fi
	pid=$(pid_of "$file")
	say "stopping $name (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do # 60 s
		pid_ours "$file" "$marker" || break
		sleep 0.1
	done
	if pid_ours "$file" "$marker"; then
		say "$name did not stop within 60s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			pid_ours "$file" "$marker" || break
			sleep 0.1
		done
		pid_ours "$file" "$marker" && die "$name (pid $pid) is still running"
	fi
	rm -f "$file"
}

# ---------------------------------------------------------------- state

load_state() {
	KAFKA_PORT="" KAFKA_CONTROLLER_PORT="" ES_PORT=""
	# shellcheck disable=SC1090
	[ -f "$STATE" ] && . "$STATE"
	return 0
}

save_state() {
	{
		printf 'KAFKA_PORT=%s\n' "$KAFKA_PORT"
		printf 'KAFKA_CONTROLLER_PORT=%s\n' "$KAFKA_CONTROLLER_PORT"
		printf 'ES_PORT=%s\n' "$ES_PORT"
		printf 'ES_INST=%q\n' "$ES_INST"
		printf 'KAFKA_VERSION=%s\nES_VERSION=%s\n' "$KAFKA_VERSION" "$ES_VERSION"
	} >"$STATE.tmp"
	mv "$STATE.tmp" "$STATE"
}

kafka_marker() { printf 'kafka.Kafka %s' "$KAFKA_DIR/server.properties"; }
es_marker() { printf 'java.io.tmpdir=%s/tmp' "$ES_INST"; }
kafka_running() { pid_ours "$KAFKA_PIDFILE" "$(kafka_marker)"; }
es_running() { pid_ours "$ES_PIDFILE" "$(es_marker)"; }

port_free() { "$STACKCTL" freeport -prefer "$1" 2>/dev/null | grep -qx "$1"; }

# choose_ports fills in the ports not yet recorded: the usual ones when free,
# any free ones otherwise.
choose_ports() {
	[ -n "$KAFKA_PORT" ] || KAFKA_PORT=$("$STACKCTL" freeport -prefer 9092 -avoid "$ES_PORT,$KAFKA_CONTROLLER_PORT")
	[ -n "$KAFKA_CONTROLLER_PORT" ] || KAFKA_CONTROLLER_PORT=$("$STACKCTL" freeport -prefer 9093 -avoid "$KAFKA_PORT,$ES_PORT")
	[ -n "$ES_PORT" ] || ES_PORT=$("$STACKCTL" freeport -prefer 9200 -avoid "$KAFKA_PORT,$KAFKA_CONTROLLER_PORT")
}

print_env() {
	printf 'export KAFKA_BROKERS=127.0.0.1:%s\n' "$KAFKA_PORT"
	printf 'export ELASTICSEARCH_URL=http://127.0.0.1:%s\n' "$ES_PORT"
}

# ---------------------------------------------------------------- Kafka

write_kafka_config() {
	mkdir -p "$KAFKA_DIR/data"
	cat >"$KAFKA_DIR/server.properties" <<EOF
# Written by deploy/local/stack.sh: one combined KRaft broker+controller on loopback.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
default.replication.factor=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
log.retention.hours=24
EOF
	cat >"$KAFKA_DIR/log4j2.properties" <<'EOF'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.state.name = state.change.logger
logger.state.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

# kafka_java HEAP_MIN HEAP_MAX: the java command line for Kafka's classes, in KJAVA.
kafka_java() {
	KJAVA=("$JAVA_HOME/bin/java" "-Xms$1" "-Xmx$2" -XX:+UseG1GC -Djava.awt.headless=true
		-Dlog4j2.configurationFile="file:$KAFKA_DIR/log4j2.properties" -Dkafka.logs.dir="$LOG_DIR"
		-cp "$KAFKA_LIBS/*")
}

new_cluster_id() { # 16 random bytes, base64url without padding, not starting with '-'
	local id
	while :; do
		id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
		[ "${id:0:1}" != "-" ] && break
	done
	printf '%s' "$id"
}

# start_kafka formats the storage on first start, then launches the broker
# detached (its own session), logging to $LOG_DIR/kafka.log.
start_kafka() {
	[ -f "$KAFKA_DIR/server.properties" ] || write_kafka_config
	if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
		kafka_java 64m 256m
		if ! "${KJAVA[@]}" kafka.tools.StorageTool format \
			-t "$(new_cluster_id)" -c "$KAFKA_DIR/server.properties" >"$LOG_DIR/kafka-format.log" 2>&1; then
			tail_log "$LOG_DIR/kafka-format.log"
			die "formatting Kafka storage failed"
		fi
	fi
	port_free "$KAFKA_PORT" || die "Kafka port $KAFKA_PORT is taken by another process"
	port_free "$KAFKA_CONTROLLER_PORT" || die "Kafka controller port $KAFKA_CONTROLLER_PORT is taken by another process"
	say "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT)"
	printf '\n==== start %s ====\n' "$(date -u +%FT%TZ)" >>"$LOG_DIR/kafka.log"
	kafka_java 256m "$KAFKA_HEAP"
	# setsid execs java in place (its own session, away from the terminal's
	# signals), so $! is the broker's pid: record it before anything can fail.
	setsid "${KJAVA[@]}" kafka.Kafka "$KAFKA_DIR/server.properties" </dev/null >>"$LOG_DIR/kafka.log" 2>&1 9>&- &
	local pid=$!
	KAFKA_LAUNCHED=$SECONDS
	record_pid "$pid" "$KAFKA_PIDFILE" || {
		tail_log "$LOG_DIR/kafka.log"
		die "Kafka exited at once"
	}
	disown "$pid" 2>/dev/null || true
}

wait_kafka() {
	local t0=${KAFKA_LAUNCHED:-$SECONDS} err=$RUN_DIR/.kafka-ready.err
	while :; do
		if "$STACKCTL" kafka-ready -brokers "127.0.0.1:$KAFKA_PORT" -timeout 2s 2>"$err"; then
			break
		fi
		if ! kafka_running; then
			tail_log "$LOG_DIR/kafka.log"
			die "Kafka exited before it was ready (log: $LOG_DIR/kafka.log)"
		fi
		if ((SECONDS - t0 >= KAFKA_TIMEOUT)); then
			cat "$err" >&2
			tail_log "$LOG_DIR/kafka.log"
			die "Kafka not ready after ${KAFKA_TIMEOUT}s (log: $LOG_DIR/kafka.log)"
		fi
	done
	rm -f "$err"
	say "Kafka ready $((SECONDS - t0))s after launch"
}

# create_topics creates the pipeline's topics (stackctl's PipelineTopics).
create_topics() {
	local out
	if ! out=$("$STACKCTL" kafka-topics -brokers "127.0.0.1:$KAFKA_PORT" -timeout 60s); then
		tail_log "$LOG_DIR/kafka.log"
		die "creating topics failed"
	fi
	say "topics: $out"
}

# ---------------------------------------------------------------- Elasticsearch

# es_prepare sets ES_RUNAS (how to run as the unprivileged user) and makes the
# instance folder (config, data, logs, tmp) owned by that user.
es_prepare() {
	ES_RUNAS=()
	if [ "$(id -u)" -eq 0 ]; then
		if ! id -u "$ES_USER" >/dev/null 2>&1; then
			say "creating system user $ES_USER (Elasticsearch refuses to run as root)"
			useradd --system --user-group --no-create-home --home-dir /nonexistent \
				--shell /usr/sbin/nologin "$ES_USER" 2>/dev/null || id -u "$ES_USER" >/dev/null ||
				die "cannot create user $ES_USER"
		fi
		ES_RUNAS=(runuser -u "$ES_USER" --)
	fi
	if [ ! -d "$ES_INST/config" ]; then
		mkdir -p "$ES_INST"/{data,logs,tmp}
		cp -R "$ES_HOME/config" "$ES_INST/config"
		printf '%s\n' "$RUN_DIR" >"$ES_INST/run-dir"
	fi
	chmod 750 "$ES_INST"
	[ "$(id -u)" -eq 0 ] && chown -R "$ES_USER:" "$ES_INST"
	mkdir -p "$LOG_DIR"
	ln -sfn "$ES_INST/logs" "$LOG_DIR/elasticsearch"
	# The user must reach the distribution and Java through every parent folder.
	"${ES_RUNAS[@]}" test -x "$ES_HOME/bin/elasticsearch" -a -w "$ES_INST/data" -a -x "$JAVA_HOME/bin/java" ||
		die "user ${ES_USER} cannot reach $ES_HOME, $ES_INST or $JAVA_HOME (check the folders' permissions)"
}

# es_launch starts Elasticsearch's launcher in the background (it returns
# once the node has started, which takes a while); es_launch_wait waits for
# it and records the node's pid.
es_launch() {
	es_prepare
	port_free "$ES_PORT" || die "Elasticsearch port $ES_PORT is taken by another process"
	say "starting Elasticsearch $ES_VERSION on http://127.0.0.1:$ES_PORT"
	printf '\n==== start %s ====\n' "$(date -u +%FT%TZ)" >>"$LOG_DIR/elasticsearch-launch.log"
	rm -f "$ES_INST/es.pid"
	ES_LAUNCHED=$SECONDS
	# -d: the node's pid goes to es.pid. ES_TMPDIR ends up on the node's
	# command line as -Djava.io.tmpdir, which tells our node apart from any
	# other. setsid: away from the terminal's signals.
	(cd "$ES_INST" && exec setsid timeout -k 10 "$ES_TIMEOUT" "${ES_RUNAS[@]}" env -i \
		PATH=/usr/local/bin:/usr/bin:/bin HOME="$ES_INST" LANG=C.UTF-8 \
		ES_JAVA_HOME="$JAVA_HOME" ES_PATH_CONF="$ES_INST/config" ES_TMPDIR="$ES_INST/tmp" \
		ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
		"$ES_HOME/bin/elasticsearch" -d -p "$ES_INST/es.pid" \
		-E cluster.name="$CLUSTER_NAME" -E node.name=wirestream-es \
		-E discovery.type=single-node -E network.host=127.0.0.1 -E http.port="$ES_PORT" \
		-E transport.port=9300-9399 \
		-E xpack.security.enabled=false \
		-E cluster.routing.allocation.disk.threshold_enabled=false \
		-E action.auto_create_index=true \
		-E path.data="$ES_INST/data" -E path.logs="$ES_INST/logs") \
		</dev/null >>"$LOG_DIR/elasticsearch-launch.log" 2>&1 9>&- &
	ES_LAUNCHER=$!
}

es_launch_wait() {
	local launch=$LOG_DIR/elasticsearch-launch.log rc=0
	[ -n "${ES_LAUNCHER:-}" ] || return 0
	wait "$ES_LAUNCHER" || rc=$?
	ES_LAUNCHER=""
	if [ -s "$ES_INST/es.pid" ]; then
		record_pid "$(cat "$ES_INST/es.pid")" "$ES_PIDFILE" || true
	fi
	if [ $rc -ne 0 ] || ! es_running; then
		stop_pid elasticsearch "$ES_PIDFILE" "$(es_marker)"
		tail_log "$launch" "$ES_INST/logs/$CLUSTER_NAME.log"
		if [ $rc -eq 124 ]; then
			die "Elasticsearch did not start within ${ES_TIMEOUT}s (logs: $launch, $LOG_DIR/elasticsearch/)"
		fi
		die "Elasticsearch failed to start (launcher exit $rc; logs: $launch, $LOG_DIR/elasticsearch/)"
	fi
}

wait_es() {
	local t0=${ES_LAUNCHED:-$SECONDS} url=http://127.0.0.1:$ES_PORT err=$RUN_DIR/.es-ready.err
	while :; do
		if "$STACKCTL" es-ready -url "$url" -timeout 2s 2>"$err"; then
			break
		fi
		if ! es_running; then
			tail_log "$LOG_DIR/elasticsearch-launch.log" "$ES_INST/logs/$CLUSTER_NAME.log"
			die "Elasticsearch exited before it was ready"
		fi
		if ((SECONDS - t0 >= ES_TIMEOUT)); then
			cat "$err" >&2
			tail_log "$ES_INST/logs/$CLUSTER_NAME.log"
			die "Elasticsearch not ready after ${ES_TIMEOUT}s"
		fi
	done
	rm -f "$err"
	say "Elasticsearch ready (cluster health yellow or better) $((SECONDS - t0))s after launch"
}

# ---------------------------------------------------------------- commands

# lock serialises the commands that change the stack. The servers must not
# inherit fd 9, or they would hold the lock for good.
lock() {
	exec 9>"$RUN_DIR/.lock"
	flock -w 600 9 || die "another stack.sh holds $RUN_DIR/.lock"
}

prepare() {
	find_java
	build_stackctl
	fetch_kafka
	fetch_es
	unpack_es
}

cmd_up() {
	lock
	load_state
	if [ -f "$STATE" ] && kafka_running && es_running; then
		say "already running (run folder $RUN_DIR)"
		print_env
		return 0
	fi
	prepare
	if [ ! -f "$STATE" ]; then
		# A fresh stack: forget the previous run's logs and any leftover data.
		rm -rf "$LOG_DIR" "$KAFKA_DIR"
		[ -d "$ES_INST" ] && rm -rf "$ES_INST"
	fi
	mkdir -p "$LOG_DIR"
	choose_ports
	save_state
	local t0=$SECONDS
	kstarted="" estarted=""
	# If anything below fails, stop what this call started (data and logs stay
	# for a look; `down` removes them).
	trap 'rc=$?; if [ $rc -ne 0 ]; then up_failed; fi' EXIT
	if ! kafka_running; then start_kafka && kstarted=1; fi
	if ! es_running; then es_launch && estarted=1; fi
	[ -z "$kstarted" ] || wait_kafka
	create_topics
	if [ -n "$estarted" ]; then
		es_launch_wait
		wait_es
	fi
	trap - EXIT
	say "stack up in $((SECONDS - t0))s (run folder $RUN_DIR, logs $LOG_DIR)"
	print_env
}

up_failed() {
	say "up failed: stopping what it started (logs in $LOG_DIR)"
	if [ -n "${ES_LAUNCHER:-}" ]; then
		wait "$ES_LAUNCHER" || true
		[ -s "$ES_INST/es.pid" ] && record_pid "$(cat "$ES_INST/es.pid")" "$ES_PIDFILE" || true
	fi
	[ -z "${estarted:-}" ] || stop_pid elasticsearch "$ES_PIDFILE" "$(es_marker)" || true
	[ -z "${kstarted:-}" ] || stop_pid kafka "$KAFKA_PIDFILE" "$(kafka_marker)" || true
}

cmd_down() {
	lock
	load_state
	stop_pid elasticsearch "$ES_PIDFILE" "$(es_marker)"
	stop_pid kafka "$KAFKA_PIDFILE" "$(kafka_marker)"
	# Keep Elasticsearch's log beside Kafka's before its folder goes.
	if [ -d "$ES_INST/logs" ]; then
		rm -f "$LOG_DIR/elasticsearch"
		mkdir -p "$LOG_DIR/elasticsearch"
		cp "$ES_INST/logs/"*.log "$LOG_DIR/elasticsearch/" 2>/dev/null || true
	fi
	rm -rf "$ES_INST" "$KAFKA_DIR" "$STATE" "$RUN_DIR/bin"
	say "stack down (logs kept in $LOG_DIR)"
}

cmd_status() {
	load_state
	local ok=0 h
	if [ ! -f "$STATE" ]; then
		echo "stack: not up (run folder $RUN_DIR)"
		return 1
	fi
	if kafka_running; then
		if [ -x "$STACKCTL" ] && "$STACKCTL" kafka-ready -brokers "127.0.0.1:$KAFKA_PORT" -timeout 3s 2>/dev/null; then
			h=ready
		else
			h="not answering" ok=1
		fi
		echo "kafka:         running, pid $(pid_of "$KAFKA_PIDFILE"), 127.0.0.1:$KAFKA_PORT, $h"
	else
		echo "kafka:         stopped (port $KAFKA_PORT)"
		ok=1
	fi
	if es_running; then
		if [ -x "$STACKCTL" ] && h=$("$STACKCTL" es-health -url "http://127.0.0.1:$ES_PORT" 2>/dev/null); then
			h="cluster $h"
		else
			h="not answering" ok=1
		fi
		echo "elasticsearch: running, pid $(pid_of "$ES_PIDFILE"), http://127.0.0.1:$ES_PORT, $h"
	else
		echo "elasticsearch: stopped (port $ES_PORT)"
		ok=1
	fi
	echo "run folder:    $RUN_DIR"
	echo "logs:          $LOG_DIR"
	return $ok
}

cmd_env() {
	load_state
	[ -f "$STATE" ] || die "the stack is not up: run deploy/local/stack.sh up"
	kafka_running || say "warning: Kafka is not running"
	es_running || say "warning: Elasticsearch is not running"
	print_env
}

need_state() {
	load_state
	[ -f "$STATE" ] || die "the stack is not up: run deploy/local/stack.sh up first"
}

cmd_es_stop() {
	lock
	need_state
	stop_pid elasticsearch "$ES_PIDFILE" "$(es_marker)"
}

cmd_es_start() {
	lock
	need_state
	if es_running; then
		say "Elasticsearch already running"
		return 0
	fi
	find_java
	build_stackctl
	es_launch
	es_launch_wait
	wait_es
}

cmd_kafka_stop() {
	lock
	need_state
	stop_pid kafka "$KAFKA_PIDFILE" "$(kafka_marker)"
}

cmd_kafka_start() {
	lock
	need_state
	if kafka_running; then
		say "Kafka already running"
		return 0
	fi
	find_java
	build_stackctl
	start_kafka
	wait_kafka
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
env) cmd_env ;;
es-stop) cmd_es_stop ;;
es-start) cmd_es_start ;;
kafka-stop) cmd_kafka_stop ;;
kafka-start) cmd_kafka_start ;;
fetch) lock && prepare ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
