# The verbs a person types. Everything runs on a JDK 21+ found by scripts/find-jdk.sh and Maven
# through the wrapper, so a fresh machine needs only a JDK, make and access to Maven Central.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/find-jdk.sh)
export JAVA_HOME
MVN := ./mvnw -B --no-transfer-progress
JAVA := $(JAVA_HOME)/bin/java

.PHONY: help build test run format clean check-jdk

help:
	@echo "make run     start Kafka, the Flink job and the API locally (offline agents, no keys)"
	@echo "make test    run the whole test suite"
	@echo "make build   compile and package every module, tests skipped"
	@echo "make format  format the Java sources"
	@echo "make clean   remove build output (keeps .run/ data)"

check-jdk:
	@test -n "$(JAVA_HOME)" || { echo "A JDK 21 or newer is required." >&2; exit 1; }

build: check-jdk
	$(MVN) -q -DskipTests install

test: check-jdk
	$(MVN) spotless:check install

format: check-jdk
	$(MVN) -q spotless:apply

run: build
	@mkdir -p .run
	$(JAVA) @local-stack/jvm.options -Dsignalstream.home=$(CURDIR) \
	  -cp "local-stack/target/classes:$$(cat local-stack/target/classpath.txt)" \
	  io.signalstream.local.Launcher

clean: check-jdk
	$(MVN) -q clean
