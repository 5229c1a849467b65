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
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

LIB_SRC  := $(wildcard codec/*.c reports/*.c) $(filter-out harness/main.c,$(wildcard harness/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
TEST_SRC := $(filter-out tests/fault_proxy.c,$(wildcard tests/*.c))
TEST_OBJ := $(TEST_SRC:%.c=$(B)/%.o)

# Where the installed binary finds its cases; the in-tree binary falls back to ./cases.
CPPFLAGS += -DMQTTSPEC_DATADIR='"$(PREFIX)/share/mqttspec"'

all: $(B)/mqttspec

$(B)/mqttspec: $(B)/harness/main.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/run-tests: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs check) $(LDLIBS)

$(B)/fault-proxy: $(B)/tests/fault_proxy.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/%.o: CPPFLAGS += $(shell pkg-config --cflags check)

# Unit tests only (no broker).
unit: $(B)/run-tests
	$(B)/run-tests

# Unit tests, then the suite against a local mosquitto, then the fault proxy.
test: $(B)/run-tests $(B)/mqttspec $(B)/fault-proxy
	$(B)/run-tests
	scripts/test-cli.sh $(B)
	scripts/test-suite.sh $(B)
	scripts/test-faults.sh $(B)

sanitize:
	$(MAKE) B=build-san SAN=1 test

demo: 
	scripts/deps.sh
	$(MAKE) all
	scripts/demo.sh $(B)

install: $(B)/mqttspec
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/mqttspec
	install -m 0755 $(B)/mqttspec $(DESTDIR)$(PREFIX)/bin/mqttspec
	cp -R cases $(DESTDIR)$(PREFIX)/share/mqttspec/

clean:
	rm -rf build build-san

.PHONY: all unit test sanitize demo install clean
-include $(LIB_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(B)/harness/main.d $(B)/tests/fault_proxy.d
