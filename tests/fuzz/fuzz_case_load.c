/*
 * fuzz_case_load.c - libFuzzer target: a case file from a user.
 *
 * The input is written to an in-memory file and loaded with case_load_file()
 * against the real clause catalog (cases/clauses/mqtt-3.1.1.json, or
 * $MQTTSPEC_FUZZ_CATALOG), exactly as `mqttspec run --cases DIR` loads it.
 * The loader must never crash or leak, and every refusal must carry a
 * message that starts with the file's path (design.md: "file: path.in.json:
 * what is wrong").
 *
 * A case that loads is then taken as far as it goes without a broker, as the
 * engine takes it when the case runs: each packet to send is built from its
 * template and encoded, each raw hex step expanded, each expectation
 * described and matched against a small inbox of typical broker packets.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codec/mqtt_decode.h"
#include "codec/mqtt_encode.h"
#include "case/case.h"
#include "case/fields.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/match.h"
#include "case/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz_case_load: %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* Loaded once: the catalog and the file the inputs are written to. */
static struct catalog cat;
static int fd = -1;
static char path[64];

static void setup(void)
{
	if (fd >= 0)
		return;
	const char *cp = getenv("MQTTSPEC_FUZZ_CATALOG");
	struct err e;
	if (catalog_load(&cat, cp ? cp : "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) < 0) {
		fprintf(stderr, "fuzz_case_load: %s (run from the source tree or set MQTTSPEC_FUZZ_CATALOG)\n", e.msg);
		exit(2);
	}
	fd = memfd_create("case.json", 0);
	REQUIRE(fd >= 0, "memfd_create failed");
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
}

/* Typical broker packets for the matcher: CONNACK, SUBACK, PUBLISH QoS 1, PUBREL. */
static const char *const inbox_hex[] = {
	"20020000",
	"9003f00101",
	"3213000d6d71737065632f782f7961620001686921",
	"6202f002",
};

static int unhex(const char *h, uint8_t *out)
{
	int n = 0;
	for (; h[0] && h[1]; h += 2) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
	}
	return n;
}

static void exercise(const struct case_spec *cs)
{
	static const char run[] = "fz0001";
	char topic[300];
	snprintf(topic, sizeof topic, "mqttspec/%s/%s", run, cs->id);
	char **ids = calloc(cs->nclients, sizeof *ids);
	char **names = calloc(cs->nclients, sizeof *names);
	for (size_t i = 0; i < cs->nclients; i++) {
		char id[40];
		snprintf(id, sizeof id, "ms%s%03zu%s", run, i, cs->clients[i].name);
		ids[i] = alloc_strdup(id);
		names[i] = cs->clients[i].name;
	}
	struct tmpl_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.run = run;
	ctx.topic = topic;
	ctx.topic_rest = strchr(topic, '/') + 1;
	ctx.nclients = cs->nclients;
	ctx.client_names = names;
	ctx.client_ids = ids;
	for (size_t i = 0; i < cs->nvars; i++)
		tmpl_vars_set(&ctx.vars, cs->var_names[i], cs->var_values[i]);
	struct arena a = {0};
	struct err e;
	for (size_t i = 0; i < cs->nclients; i++) {
		char *id;
		if (cs->clients[i].client_id && tmpl_expand(&ctx, cs->clients[i].client_id, &a, &id, &e) < 0)
			REQUIRE(e.msg[0], "client_id expansion failed without a message");
	}
	uint8_t raw[4][64];
	struct mqtt_packet pk[4];
	struct match_item items[4];
	for (size_t i = 0; i < 4; i++) {
		int n = unhex(inbox_hex[i], raw[i]);
		REQUIRE(mqtt_decode(MQTT_V311, raw[i], (size_t)n, &pk[i], NULL) == n, "inbox packet %zu", i);
		items[i].pkt = &pk[i];
		items[i].consumed = 0;
	}
	for (size_t i = 0; i < cs->nsteps + cs->ncleanup; i++) {
		const struct case_step *s = &cs->steps[i];
		char text[1500];
		REQUIRE(s->path && s->path[0], "step %zu without a path", i);
		REQUIRE(s->kind == CASE_STEP_WAIT || (s->client >= 0 && (size_t)s->client < cs->nclients),
			"%s: client index %d", s->path, s->client);
		if (s->kind == CASE_STEP_SEND) {
			struct mqtt_packet p;
			if (fields_build(s->packet, &ctx, cs->protocol, ids[s->client], &a, &p, &e) < 0) {
				REQUIRE(e.msg[0], "%s: build failed without a message", s->path);
				continue;
			}
			size_t n = mqtt_encode_size(MQTT_V311, &p);
			if (n) {
				uint8_t *b = arena_alloc(&a, n);
				REQUIRE(mqtt_encode(MQTT_V311, &p, b, n) == (int)n, "%s: encode", s->path);
			}
			char *j = cJSON_PrintUnformatted(s->packet);
			free(j);
		} else if (s->kind == CASE_STEP_SEND_HEX) {
			uint8_t *b;
			size_t n;
			if (tmpl_hex(&ctx, s->hex, &a, &b, &n, &e) < 0)
				REQUIRE(e.msg[0], "%s: hex failed without a message", s->path);
		} else if (s->kind == CASE_STEP_EXPECT) {
			match_describe(&s->expect, text, sizeof text);
			REQUIRE(memchr(text, '\0', sizeof text), "%s: describe not terminated", s->path);
			for (int expired = 0; expired < 2; expired++) {
				struct match_input in = {items, 4, expired ? MATCH_CONN_CLOSED : MATCH_CONN_OPEN, expired, cs->protocol};
				struct match_result m;
				int taken[4] = {0};
				memset(&m, 0, sizeof m);
				m.taken = taken;
				enum match_state st = match_eval(&s->expect, &in, &ctx, &a, &m);
				if (st == MATCH_FAILED || st == MATCH_ERROR)
					REQUIRE(memchr(m.why, '\0', sizeof m.why), "%s: why not terminated", s->path);
				tmpl_vars_clear(&m.binds);
			}
		}
	}
	arena_free(&a);
	tmpl_vars_clear(&ctx.vars);
	for (size_t i = 0; i < cs->nclients; i++)
		free(ids[i]);
	free(ids);
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	REQUIRE(ftruncate(fd, 0) == 0, "ftruncate failed");
	size_t done = 0;
	while (done < size) {
		ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
		REQUIRE(w > 0, "pwrite failed");
		done += (size_t)w;
	}
	struct case_spec cs;
	struct err e;
	memset(&e, 0, sizeof e);
	if (case_load_file(&cs, path, &cat, &e) < 0) {
		size_t pl = strlen(path);
		REQUIRE(strncmp(e.msg, path, pl) == 0 && e.msg[pl] == ':' && e.msg[pl + 1] == ' ' && e.msg[pl + 2] != '\0',
			"refused without \"%s: why\": \"%s\"", path, e.msg);
		return 0;
	}
	REQUIRE(cs.id && cs.nsteps > 0 && cs.nclaims > 0, "loaded a case without id, steps or claims");
	exercise(&cs);
	case_free(&cs);
	return 0;
}
