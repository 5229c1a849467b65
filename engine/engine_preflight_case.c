/* engine_preflight_case.c - the built-in case "preflight" of a version: the
 * pre-flight CONNECT of every endpoint, its answer judged in that version,
 * and for 3.1.1 the capability probe. */
#include <stdio.h>
#include <string.h>

#include "codec/mqtt_rule.h"
#include "engine/engine_preflight.h"
#include "util/alloc.h"

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

/* A version the broker refused is judged by nothing of that version: its
 * answer (often the other version's CONNACK, or a close) is shown, and why
 * the version's cases do not run. */
static void add_refusal(struct case_result *c, const struct engine_preflight *pf, size_t i)
{
	if (pf->rxn)
		results_add_wire(c, pf->t_ms, (int)i, WIRE_RX, pf->rx, pf->rxn, pf->rx_text, NULL);
	else
		results_add_wire(c, pf->t_ms, (int)i, WIRE_CLOSED, NULL, 0, pf->rx_text, NULL);
	char note[600];
	snprintf(note, sizeof note, "MQTT %s refused: its cases are NOT APPLICABLE (%s)", mqtt_version_name(pf->version),
		 pf->why);
	results_add_wire(c, pf->t_ms, (int)i, WIRE_NOTE, NULL, 0, note, NULL);
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
	if (pf->answer == ENGINE_PF_REFUSED) {
		add_refusal(c, pf, i);
		return;
	}
	results_add_wire(c, pf->t_ms, (int)i, WIRE_RX, pf->rx, pf->rxn, pf->rx_text, pf->clause);
	char actual[RESULTS_TEXT_MAX];
	snprintf(actual, sizeof actual, "%s (after %.0f ms)", pf->rx_text, pf->t_ms);
	const char *first = mqtt_rule_clause(pf->version, MQTT_RULE_FIRST_CONNACK);
	add_check(c, cat, first, pf->first_is_connack, i, "a CONNACK as the first packet", actual);
	if (pf->clause && (!first || strcmp(pf->clause, first) != 0)) {
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
	/* 3.1.1's keeps the id it always had. */
	int v5 = n && pf[0].version == MQTT_V5;
	out->id = alloc_strdup(v5 ? "preflight-5.0" : "preflight");
	out->title = alloc_strdup(v5 ? "Built in: a plain MQTT 5.0 CONNECT to each endpoint is answered with a well-formed CONNACK"
				     : "Built in: a plain CONNECT to each endpoint is answered with a well-formed CONNACK");
	out->file = alloc_strdup("(built in)");
	out->protocol = v5 ? MQTT_V5 : MQTT_V311; /* the version the pre-flight's CONNECT speaks */
	out->selected = 1;
	out->nclients = n;
	out->clients = alloc_zeroed(n, sizeof(char *));
	out->client_ids = alloc_zeroed(n, sizeof(char *));
	/* The probe ran only if every endpoint took 3.1.1. */
	int probed = !v5;
	for (size_t i = 0; i < n; i++)
		probed &= pf[i].answer == ENGINE_PF_ACCEPTED;
	size_t nsteps = n + (size_t)probed;
	out->nsteps = out->steps_total = out->steps_run = nsteps;
	out->steps = alloc_zeroed(nsteps, sizeof *out->steps);
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
	if (probed)
		add_probe(out, n, probe, cat);
}
