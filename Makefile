# failoverd — the two commands a newcomer types are `make run` and `make test`.
# Both install what is missing first (Debian packages via apt-get), so a fresh machine needs only Swift 6.3.

SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?=
ARGS ?=
BENCH_SECONDS ?= 10
# The last revision whose webhook ingest wrote no audit events: `make bench` measures the audit trail's cost
# against it. Empty to skip.
BASELINE_REV ?= f9c2432

# header-or-binary:package pairs; a package is installed when its file is missing.
RUNTIME_DEPS := /usr/include/microhttpd.h:libmicrohttpd-dev \
                /usr/include/gnutls/gnutls.h:libgnutls28-dev \
                /usr/include/x86_64-linux-gnu/curl/curl.h:libcurl4-openssl-dev \
                /usr/include/sqlite3.h:libsqlite3-dev \
                /usr/bin/pkg-config:pkg-config
TEST_DEPS := /usr/bin/prometheus:prometheus \
             /usr/bin/promtool:prometheus \
             /usr/bin/prometheus-alertmanager:prometheus-alertmanager \
             /usr/bin/amtool:prometheus-alertmanager \
             /usr/bin/openssl:openssl \
             /usr/bin/python3:python3 \
             /usr/lib/python3/dist-packages/yaml/__init__.py:python3-yaml \
             /usr/bin/shellcheck:shellcheck \
             /usr/bin/chromium:chromium \
             /usr/bin/w3m:w3m \
             /usr/bin/wrk:wrk \
             /usr/bin/curl:curl \
             /usr/bin/sqlite3:sqlite3
BENCH_DEPS := /usr/bin/wrk:wrk /usr/bin/gcc:gcc /usr/bin/curl:curl /usr/bin/sqlite3:sqlite3 /usr/bin/python3:python3

.PHONY: help run build release test lint format bench soak demo chaos fuzz sanitize deps test-deps bench-deps clean

help:
	@echo "make run     install what is missing, build, start failoverd on embedded defaults (127.0.0.1:9095)"
	@echo "make test    install what is missing, run every test (unit, integration, end-to-end)"
	@echo "make bench   benchmark webhook ingest against a naive C reference server, and the runbook engine (prints figures)"
	@echo "make chaos   crash campaign (kill -9 failoverd 200 times under load) and fault campaign (providers, storage)"
	@echo "make demo    real Prometheus, Alertmanager, failoverd and fake DNS providers: a primary goes down and back"
	@echo "make soak    SOAK_SECONDS (300) of mixed load with runbooks running, after SOAK_WARMUP (600) of it: errors, RSS and descriptor slopes"
	@echo "make fuzz    every fuzz target under libFuzzer and AddressSanitizer, FUZZ_RUNS executions each (prints figures)"
	@echo "make sanitize  the test suite under AddressSanitizer, then under ThreadSanitizer"
	@echo "make lint    swift format lint"

define install_missing
	@missing=""; \
	for pair in $(1); do \
	  file=$${pair%%:*}; package=$${pair##*:}; \
	  if [ ! -e "$$file" ] && [[ " $$missing " != *" $$package "* ]]; then missing="$$missing $$package"; fi; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps:
	@command -v $(SWIFT) >/dev/null || { echo "Swift 6.3 is required (https://swift.org/install)"; exit 1; }
	$(call install_missing,$(RUNTIME_DEPS))

test-deps: deps
	$(call install_missing,$(TEST_DEPS))

bench-deps: deps
	$(call install_missing,$(BENCH_DEPS))

build: deps
	$(SWIFT) build

# Release binaries carry the Swift runtime inside (--static-swift-stdlib): the installed binary needs no Swift
# toolchain on the host, and only the pages it touches of one image are resident (idle RSS 2.5 MB lower than
# with the runtime's shared libraries, measured by `make bench`).
RELEASE_FLAGS := -c release --static-swift-stdlib

release: deps
	$(SWIFT) build $(RELEASE_FLAGS) --product failoverd
	$(SWIFT) build $(RELEASE_FLAGS) --product failoverd-audit-bench
	$(SWIFT) build $(RELEASE_FLAGS) --product failoverd-engine-bench

run: build
	$(SWIFT) run failoverd serve $(if $(CONFIG),--config.file $(CONFIG)) $(ARGS)

# At most 12 tests at a time: with every test started at once, the synchronous set-up of hundreds of fixtures held
# the two threads of the concurrency pool for tens of seconds, and services already running missed their
# deadlines (a fresh clone's run on the 2-core VM failed eleven runbook tests so). 12 also ran the suite faster
# there: 75 s, against 82 s with 24 and 96-111 s unbounded (the same machine and load).
TEST_PARALLELISM ?= 12
test: test-deps
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_PARALLELISM) $(SWIFT) test

