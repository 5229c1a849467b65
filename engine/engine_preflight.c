/* engine_preflight.c - before any case: can we connect (TCP, TLS, WebSocket),
 * and does the broker accept a plain CONNECT? If it cannot be reached, stays
 * silent or refuses, the run is a set-up error, never a page of INCONCLUSIVE
 * verdicts. If it answers but breaks a rule doing so (the first packet is not
 * a CONNACK, a malformed CONNACK), that is a FAIL of the rule in the built-in
 * case "preflight", and the other cases still run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_encode.h"
#include "codec/mqtt_print.h"
#include "codec/mqtt_rule.h"
#include "engine/sync_client.h"
#include "engine/engine.h"
#include "util/clock.h"
#include "util/alloc.h"

static int fail(struct sync_client *b, struct err *e, const char *url, const char *what)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "pre-flight: %s %s", url, what);
	conn_close(&b->conn);
	return err_set(e, "%s", msg);
}

/* The CONNECT as the trace shows it: its bytes, the password masked. */
static void log_connect(struct engine_preflight *pf, const struct mqtt_packet *p)
{
	int n = mqtt_encode(MQTT_V311, p, pf->tx, sizeof pf->tx);
	pf->txn = n > 0 ? (size_t)n : 0;
	if (n > 0 && p->password.present && p->password.s.n <= (size_t)n)
		memset(pf->tx + n - p->password.s.n, '*', p->password.s.n);
	mqtt_print(p, pf->tx_text, sizeof pf->tx_text);
}

static void log_answer(struct engine_preflight *pf, const struct sync_client *b)
{
	pf->rxn = b->lastn > sizeof pf->rx ? sizeof pf->rx : b->lastn;
	if (pf->rxn)
		memcpy(pf->rx, b->last, pf->rxn);
	pf->first_is_connack = pf->rxn && pf->rx[0] >> 4 == MQTT_CONNACK;
}

/* A packet came (decoded or not): which rule, if any, it breaks. */
static void judge(struct engine_preflight *pf, int decoded, const struct mqtt_packet *a, const struct mqtt_diag *d)
{
	if (!pf->first_is_connack) {
		pf->clause = mqtt_rule_clause(MQTT_V311, MQTT_RULE_FIRST_CONNACK);
		snprintf(pf->what, sizeof pf->what, "the first packet is %s, not CONNACK",
			 mqtt_type_name((enum mqtt_type)(pf->rx[0] >> 4)));
		return;
	}
	struct mqtt_diag c;
	memset(&c, 0, sizeof c);
	if (!decoded) {
		pf->clause = d->clause;
		snprintf(pf->what, sizeof pf->what, "%s", d->msg);
	} else if (mqtt_check(MQTT_V311, a, MQTT_FROM_SERVER, &c) < 0) {
		pf->clause = c.clause;
		snprintf(pf->what, sizeof pf->what, "%s", c.msg);
	}
}

static int refused(struct sync_client *b, struct err *e, const struct conn_endpoint *ep, const struct engine_opts *o,
		   uint8_t rc)
{
	char why[240];
	snprintf(why, sizeof why, "refused a plain CONNECT with return code 0x%02x (%s)%s", rc,
		 mqtt_return_code_name(MQTT_V311, MQTT_CONNACK, rc),
		 (rc == 4 || rc == 5) && !o->username ? "; it wants credentials: --username and --password-file" : "");
	return fail(b, e, ep->url, why);
}

int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, struct engine_preflight *pf,
		     struct err *e)
{
	struct sync_client b;
	double limit = 5000 * o->time_scale, end = clock_ms() + limit;
	memset(pf, 0, sizeof *pf);
	pf->url = ep->url;
	if (sync_client_open(&b, ep, o->conn_ctx, end, e) < 0)
		return err_prefix(e, "pre-flight");
	snprintf(pf->client_id, sizeof pf->client_id, "%s%spre", o->client_prefix ? o->client_prefix : "Ms", o->run_prefix);
	struct mqtt_packet p, a;
	sync_client_connect_packet(&p, pf->client_id, o->username, o->password);
	log_connect(pf, &p);
	double t0 = clock_ms();
	if (sync_client_send(&b, &p, e) < 0) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "could not be sent a CONNECT: %s", e->msg);
		return fail(&b, e, ep->url, what);
	}
	int r = sync_client_recv(&b, end, &a, e);
	pf->t_ms = clock_ms() - t0;
	if (r == 0) {
		char what[200];
		snprintf(what, sizeof what, "did not answer CONNECT within %.0f ms (is it an MQTT 3.1.1 broker?)", limit);
		return fail(&b, e, ep->url, what);
	}
	if (r < 0 && !b.lastn) {
		char what[sizeof e->msg];
		snprintf(what, sizeof what, "did not answer CONNECT with a CONNACK: %s", e->msg);
		return fail(&b, e, ep->url, what);
	}
	log_answer(pf, &b);
	if (r == 1)
		mqtt_print(&a, pf->rx_text, sizeof pf->rx_text);
	else
		snprintf(pf->rx_text, sizeof pf->rx_text, "%s", e->msg);
	judge(pf, r == 1, &a, &b.diag);
	if (!pf->clause && a.type == MQTT_CONNACK && a.return_code != 0)
		return refused(&b, e, ep, o, a.return_code);
	sync_client_close(&b);
	return 0;
}

