/*
 * engine_fixture.h - one case run by the engine against the fake peer
 * (fake_peer.h), the way `mqttspec run` runs cases after its pre-flight:
 * load the catalog and the case, then engine_run on an endpoint.
 *
 * Cases are written inline with ' for " (none of them needs a quote
 * character of its own), so a test reads like the case file it stands for.
 */
#ifndef ENGINE_FIXTURE_H
#define ENGINE_FIXTURE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "case/case.h"
#include "result/results.h"
#include "tests/unit/fake_peer.h"

/* The catalog of every engine test (a checked fixture loads it). */
extern struct catalog ef_cat;
void ef_setup(void);
void ef_teardown(void);

/* Load a case from text (' for "), through a temporary file; a load error fails the test. */
void ef_load(struct case_spec *cs, const char *text);

/* What a test changes of the run (zero: time scale 1, no tolerance, no deadline, one case at a time). */
struct ef_opts {
	double time_scale;
	long tolerance_ms;
	long slack_ms;            /* broker-timer allowance (0: none) */
	long max_wait_ms;         /* 0: 15000, the run's default */
	double deadline_ms;
	volatile sig_atomic_t *stop;
	size_t jobs;
	/* a declared enhanced-authentication exchange (--auth), or method NULL */
	const char *auth_method;
	const struct mqtt_slice *auth_data;
	size_t nauth_data;
	const char *auth_data_hex;
};

struct ef_run {
	struct fake_peer *peer;
	struct case_spec cs[4];
	size_t n;
	struct case_result res[4];
	int cut;                   /* engine_run's value: the run was cut short */
};

/* Serve `scripts` (one per connection, NULL-free, as fake_peer_start) and run
 * the cases texts[0..n-1] on them; the peer is stopped when this returns. */
void ef_run(struct ef_run *r, const char *const *texts, size_t n, const struct fake_step *const *scripts,
	    size_t nscripts, const struct ef_opts *o);
/* The same for one case. */
void ef_run1(struct ef_run *r, const char *text, const struct fake_step *const *scripts, size_t nscripts,
	     const struct ef_opts *o);
void ef_free(struct ef_run *r);

/* The check of the step at `path` ("steps[2]"); fails the test if there is none. */
const struct check_result *ef_check(const struct case_result *res, const char *path);
/* The check (a finding of the decoder or a monitor) naming exactly `clause`, or NULL. */
const struct check_result *ef_finding(const struct case_result *res, const char *clause);

/* How many checks are findings (of the decoder or a monitor), not a step's own. */
size_t ef_nfindings(const struct case_result *res);

/* The result of the step at `path`; fails the test if there is none. */
const struct step_result *ef_step(const struct case_result *res, const char *path);

/* The bytes of a PUBLISH from the broker on `topic` under the case's topic
 * root ("mqttspec/<run>/<case id>/<topic>"), QoS 0 to 2, packet id `pid`
 * (written at QoS > 0, even 0), payload "m". Returns the length. */
size_t ef_publish(uint8_t *buf, size_t cap, const char *case_id, const char *topic, int qos, unsigned pid);

const char *ef_outcome_name(enum check_outcome o);

/* The window the engine reported for a failed step ("(window: 31 ms from ...)"). */
double ef_window_ms(const struct check_result *c);

/* Assert a check's outcome and that its `actual` contains `text` (NULL: not
 * looked at). A macro, so a failure names the test's line. */
#define ef_assert(check, want, text) \
	do { \
		const struct check_result *ef_c_ = (check); \
		const char *ef_t_ = (text); \
		ck_assert_ptr_nonnull(ef_c_); \
		ck_assert_msg(ef_c_->outcome == (want), "%s: %s, expected %s; actual: %s", ef_c_->step_path, \
			      ef_outcome_name(ef_c_->outcome), ef_outcome_name(want), \
			      ef_c_->actual ? ef_c_->actual : "(none)"); \
		ck_assert_msg(!ef_t_ || (ef_c_->actual && strstr(ef_c_->actual, ef_t_)), \
			      "%s: actual \"%s\" lacks \"%s\"", ef_c_->step_path, \
			      ef_c_->actual ? ef_c_->actual : "(none)", ef_t_ ? ef_t_ : ""); \
	} while (0)

#endif
