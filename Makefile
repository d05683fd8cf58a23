# edaobs — the front door. `make demo` to see it run, `make test` to prove it.
SHELL := /bin/bash
BUILD_DIR ?= build
BUILD_TYPE ?= Release
SANITIZE ?= OFF
JOBS ?= $(shell nproc)
# 1: Kafka as one node (9092); 3: a three-node KRaft cluster (9092, 9094, 9096), `make stack-up KAFKA_NODES=3`.
KAFKA_NODES ?= 1
# 0: `make faults` leaves out the three-node cluster's scenarios (leader_kill).
FAULTS_CLUSTER ?= 1
CTEST := ctest --test-dir $(BUILD_DIR) --output-on-failure

.PHONY: help deps configure build unit e2e test demo stack-up stack-down bench load faults trace backup restore new-agent clean

help:
	@echo "make demo        install what is missing, build, start the stack and the agents, send events"
	@echo "make test        build, then unit tests (ctest -L unit) and end-to-end tests (ctest -L e2e)"
	@echo "make deps        install dependencies (Debian packages, Kafka, Jaeger, Collector) into .stack/"
	@echo "make build       configure and build into $(BUILD_DIR)/ (BUILD_TYPE=$(BUILD_TYPE), SANITIZE=ON for ASan+UBSan)"
	@echo "make unit | e2e  one test suite"
	@echo "make stack-up    start Kafka, Collector, Jaeger, Prometheus, Alertmanager on 127.0.0.1 (KAFKA_NODES=3: a Kafka cluster)"
	@echo "make stack-down  stop everything edaobs started (agents included)"
	@echo "make bench       run the benchmarks; JSON results in $(BUILD_DIR)/bench/"
	@echo "make load        load-test the chain on the real stack (LOAD_ARGS=--help for options)"
	@echo "make faults      broker outage, consumer crashes, backends down, cluster leader kill: nothing acknowledged may be lost (FAULTS_ARGS=--help, FAULTS_CLUSTER=0)"
	@echo "make trace ID=x  one event's story: its trace as a waterfall, its log lines, its services' latency"
	@echo "make backup      snapshot Prometheus, VictoriaLogs and Jaeger's Badger store into .run/backups/<UTC time>/"
	@echo "make restore DIR=.run/backups/<time>  bring a backup back (restarts those three services)"
	@echo "make new-agent NAME=x FROM=enricher [PORT=..] [INPUT=..] [OUTPUT=..]  a new agent from publisher|enricher|recorder, registered everywhere"

deps:
	@scripts/deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DEDAOBS_SANITIZE=$(SANITIZE)

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

unit: build
	$(CTEST) -L unit -j $(JOBS)

e2e: build
	$(CTEST) -L e2e

# Both suites run even if the first fails; the target fails if either did.
test: deps build
	@status=0; \
	$(CTEST) -L unit -j $(JOBS) || status=1; \
	$(CTEST) -L e2e || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: FAILED"; else echo "make test: all passed"; fi; \
	exit $$status

stack-up:
	@KAFKA_NODES=$(KAFKA_NODES) scripts/stack-up.sh

stack-down:
	@scripts/stack-down.sh

demo: deps build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh $(BUILD_DIR)

load: build
	@scripts/load.sh $(BUILD_DIR) $(LOAD_ARGS)

faults: build
	@FAULTS_CLUSTER=$(FAULTS_CLUSTER) scripts/faults.sh $(BUILD_DIR) $(FAULTS_ARGS)

trace:
	@if [ -z "$(ID)" ]; then echo "usage: make trace ID=<event id or trace id>"; exit 2; fi
	@python3 scripts/trace.py $(TRACE_ARGS) "$(ID)"

backup:
	@scripts/backup.sh

restore:
	@if [ -z "$(DIR)" ]; then echo "usage: make restore DIR=.run/backups/<time>"; exit 2; fi
	@scripts/restore.sh "$(DIR)"

# Variables only when given, so the script's own defaults apply otherwise.
new-agent:
	@scripts/new-agent.sh "$(NAME)" --from "$(FROM)" $(if $(PORT),--port "$(PORT)") \
	  $(if $(INPUT),--input "$(INPUT)") $(if $(OUTPUT),--output "$(OUTPUT)")

clean:
	rm -rf $(BUILD_DIR)