/* A check of the built-in case on `clause` (none if the catalog lacks it);
 * `expected` NULL: the clause's own words. */
static void add_check(struct case_result *c, const struct catalog *cat, const char *clause, int pass, size_t step,
		      const char *expected, const char *actual)
{
	const struct catalog_clause *cl = clause ? catalog_find(cat, c->protocol, clause) : NULL;
	if (!cl)
		return;
	struct check_result *k = results_add_check(c, cl);
	results_set_outcome(k, pass ? CHECK_PASS : CHECK_FAIL, 0);
	results_set_step(k, step, c->steps[step].path);
	if (expected)
		results_set_expected(k, "%s", expected);
	else
		results_expect_clause(k, cl);
	results_set_actual(k, "%s", actual);
}

/* One endpoint's pre-flight: a step, its trace, its checks. */
static void add_endpoint(struct case_result *c, const struct engine_preflight *pf, size_t i, const struct catalog *cat)
{
	char path[32], detail[400];
	snprintf(path, sizeof path, "preflight[%zu]", i);
	snprintf(detail, sizeof detail, "CONNECT to %s, expect a CONNACK", pf->url);
	struct step_result *s = &c->steps[i];
	s->path = alloc_strdup(path);
	s->kind = "connect";
	s->detail = alloc_strdup(detail);
	s->client = (int)i;
	results_set_step_outcome(s, pf->clause ? STEP_FAILED : STEP_DONE, pf->t_ms);
	results_add_wire(c, 0, (int)i, WIRE_OPEN, NULL, 0, pf->url, NULL);
	results_add_wire(c, 0, (int)i, WIRE_TX, pf->tx, pf->txn, pf->tx_text, NULL);
	results_add_wire(c, pf->t_ms, (int)i, WIRE_RX, pf->rx, pf->rxn, pf->rx_text, pf->clause);
	char actual[RESULTS_TEXT_MAX];
	snprintf(actual, sizeof actual, "%s (after %.0f ms)", pf->rx_text, pf->t_ms);
	const char *first = mqtt_rule_clause(MQTT_V311, MQTT_RULE_FIRST_CONNACK);
	add_check(c, cat, first, pf->first_is_connack, i, "a CONNACK as the first packet", actual);
	if (pf->clause && strcmp(pf->clause, first) != 0) {
		snprintf(actual, sizeof actual, "%s: %s", pf->rx_text, pf->what);
		add_check(c, cat, pf->clause, 0, i, NULL, actual);
	}
}

/* The probe's step: a FAIL check if one of its answers broke a rule. */
static void add_probe(struct case_result *c, size_t i, const struct sync_client_finding *f, const struct catalog *cat)
{
	struct step_result *s = &c->steps[i];
	s->path = alloc_strdup("probe");
	s->kind = "probe";
	s->detail = alloc_strdup("the capability probe: subscriptions, a retained message, $SYS, a long client id");
	s->client = 0;
	results_set_step_outcome(s, f && f->clause ? STEP_FAILED : STEP_DONE, c->duration_ms);
	if (!f || !f->clause)
		return;
	results_add_wire(c, c->duration_ms, 0, WIRE_RX, f->raw, f->rawn, f->what, f->clause);
	add_check(c, cat, f->clause, 0, i, NULL, f->what);
}

void engine_preflight_case(const struct engine_preflight *pf, size_t n, const struct sync_client_finding *probe,
			   const struct catalog *cat, const char *const *notes, size_t nnotes, struct case_result *out)
{
	memset(out, 0, sizeof *out);
	out->id = alloc_strdup("preflight");
	out->title = alloc_strdup("Built in: a plain CONNECT to each endpoint is answered with a well-formed CONNACK");
	out->file = alloc_strdup("(built in)");
	out->protocol = MQTT_V311; /* the version the pre-flight's CONNECT speaks */
	out->selected = 1;
	out->nclients = n;
	out->clients = alloc_zeroed(n, sizeof(char *));
	out->client_ids = alloc_zeroed(n, sizeof(char *));
	out->nsteps = out->steps_total = out->steps_run = n + 1;
	out->steps = alloc_zeroed(n + 1, sizeof *out->steps);
	for (size_t i = 0; i < n; i++) {
		char name[16];
		snprintf(name, sizeof name, "pre%zu", i);
		out->clients[i] = alloc_strdup(name);
		out->client_ids[i] = alloc_strdup(pf[i].client_id);
		add_endpoint(out, &pf[i], i, cat);
		if (pf[i].t_ms > out->duration_ms)
			out->duration_ms = pf[i].t_ms;
	}
	for (size_t i = 0; i < nnotes; i++)
		results_add_wire(out, out->duration_ms, 0, WIRE_NOTE, NULL, 0, notes[i], NULL);
	add_probe(out, n, probe, cat);
}