# DEMO_ARGS=--pause keeps everything (and the status page) running at the end until Enter is pressed.
demo: test-deps
	$(SWIFT) build --product failoverd
	$(SWIFT) build --product failoverd-demo
	.build/debug/failoverd-demo $(DEMO_ARGS)

# CHAOS_KILLS and CHAOS_SEED choose the crash campaign's length and randomness (the seed is printed).
CHAOS_KILLS ?= 200
CHAOS_SEED ?=
chaos: test-deps
	$(SWIFT) build --product failoverd
	$(SWIFT) build --product failoverd-chaos
	./Benchmarks/chaos.sh $(CHAOS_KILLS) $(CHAOS_SEED)

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

bench: bench-deps release
	BASELINE_REV=$(BASELINE_REV) SOAK_SECONDS=$(SOAK_SECONDS) SOAK_WARMUP=$(SOAK_WARMUP) ./Benchmarks/run.sh $(BENCH_SECONDS)

SOAK_SECONDS ?= 300
SOAK_WARMUP ?= 600
soak: bench-deps release
	SOAK_WARMUP=$(SOAK_WARMUP) ./Benchmarks/soak.sh $(SOAK_SECONDS)

# Fuzzing: failoverd-fuzz built with AddressSanitizer and SanitizerCoverage (every Swift module, dependencies
# included) and linked with libFuzzer as a library (the binary's own main picks the target and starts libFuzzer's
# driver). The runtime comes with the Swift toolchain's clang.
FUZZ_RUNS ?= 1000000
FUZZER_RUNTIME = $(firstword $(wildcard $(dir $(realpath $(shell command -v swiftc)))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_FLAGS = --scratch-path .build-fuzz -Xswiftc -sanitize=address \
             -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table -Xswiftc -DFUZZING \
             -Xlinker $(FUZZER_RUNTIME) -Xlinker -lstdc++

fuzz: deps
	@test -n "$(FUZZER_RUNTIME)" || { echo "libFuzzer (libclang_rt.fuzzer_no_main) not found beside swiftc"; exit 1; }
	$(SWIFT) build $(FUZZ_FLAGS) --product failoverd-fuzz
	./Benchmarks/fuzz.sh .build-fuzz/debug/failoverd-fuzz $(FUZZ_RUNS) $(FUZZ_TARGETS)

# The whole suite under each sanitizer, each in a build folder of its own; the end-to-end tests run the failoverd
# binary built beside the test bundle, so it is instrumented too.
# Benchmarks/sanitizers/ holds the suppressions of reports inside the toolchain's libraries, each with its reason.
# Fewer tests at a time than make test: the instrumented code runs several times slower.
SANITIZE_PARALLELISM ?= 4
SANITIZER_OPTIONS = ASAN_OPTIONS=suppressions=$(CURDIR)/Benchmarks/sanitizers/asan.supp \
                    LSAN_OPTIONS=suppressions=$(CURDIR)/Benchmarks/sanitizers/lsan.supp:print_suppressions=0
# ThreadSanitizer sees Synchronization.Mutex's contended lock and unlock through Benchmarks/sanitizers/tsan-mutex.c.
TOOLCHAIN_CLANG = $(dir $(realpath $(shell command -v swiftc)))clang
TSAN_MUTEX_LINK = -Xlinker $(CURDIR)/.build-tsan/tsan-mutex.o \
  -Xlinker --wrap='$$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF' \
  -Xlinker --wrap='$$s15Synchronization12_MutexHandleV11_unlockSlowyyF'
sanitize: test-deps
	$(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	$(SANITIZER_OPTIONS) SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(SANITIZE_PARALLELISM) \
	  $(SWIFT) test --skip-build --scratch-path .build-asan --sanitize=address
	mkdir -p .build-tsan
	$(TOOLCHAIN_CLANG) -c -O2 Benchmarks/sanitizers/tsan-mutex.c -o .build-tsan/tsan-mutex.o
	@echo "Synchronization.Mutex without and with Benchmarks/sanitizers/tsan-mutex.c: one report, then none"
	swiftc -sanitize=thread -O Benchmarks/sanitizers/tsan-mutex-baseline.swift -o .build-tsan/tsan-mutex-baseline
	-.build-tsan/tsan-mutex-baseline
	swiftc -sanitize=thread -O Benchmarks/sanitizers/tsan-mutex-baseline.swift $(TSAN_MUTEX_LINK) \
	  -o .build-tsan/tsan-mutex-visible
	.build-tsan/tsan-mutex-visible
	$(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread $(TSAN_MUTEX_LINK)
	FAILOVERD_SANITIZER=thread TSAN_OPTIONS="halt_on_error=0 $(TSAN_OPTIONS)" SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(SANITIZE_PARALLELISM) \
	  $(SWIFT) test --skip-build --scratch-path .build-tsan --sanitize=thread $(TSAN_MUTEX_LINK)

clean:
	-git worktree remove --force .build-baseline-src 2>/dev/null
	rm -rf .build .build-* bench-results
