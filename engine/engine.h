/*
 * engine.h - runs cases against the broker: one poll loop, many cases at
 * once, several scripted clients per case. Every wait is bounded.
 */
#ifndef ENGINE_H
#define ENGINE_H

#include <signal.h>
#include <stddef.h>

#include "case/case.h"
#include "case/catalog.h"
#include "net/conn.h"
#include "result/results.h"

struct engine_opts {
	const struct conn_endpoint *eps;
	size_t neps;
	struct conn_ctx *conn_ctx;   /* TLS settings shared by every connection */
	double time_scale;        /* multiplies every window */
	long tolerance_ms;        /* added to upper bounds of arrival windows */
	long slack_ms;            /* broker timers: on top of the tolerance, unscaled (whole-second ticks) */
	long period_ms;           /* the broker's timer period, for sampled checks ({period_ms}) */
	long max_wait_ms;         /* the longest one broker-timer wait; past it NOT APPLICABLE */
	size_t jobs;              /* cases at once */
	const char *run_prefix;   /* [0-9a-z], 6 characters */
	const char *client_prefix;/* replaces "Ms" in generated client ids, or NULL */
	const char *topic_prefix; /* replaces "mqttspec" as the first topic level, or NULL */
	const char *username;     /* the run's credentials, added to every CONNECT that names none */
	const char *password;
	/* A declared enhanced-authentication exchange (--auth FILE): the method,
	 * and the data the client sends, in order: the first in CONNECT ({auth_data}),
	 * each next one in the AUTH answering the broker's AUTH 0x18 (auto_auth). */
	const char *auth_method;
	const struct mqtt_slice *auth_data;
	size_t nauth_data;
	const char *auth_data_hex; /* the first datum, in hex */
	long propagation_ms;      /* extra window for messages that cross endpoints (clusters) */
	int stay_in_prefix;       /* no topic outside the prefixes, not even to probe $SYS */
	/* Per case: why it is NOT APPLICABLE (a capability the broker lacks), or NULL to run it. */
	const char *const *not_applicable;
	volatile sig_atomic_t *stop; /* set by a signal: cut the run short */
	double deadline_ms;       /* whole-run limit (0: none) */
	/* Called after each case finishes (progress), may be NULL. */
	void (*progress)(void *arg, size_t done, size_t total, const struct case_result *r);
	void *progress_arg;
};

/* Run the selected cases (selected[i] != 0; NULL = all). results must hold
 * n entries; every case gets a result, unselected ones marked so.
 * Returns 1 if the run was cut short, else 0. */
int engine_run(const struct case_spec *cases, size_t n, const int *selected, const struct catalog *cat,
	       const struct engine_opts *o, struct case_result *results);

#endif
