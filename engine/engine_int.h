/*
 * engine_int.h - the engine's private state, shared by engine.c (loop and
 * case lifecycle), engine_client.c (a client's bytes) and engine_step.c
 * (what each step does).
 */
#ifndef ENGINE_INT_H
#define ENGINE_INT_H

#include "codec/mqtt.h"
#include "util/arena.h"
#include "engine/engine.h"
#include "engine/engine_alias.h"
#include "engine/engine_monitor.h"
#include "case/tmpl.h"

enum engine_cstate {
	ENGINE_IDLE,        /* never opened */
	ENGINE_CONNECTING,
	ENGINE_OPEN,
	ENGINE_PEER_CLOSED, /* the broker closed it (or reset it) */
	ENGINE_BROKEN,      /* we dropped it: the broker sent something unreadable */
	ENGINE_HUNG_UP      /* we closed it on purpose */
};

struct engine_msg {
	struct mqtt_packet pkt; /* slices point into raw */
	uint8_t *raw;
	size_t len;
	double t;
	int consumed;
	const char *viol;       /* the first rule of the spec the packet breaks (its clause), or NULL */
};

struct engine_client {
	struct conn conn;
	enum engine_cstate state;
	const struct conn_endpoint *ep;
	uint8_t *rx;
	size_t rxn, rxcap;
	int close_after_flush; /* hang up once the queued bytes are written (DISCONNECT) */
	struct engine_msg *in;
	size_t nin, capin;
	size_t *held;          /* the run's count of held packets (engine_case.held) */
	double closed_at;
	struct mon_conn mon;   /* the monitors' view of the current connection */
	struct engine_alias alias; /* the broker's Topic Aliases on this connection */
	size_t auth_round;     /* auto_auth: the broker's AUTH 0x18 answered so far on this connection */
};

enum engine_phase { ENGINE_MAIN, ENGINE_CLEANUP, ENGINE_DONE };

/* One case in flight: its clients, where its steps are, its result so far. */
struct engine_case {
	const struct case_spec *spec;
	struct case_result *res;
	const struct catalog *cat;
	const struct engine_opts *o;
	struct engine_client *cl;
	struct tmpl_ctx ctx;
	struct arena arena;
	char topic[256];
	char timing[4][24];  /* {tol_ms} {slack_ms} {period_ms} {max_wait_ms}, for ctx */
	enum engine_phase phase;
	size_t step;
	int started;        /* the current step has begun */
	int skipped;        /* the current step's gate did not hold */
	double t0;          /* case start (ms, monotonic) */
	double step_t0;
	double deadline;    /* the current step's bound (ms, monotonic), 0 none */
	double *label_t;    /* per step: when it finished */
	long *check_of;     /* per step: index of its check_result, or -1 */
	size_t *held;       /* packets in the inboxes of every case running (engine_run()'s count) */
	size_t nviolations; /* wire violations recorded as checks in this case */
	struct engine_monitor mon; /* invariants over every packet the broker sends */
	char refused[300];  /* set by a step: the broker refused what the case needs (a 5.0 PUBACK >= 0x80);
			     * the main steps end there, the checks after it NOT APPLICABLE with this */
};

enum engine_step_rc { ENGINE_STEP_DONE, ENGINE_STEP_PENDING, ENGINE_STEP_ABORT };

/* engine_client.c */
void engine_client_open(struct engine_case *r, int ci, double now);
void engine_client_on_io(struct engine_case *r, int ci, short revents, double now);
/* Queue bytes; `logged` is what the wire trace shows (passwords masked), same length. */
/* auto_auth (engine_auth.c): answer the broker's AUTH 0x18 with the next
 * declared datum; 1 when it did (the AUTH is then read). */
int engine_auth_answer(struct engine_case *r, int ci, const struct mqtt_packet *got, double now);
/* A step sent p: a re-authentication (AUTH 0x19) starts the data over. */
void engine_auth_sent(struct engine_case *r, int ci, const struct mqtt_packet *p);
/* Mask every declared authentication datum in b (a copy for the trace). */
void engine_auth_mask(const struct engine_opts *o, uint8_t *b, size_t n);

void engine_client_send(struct engine_case *r, int ci, const uint8_t *b, const uint8_t *logged, size_t n, const char *text,
			double now);
/* Send DISCONNECT if open, then close (before clean-up and at the end). */
void engine_client_finish(struct engine_case *r, int ci, double now);
void engine_client_hangup(struct engine_case *r, int ci, double now);
void engine_client_free(struct engine_client *c);
void engine_client_wire(struct engine_case *r, int ci, enum wire_dir dir, const uint8_t *b, size_t n, const char *text,
			const char *violation, double now);
/* Record a check result at run time: a rule a received packet broke. */
void engine_client_violation(struct engine_case *r, const char *clause, const char *what, double now);
/* The clause of a transport rule in the case's version; NULL for none. */
const char *engine_transport_clause(const struct engine_case *r, enum conn_rule k);

/* engine_timer.c: when a step's broker timer (s->timer) sets its moment:
 * 0 and *at (ms, monotonic); 1 it cannot be judged here, why says so (NOT
 * APPLICABLE: past --max-wait-ms, or an early edge at or before its label);
 * -1 the case is wrong (why). */
int engine_timer_moment(struct engine_case *r, const struct case_step *s, double *at, char *why, size_t n);

/* engine_step.c */
enum engine_step_rc engine_step_poll(struct engine_case *r, double now);
/* 1 if the current step is an open step whose checks name `clause` (a
 * transport finding at set-up is then that step's check, not a separate one). */
int engine_step_claims_setup(const struct engine_case *r, const char *clause);
/* Mark a step failed as set-up (no checks) or its checks failed. */
void engine_step_fail(struct engine_case *r, const char *why, double now);

#endif
