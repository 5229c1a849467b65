/* engine_fixture.c - the engine run on inline cases against the fake peer. See engine_fixture.h. */
#include "tests/unit/engine_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "util/alloc.h"

#define EF_RUN_PREFIX "t0e0s0"

struct catalog ef_cat;

void ef_setup(void)
{
	struct err e;
	ck_assert_msg(catalog_load(&ef_cat, "cases/clauses/mqtt-3.1.1.json", MQTT_V311, &e) == 0, "%s", e.msg);
}

void ef_teardown(void)
{
	catalog_free(&ef_cat);
}

void ef_load(struct case_spec *cs, const char *text)
{
	char path[] = "/tmp/mqttspec-engine-case-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	char *json = alloc_strdup(text);
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	FILE *f = fdopen(fd, "w");
	fputs(json, f);
	fclose(f);
	free(json);
	struct err e;
	int rc = case_load_file(cs, path, &ef_cat, &e);
	unlink(path);
	ck_assert_msg(rc == 0, "the test's case does not load: %s", e.msg);
}

void ef_run(struct ef_run *r, const char *const *texts, size_t n, const struct fake_step *const *scripts,
	    size_t nscripts, const struct ef_opts *o)
{
	static const struct ef_opts none;
	o = o ? o : &none;
	memset(r, 0, sizeof *r);
	ck_assert_uint_le(n, sizeof r->cs / sizeof r->cs[0]);
	r->n = n;
	for (size_t i = 0; i < n; i++)
		ef_load(&r->cs[i], texts[i]);
	r->peer = fake_peer_start(scripts, nscripts);
	struct conn_endpoint ep;
	struct err e;
	ck_assert_msg(conn_endpoint_parse(&ep, fake_peer_url(r->peer), &e) == 0, "%s", e.msg);
	struct conn_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	struct engine_opts eo;
	memset(&eo, 0, sizeof eo);
	eo.eps = &ep;
	eo.neps = 1;
	eo.conn_ctx = &ctx;
	eo.time_scale = o->time_scale > 0 ? o->time_scale : 1.0;
	eo.tolerance_ms = o->tolerance_ms;
	eo.slack_ms = o->slack_ms;
	eo.period_ms = 2000;
	eo.max_wait_ms = o->max_wait_ms ? o->max_wait_ms : 15000;
	eo.jobs = o->jobs ? o->jobs : 1;
	eo.run_prefix = EF_RUN_PREFIX;
	eo.stop = o->stop;
	eo.deadline_ms = o->deadline_ms;
	eo.auth_method = o->auth_method;
	eo.auth_data = o->auth_data;
	eo.nauth_data = o->nauth_data;
	eo.auth_data_hex = o->auth_data_hex;
	r->cut = engine_run(r->cs, n, NULL, &ef_cat, &eo, r->res);
	fake_peer_stop(r->peer);
}

void ef_run1(struct ef_run *r, const char *text, const struct fake_step *const *scripts, size_t nscripts,
	     const struct ef_opts *o)
{
	ef_run(r, &text, 1, scripts, nscripts, o);
}

void ef_free(struct ef_run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		results_case_free(&r->res[i]);
		case_free(&r->cs[i]);
	}
	fake_peer_free(r->peer);
	memset(r, 0, sizeof *r);
}

const struct check_result *ef_check(const struct case_result *res, const char *path)
{
	/* A step's own check comes before any finding made while the step ran
	 * (the engine lists them up front): the first of the path is it. */
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].step_path && strcmp(res->checks[i].step_path, path) == 0)
			return &res->checks[i];
	ck_abort_msg("no check at %s", path);
	return NULL;
}

const struct check_result *ef_finding(const struct case_result *res, const char *clause)
{
	for (size_t i = 0; i < res->nchecks; i++)
		if (res->checks[i].nclauses == 1 && strcmp(res->checks[i].clauses[0], clause) == 0 &&
		    res->checks[i].note && strncmp(res->checks[i].note, "found by", 8) == 0)
			return &res->checks[i];
	return NULL;
}

size_t ef_nfindings(const struct case_result *res)
{
	size_t k = 0;
	for (size_t i = 0; i < res->nchecks; i++)
		k += res->checks[i].note && strncmp(res->checks[i].note, "found by", 8) == 0;
	return k;
}

const struct step_result *ef_step(const struct case_result *res, const char *path)
{
	for (size_t i = 0; i < res->nsteps; i++)
		if (strcmp(res->steps[i].path, path) == 0)
			return &res->steps[i];
	ck_abort_msg("no step %s", path);
	return NULL;
}

size_t ef_publish(uint8_t *buf, size_t cap, const char *case_id, const char *topic, int qos, unsigned pid)
{
	char t[200];
	int tl = snprintf(t, sizeof t, "mqttspec/%s/%s/%s", EF_RUN_PREFIX, case_id, topic);
	size_t rl = 2 + (size_t)tl + (qos ? 2 : 0) + 1;
	ck_assert_uint_lt(rl, 128);
	ck_assert_uint_le(rl + 2, cap);
	size_t n = 0;
	buf[n++] = (uint8_t)(0x30 | qos << 1);
	buf[n++] = (uint8_t)rl;
	buf[n++] = 0;
	buf[n++] = (uint8_t)tl;
	memcpy(buf + n, t, (size_t)tl);
	n += (size_t)tl;
	if (qos) {
		buf[n++] = (uint8_t)(pid >> 8);
		buf[n++] = (uint8_t)pid;
	}
	buf[n++] = 'm';
	return n;
}

const char *ef_outcome_name(enum check_outcome o)
{
	static const char *const names[] = {"PASS", "FAIL", "INCONCLUSIVE", "NOT APPLICABLE"};
	return (unsigned)o < 4 ? names[o] : "?";
}

double ef_window_ms(const struct check_result *c)
{
	const char *w = c->actual ? strstr(c->actual, "(window: ") : NULL;
	double ms = -1;
	ck_assert_msg(w && sscanf(w, "(window: %lf ms", &ms) == 1, "no window in \"%s\"", c->actual);
	return ms;
}
