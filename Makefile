# The verbs a person types. Everything runs on a JDK 21+ found by scripts/find-jdk.sh and Maven
# through the wrapper, so a fresh machine needs only a JDK, make and access to Maven Central.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk.sh)
export JAVA_HOME
MVN := ./mvnw -B --no-transfer-progress
JAVA := $(JAVA_HOME)/bin/java

.PHONY: help build unit test test-hostile test-faults eval bench bench-stack bench-api bench-profile bench-agents bench-llm bench-recovery bench-hostile run format clean check-jdk cluster-up cluster-down cluster-status submit savepoint stop cancel resume replay redrive

help:
	@echo "make run     start Kafka, the Flink job and the API locally (offline agents, no keys)"
	@echo "make test    run the whole test suite"
	@echo "make unit    the fast tests only: no broker, cluster or browser (about a minute)"
	@echo "make build   compile and package every module, tests skipped"
	@echo "make test-faults   kill -9 / restart tests on a standalone cluster (real processes)"
	@echo "make test-hostile  a hostile tenant beside a calm one: no restart, nothing lost, no PII leak"
	@echo "make eval    quality of the offline agents on the labelled sets; writes docs/quality.md"
	@echo "make bench   every benchmark (about 45 minutes on 2 cores): target/bench/results.json and docs/benchmarks.md"
	@echo "make bench-stack   capacity against a floor job, end-to-end latency and ingest; each part in its own JVM"
	@echo "make bench-api     the API alone over a million conversations: readiness, heap, queries, WebSockets"
	@echo "make bench-profile JFR profiles of the job (capacity runs) and of the API (end to end), apart from bench"
	@echo "make bench-stack BENCH_OPTS='-Dbench.variants=--kafka-linger-ms,5|--kafka-compression,zstd'"
	@echo "            the capacity as shipped against variants of the job's settings, in turns (trying a default)"
	@echo "            -Dbench.threads=true: the job's CPU per message by thread; make bench-profile BENCH_OPTS=-Dbench.profileArgs=--analytics,false profiles a variant"
	@echo "make bench-agents  JMH throughput of the offline agents"
	@echo "make bench-recovery  TaskManager kill -9 on the standalone cluster, time to processing again"
	@echo "make bench-hostile   the calm tenant's latency while a hostile one attacks, against without (goal: within 3x)"
	@echo "make bench-llm     share of the Gemini request and token budgets used at saturation (fake Gemini, ~4 min)"
	@echo "make cluster-up | submit | savepoint | stop | cancel | resume [SAVEPOINT=path] | replay | cluster-down"
	@echo "            a standalone Flink cluster, Kafka and the API as separate processes (docs/operations.md)"
	@echo "make redrive [STAGE=validate] [REASON=text] [SINCE=t] [UNTIL=t] [OFFSETS=p:o,...] [DRY_RUN=1]"
	@echo "            put chosen dead letters back on the raw topic, as they came (docs/operations.md)"
	@echo "make format  format the Java sources"
	@echo "make clean   remove build output (keeps .run/ data)"

check-jdk:
	@test -n "$(JAVA_HOME)" || { echo "A JDK 21 or newer is required." >&2; exit 1; }

build: check-jdk
	$(MVN) -q -DskipTests install

test: check-jdk
	$(MVN) spotless:check install

# Classes named *Test need no broker, cluster or browser; *ITCase start real ones.
unit: check-jdk
	$(MVN) spotless:check test -Dtest='*Test' -Dsurefire.failIfNoSpecifiedTests=false

format: check-jdk
	$(MVN) -q spotless:apply

# G1's pause goal as the API's image has it, for every JVM here that hosts the product or its load.
PAUSE_GOAL := -XX:MaxGCPauseMillis=20

run: build
	@mkdir -p .run
	$(JAVA) @scripts/jvm.options -Xmx3g $(PAUSE_GOAL) -Dsignalstream.home=$(CURDIR) \
	  -cp "local-stack/target/classes:$$(cat local-stack/target/classpath.txt)" \
	  io.signalstream.local.Launcher

clean: check-jdk
	$(MVN) -q clean

# One tenant attacks while another keeps its traffic: the job never restarts, every message of
# the other tenant arrives, no personal data leaks (about 2 minutes). The other tenant's latency
# under the attack is a figure (local-stack/target/hostile.json); its goal is in make bench.
HOSTILE := $(MVN) -pl local-stack test -Dtest=HostileTenantITCase -Dsignalstream.hostile=true -Dspotless.check.skip=true
test-hostile: build
	$(HOSTILE)

test-faults: build
	$(MVN) -pl system-tests verify -DskipFaultTests=false

# The standalone cluster: see scripts/cluster.sh and docs/operations.md.
cluster-up: build
	scripts/cluster.sh up

cluster-down:
	scripts/cluster.sh down

cluster-status:
	scripts/cluster.sh status

submit:
	scripts/cluster.sh submit

savepoint:
	scripts/cluster.sh savepoint

stop:
	scripts/cluster.sh stop-job

cancel:
	scripts/cluster.sh cancel

resume:
	scripts/cluster.sh resume $(SAVEPOINT)

replay:
	scripts/cluster.sh replay

