# mqttspec - one non-recursive Makefile. Output goes to build/.
CC       ?= gcc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror
# snprintf truncation is deliberate here (bounded paths and messages), not a bug.
CFLAGS   += -Wno-format-truncation
CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L -MMD -MP
PKGS     := libcjson openssl
LDLIBS   := $(shell pkg-config --libs $(PKGS))
CPPFLAGS += $(shell pkg-config --cflags $(PKGS))
PREFIX   ?= /usr/local
B        ?= build

ifdef SAN
# gcc leaves float-cast-overflow out of `undefined`: (long)1e300 is undefined too.
CFLAGS   += -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer
CFLAGS   += -fno-sanitize-recover=undefined,float-cast-overflow
LDFLAGS  += -fsanitize=address,undefined,float-cast-overflow
endif
# FUZZ=1 (used by `make fuzz`, with CC=clang): objects instrumented for libFuzzer.
ifdef FUZZ
CFLAGS   += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CFLAGS   += -Wno-unknown-warning-option
LDFLAGS  += -fsanitize=address,undefined
endif

# The layers (docs: ../design, README): codec and util at the bottom, cli on top.
LAYERS   := codec util net case result engine reports cli
LIB_SRC  := $(filter-out cli/main.c,$(wildcard $(LAYERS:%=%/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
FP_SRC   := $(wildcard tests/tools/fault_proxy*.c)
# Programs of their own in tests/tools/ (a main each), not part of run-tests.
TOOL_SRC := tests/tools/hostile_broker.c tests/tools/auth_broker.c tests/tools/fake_listen.c tests/tools/bench_codec.c
TEST_SRC := $(wildcard tests/unit/*.c)
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

# Where the installed binary finds its cases; the in-tree binary falls back to ./cases.
CPPFLAGS += -DMQTTSPEC_DATADIR='"$(PREFIX)/share/mqttspec"'

all: $(B)/mqttspec

$(B)/mqttspec: $(B)/cli/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/run-tests: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs check) $(LDLIBS)

$(B)/fault-proxy: $(FP_SRC:%.c=$(B)/%.o) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/hostile-broker: $(B)/tests/tools/hostile_broker.o $(B)/tests/tools/fake_listen.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/auth-broker: $(B)/tests/tools/auth_broker.o $(B)/tests/tools/fake_listen.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/bench-codec: $(B)/tests/tools/bench_codec.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/%.o: CPPFLAGS += $(shell pkg-config --cflags check)

# Unit tests only (no broker; the engine runs against a fake broker in the process).
unit: $(B)/run-tests
	$(B)/run-tests

# The layer rule and the function-length limit, unit tests, the fuzz corpus replay, the suite against a local mosquitto,
# the hostile brokers (and cut-short runs), the fake broker of the 5.0 features no broker here
# offers (enhanced authentication), then the suite against mosquitto
# in other configurations (tests/variants/) and the fault proxy.
test: $(B)/run-tests $(B)/mqttspec $(B)/fault-proxy $(B)/hostile-broker $(B)/auth-broker
	scripts/check-layers.sh
	scripts/check-functions.sh
	$(B)/run-tests
	$(MAKE) B=$(B) fuzz-replay
	scripts/test-cli.sh $(B)
	scripts/test-suite.sh $(B)
	scripts/test-transports.sh $(B)
	scripts/test-hostile.sh $(B)
	scripts/test-fakes.sh $(B)
	$(if $(NO_FAULTS),,scripts/test-variants.sh $(B))
	$(if $(NO_FAULTS),,scripts/test-faults.sh $(B))

# The HTML report in headless Chromium (Debian's chromium package); a second.
test-browser: $(B)/run-tests
	$(B)/run-tests
	scripts/test-browser.sh

# Fuzzing (tests/fuzz/README.md): `make fuzz` builds the libFuzzer targets with
# clang in build-fuzz/ and runs each for FUZZ_SECONDS, adding what it finds to
# tests/fuzz/corpus/; `make fuzz-replay` replays that corpus with this build.
FUZZ_TARGETS := frame_decode ws_frame case_load
FUZZ_SECONDS ?= 60
FUZZ_OBJ := $(patsubst %.c,$(B)/%.o,$(wildcard tests/fuzz/*.c))
.SECONDARY: $(FUZZ_OBJ)

$(B)/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay_main.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

fuzz-replay: $(FUZZ_TARGETS:%=$(B)/fuzz/replay_%)
	@for t in $(FUZZ_TARGETS); do $(B)/fuzz/replay_$$t tests/fuzz/corpus/$$t || exit 1; done

fuzz:
	$(MAKE) B=build-fuzz CC=clang FUZZ=1 $(FUZZ_TARGETS:%=build-fuzz/fuzz/fuzz_%)
	scripts/fuzz.sh build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The benchmark: the suite with -j 1 and the default -j side by side, and the
# codec's throughput (docs/performance.md). About a minute.
bench: $(B)/mqttspec $(B)/bench-codec
	scripts/bench.sh $(B)

# `test` under ASan and UBSan, but for the variant and fault runs: 160 s of waiting on
# windows, as long as all the rest together (.ci/run has 15 minutes); the
# hostile brokers drive the same receive paths with worse input.
sanitize:
	$(MAKE) B=build-san SAN=1 NO_FAULTS=1 test

demo: 
	scripts/deps.sh
	$(MAKE) all
	scripts/demo.sh $(B)

install: $(B)/mqttspec
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mqttspec
	install -m 0755 $(B)/mqttspec $(DESTDIR)$(PREFIX)/bin/mqttspec
	cp -R cases $(DESTDIR)$(PREFIX)/share/mqttspec/

clean:
	rm -rf build build-san build-fuzz

.PHONY: all unit test test-browser sanitize fuzz fuzz-replay bench demo install clean
-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(B)/cli/main.d $(FP_SRC:%.c=$(B)/%.d) $(FUZZ_OBJ:.o=.d) $(TOOL_SRC:%.c=$(B)/%.d)
