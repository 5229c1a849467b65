/*
 * case.h - a case file, loaded and validated into plain structs before any
 * byte goes on the wire. The format is documented in cases/README.md.
 *
 * Packet objects stay cJSON (validated against the field table in fields.h)
 * because their strings are templates expanded when the step runs.
 */
#ifndef CASE_H
#define CASE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "codec/mqtt.h"
#include "case/catalog.h"
#include "util/err.h"
#include "case/profile.h"

enum case_step_kind {
	CASE_STEP_OPEN,
	CASE_STEP_SEND,
	CASE_STEP_SEND_HEX,
	CASE_STEP_EXPECT,
	CASE_STEP_DISCONNECT,
	CASE_STEP_CLOSE,
	CASE_STEP_WAIT
};

enum case_expect_kind {
	CASE_EXPECT_PACKET,
	CASE_EXPECT_CLOSED,
	CASE_EXPECT_NOTHING,
	CASE_EXPECT_ORDERED,
	CASE_EXPECT_UNORDERED,
	CASE_EXPECT_ANY_OF,
	/* The SHOULD half of a graded close (5.0): a DISCONNECT matching
	 * `pattern` came on the connection before the broker closed it. */
	CASE_EXPECT_DISCONNECT_FIRST
};

struct case_expect {
	enum case_expect_kind kind;
	const cJSON *pattern;          /* PACKET, DISCONNECT_FIRST; NOTHING (NULL: any packet) */
	struct case_expect *children;  /* ORDERED, UNORDERED, ANY_OF */
	size_t nchildren;
	char *because;                 /* set on an ANY_OF alternative */
};

struct case_gate {
	char *var;
	char **values;  /* one of these; or, with nvalues 0, within the bounds */
	size_t nvalues;
	int has_min, has_max;
	long min, max;
};

/* The word for a step kind in reports and listings ("open", "send", ... "wait";
 * both sends are "send"). */
const char *case_step_kind_name(enum case_step_kind k);

/* How a send step's bytes go into WebSocket frames when the case asks for more
 * than one binary frame (cases/README.md, "WebSocket framing"). The opcodes are
 * RFC 6455's numbers, so the engine hands them to the connection unchanged. */
#define CASE_WS_MAX_SPLIT 16
enum case_ws_opcode { CASE_WS_TEXT = 0x1, CASE_WS_BINARY = 0x2 };
struct case_ws {
	int opcode;                    /* of the first frame: enum case_ws_opcode */
	size_t split[CASE_WS_MAX_SPLIT]; /* offsets, increasing: a new frame (continuation) starts at each */
	size_t nsplit;
	int hold;                      /* with_next: send nothing now, the next send frames these bytes */
};

/* A broker timer's moment (cases/README.md, "Timers"): `seconds` after the
 * step's `from` label on the broker's clock, which ticks in whole seconds,
 * so the run's tolerance and timer slack are taken off (EARLY: still there
 * until then) or added (LATE: gone, or done, by then); then plus_ms. */
enum case_timer_edge { CASE_TIMER_NONE, CASE_TIMER_EARLY, CASE_TIMER_LATE };
struct case_timer {
	enum case_timer_edge edge;
	const cJSON *seconds;          /* integer field (number or template) */
	const cJSON *plus_ms;          /* integer field, or NULL */
};

struct case_step {
	enum case_step_kind kind;
	int client;                    /* index into case_spec.clients, -1 for wait */
	char *path;                    /* "steps[3]", "steps[2].connect", "cleanup[0]" */
	int open_if_closed;            /* connect macro: reuse an open connection */
	const cJSON *packet;           /* SEND */
	char *hex;                     /* SEND_HEX */
	struct case_ws *ws;            /* SEND, SEND_HEX: WebSocket framing asked for, or NULL */
	struct case_expect expect;     /* EXPECT */
	long within_ms;                /* -1: default */
	long wait_ms;                  /* WAIT */
	const cJSON *wait_expr;        /* WAIT: wait_ms given as a template ("{period_ms} / 5"), or NULL */
	struct case_timer timer;       /* WAIT (until the moment), EXPECT (the window ends there) */
	const char **checks;           /* catalog ids (point into the catalog) */
	size_t nchecks;
	const char **polices;          /* client rules (catalog binds "client") whose breach this
					* step's checks hold the broker to answering; never among checks */
	size_t npolices;
	int should;
	int peek;                      /* EXPECT: leave what matched unread for later steps */
	int unscaled;                  /* EXPECT: the window is a protocol timer (keep-alive), not stretched by --time-scale */
	char *label;
	char *branch;                  /* EXPECT any_of: the variable bound to the number of the
					* alternative taken (1 for the first), or NULL */
	int from;                      /* index of the step whose label `from` names, or -1 */
	struct case_gate *gates;
	size_t ngates;
	int refusal_ends;              /* EXPECT of a 5.0 publish macro's PUBACK/PUBREC: a code >= 0x80
					* ends the main steps, the checks after it NOT APPLICABLE */
};

/* The window of an expect step that names no within_ms (cases/README.md). */
#define CASE_PACKET_MS 3000            /* a packet, a close, an ordered set ... */
#define CASE_QUIET_MS 800              /* nothing */
/* An expect step's window in ms, before --time-scale and the tolerance: its
 * within_ms, or the default for what it expects. */
long case_step_window_ms(const struct case_step *s);

struct case_client {
	char *name;
	char *client_id;               /* template, or NULL for a generated id */
	long client_id_length;         /* pad the generated id to this length (0: as generated) */
	int auto_ack;                  /* acknowledge QoS 1/2 deliveries by itself */
	int auto_auth;                 /* answer each AUTH 0x18 with the run's next declared datum (5.0) */
};

struct case_spec {
	char *file;
	char *id;
	enum mqtt_version protocol;    /* its "protocol" ("3.1.1" when absent) */
	char *title;
	char *description;
	char *outside_prefix;          /* why it needs topics outside the run's prefix, or NULL */
	struct profile_caps needs;     /* optional capabilities it depends on (-1: none) */
	struct case_client *clients;
	size_t nclients;
	char **var_names;
	char **var_values;
	size_t nvars;
	struct case_step *steps;       /* main steps, then cleanup steps */
	size_t nsteps;                 /* main steps */
	size_t ncleanup;
	const char **claims;           /* every clause a check names, once */
	size_t nclaims;
	cJSON *root;                   /* owns the JSON the steps point into */
	cJSON *owned;                  /* an array owning JSON the loader made (macros, repeats) */
};

struct case_set {
	struct case_spec *cases;
	size_t n;
};

/* Load one case file. 0, or -1 with "file: json.path: what is wrong". */
int case_load_file(struct case_spec *cs, const char *path, const struct catalog *cat, struct err *e);

/* Load every *.json under dir (recursively, sorted by path; the clauses/
 * folder is skipped). Case ids must be unique. */
int case_load_dir(struct case_set *set, const char *dir, const struct catalog *cat, struct err *e);

void case_free(struct case_spec *cs);
void case_set_free(struct case_set *set);

#endif