# Reads support.dlq (Kafka settings as the job's: KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, ...) and puts
# the chosen input records back on the raw topic; the dead-letter topic is not changed.
redrive: build
	$(JAVA) @scripts/jvm.options -cp "local-stack/target/classes:$$(cat local-stack/target/classpath.txt)" \
	  io.signalstream.local.Redrive \
	  $(if $(STAGE),--stage '$(STAGE)') $(if $(REASON),--reason '$(REASON)') \
	  $(if $(SINCE),--since '$(SINCE)') $(if $(UNTIL),--until '$(UNTIL)') \
	  $(if $(OFFSETS),--offsets '$(OFFSETS)') $(if $(MAX),--max '$(MAX)') $(if $(DRY_RUN),--dry-run)

eval: check-jdk
	$(MVN) -q -pl flink-job -am -DskipTests install
	$(MVN) -q -pl flink-job exec:java -Dexec.classpathScope=test \
	  -Dexec.mainClass=io.signalstream.job.agents.local.Evaluation -Dexec.args="$(CURDIR)/docs/quality.md"

bench-agents: check-jdk
	$(MVN) -q -pl flink-job -am -DskipTests install
	$(MVN) -q -pl flink-job exec:exec -Dexec.executable=$(JAVA) -Dexec.classpathScope=test \
	  -Dexec.args="-cp %classpath org.openjdk.jmh.Main AgentsBenchmark -f 1 -wi 2 -w 2s -i 4 -r 2s -t 1 -rf json -rff $(CURDIR)/flink-job/target/jmh-agents.json"
bench-llm: build
	$(MVN) -q -pl local-stack exec:exec -Dexec.executable=$(JAVA) -Dexec.classpathScope=test \
	  -Dexec.workingdir=$(CURDIR) \
	  -Dexec.args="@scripts/jvm.options -Xmx3g -cp %classpath io.signalstream.local.LlmBudgetBenchmark $(CURDIR)/target/bench/llm-budget.json 70"
# The load generator is this JVM; Kafka, the job and the API are its child processes (own JVMs).
# BENCH_OPTS takes -Dbench.* sizes (see StackBench.Settings), e.g. -Dbench.burst=100000.
BENCH_MAIN := $(MVN) -q -pl local-stack test-compile exec:exec -Dexec.executable=$(JAVA) \
  -Dexec.classpathScope=test -Dexec.workingdir=$(CURDIR)
# The load generator's JVM: a collection pause there would delay every request due meanwhile and be
# counted against the product (latency is measured from each request's due time).
BENCH_JVM := @scripts/jvm.options -Xmx2g $(PAUSE_GOAL)
bench-stack: build
	@mkdir -p target/bench
	$(BENCH_MAIN) -Dexec.args="$(BENCH_JVM) $(BENCH_OPTS) -cp %classpath io.signalstream.local.bench.StackBench $(CURDIR)/target/bench/stack.json"
bench-api: build
	@mkdir -p target/bench
	$(BENCH_MAIN) -Dexec.args="$(BENCH_JVM) $(BENCH_OPTS) -cp %classpath io.signalstream.local.bench.ApiScaleBench $(CURDIR)/target/bench/api-scale.json"
bench-profile: build
	@mkdir -p target/bench
	$(BENCH_MAIN) -Dexec.args="$(BENCH_JVM) -Dbench.profile=target/bench/job.jfr $(BENCH_OPTS) -cp %classpath io.signalstream.local.bench.StackBench $(CURDIR)/target/bench/profile-job.json"
	$(BENCH_MAIN) -Dexec.args="$(BENCH_JVM) -Dbench.burst=50000 -Dbench.warmupSeconds=5 -Dbench.rounds=1 -Dbench.profileApi=target/bench/api.jfr $(BENCH_OPTS) -cp %classpath io.signalstream.local.bench.StackBench $(CURDIR)/target/bench/profile-api.json"
	@echo "Profiles: target/bench/job.jfr and target/bench/api.jfr (jfr print --stack-depth 200 --events jdk.ExecutionSample ...)"
bench-hostile: build
	@mkdir -p target/bench
	$(HOSTILE) -Dhostile.report=$(CURDIR)/target/bench/hostile.json
bench-recovery: build
	@mkdir -p target/bench
	$(MVN) -pl system-tests verify -DskipFaultTests=false -Dtest='FaultToleranceITCase#taskManagerKilledMidStream' \
	  -Dsurefire.failIfNoSpecifiedTests=false | tee target/bench/recovery.log
bench: build
	@mkdir -p target/bench
	$(MAKE) --no-print-directory bench-stack bench-api bench-llm bench-recovery bench-hostile
	$(MVN) -q -pl flink-job exec:exec -Dexec.executable=$(JAVA) -Dexec.classpathScope=test \
	  -Dexec.args="-cp %classpath org.openjdk.jmh.Main AgentsBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -t 1 -rf json -rff $(CURDIR)/target/bench/jmh-agents.json"
	$(MVN) -q -pl local-stack exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.signalstream.local.BenchReport \
	  -Dexec.args="$(CURDIR)/target/bench $(CURDIR)/docs/benchmarks.md"
