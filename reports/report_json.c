/*
 * report_json.c - the machine-readable report: the whole run, wire logs included.
 *
 * Schema ("format": "mqttspec-report", "format_version": 1):
 *   tool {name, version}, spec, protocols [version reported], brokers [url], broker_name|null, started_at,
 *   duration_ms, run_prefix, time_scale, timers {tolerance_ms, slack_ms, period_ms, max_wait_ms}, strict, incomplete, insecure,
 *   setup_error|null (why no case ran; then clauses and cases are empty),
 *   summary {clauses {VERDICT: n} x7, cases {VERDICT: n} x7},
 *   baseline null | {file, known, regressions, new_failures [{clauses, protocol, case, step_path}],
 *                    fixed [{protocol, clause, case, reason|null}]},
 *   clauses [{id, protocol, section, keyword, level, binds, observable, summary,
 *             verdict, reason|null, cases [case id],
 *             policing_verdict?, policed_by? [{case, step_path, clauses, verdict}]}]
 *                                                     one per catalog clause; the two policing
 *                                                     fields only on a client rule some check polices
 *   cases [{id, title, file, protocol, verdict, duration_ms, selected,
 *           clients [{name, client_id}], setup_error|null, steps_total, steps_run,
 *           checks [{clauses, polices? [client rule id], level MUST|SHOULD, outcome pass|fail|inconclusive|
 *                    not_applicable, step, step_path, expected, actual, note, t_ms,
 *                    baselined}],
 *           steps [{path, kind, client, detail, outcome done|failed|skipped|not run, t_ms}],
 *           wire [{t_ms, client, dir tx|rx|open|closed|hangup|note, hex?, text,
 *                  violation?, type?}]}]
 * "protocol" is "3.1.1" or "5.0": an id means something only with its version
 * (both have MQTT-3.1.2-3), and the ids inside a case (checks, polices) are of
 * the case's version.
 * The JSON Schema of this is docs/report.schema.json (keep the two in step).
 * Verdicts are results_verdict_name() strings. "hex" is lowercase and present
 * only for events that carry bytes; "type" is the packet type named by the
 * first word of "text", when it names one.
 *
 * Every string is passed through utf8_escape_invalid(): cJSON escapes control
 * characters but copies invalid UTF-8 through, and broker text can be anything.
 */
#include "reports/report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "result/baseline.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "util/utf8_escape.h"

/* cJSON signals a failed allocation by returning NULL; rather than test every
 * call, builders record it here and the writer reports it once. */
struct json_ctx {
	int oom;
};

static cJSON *add(struct json_ctx *x, cJSON *obj, const char *key, cJSON *item)
{
	if (!item) {
		x->oom = 1;
		return NULL;
	}
	int ok = key ? cJSON_AddItemToObject(obj, key, item) : cJSON_AddItemToArray(obj, item);
	if (!ok) {
		cJSON_Delete(item);
		x->oom = 1;
		return NULL;
	}
	return item;
}

/* A sanitized string, or null for NULL. */
static cJSON *str_or_null(const char *s)
{
	if (!s)
		return cJSON_CreateNull();
	char *clean = utf8_escape_invalid(s);
	cJSON *item = cJSON_CreateString(clean);
	free(clean);
	return item;
}

static void add_str(struct json_ctx *x, cJSON *obj, const char *key, const char *s)
{
	add(x, obj, key, str_or_null(s));
}

static void add_num(struct json_ctx *x, cJSON *obj, const char *key, double v)
{
	add(x, obj, key, cJSON_CreateNumber(v));
}

static const char *outcome_name(enum check_outcome o)
{
	switch (o) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	case CHECK_INCONCLUSIVE:
		return "inconclusive";
	case CHECK_NOT_APPLICABLE:
		return "not_applicable";
	}
	return "?";
}

/* The MQTT packet type that `text` starts with, or NULL. The word ends at the
 * first character that is not an upper-case letter, so "CONNACK(rc=0)" and
 * "CONNACK rc=0" both name CONNACK and "CONNECTED" names nothing. */
static const char *packet_type(const char *text)
{
	static const char *const names[] = {"CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC",
					    "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE",
					    "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT"};
	if (!text)
		return NULL;
	size_t n = 0;
	while (text[n] >= 'A' && text[n] <= 'Z')
		n++;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strlen(names[i]) == n && strncmp(text, names[i], n) == 0)
			return names[i];
	return NULL;
}

static cJSON *verdict_counts(struct json_ctx *x, const size_t *counts)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	for (int v = 0; v < VERDICT_COUNT; v++)
		add_num(x, o, results_verdict_name((enum verdict)v), (double)counts[v]);
	return o;
}

/* A client rule's policing: absent unless some check polices it, so that
 * "policing_verdict" is never mistaken for the clause's own verdict. */
static void policing_json(struct json_ctx *x, const struct run_result *run, const struct clause_result *cr, cJSON *o)
{
	add_str(x, o, "policing_verdict", results_verdict_name(cr->policing_verdict));
	cJSON *by = add(x, o, "policed_by", cJSON_CreateArray());
	for (size_t i = 0; by && i < cr->npoliced_by; i++) {
		const struct policing_ref *p = &cr->policed_by[i];
		if (p->case_index >= run->ncases || p->check_index >= run->cases[p->case_index].nchecks)
			continue;
		const struct case_result *c = &run->cases[p->case_index];
		const struct check_result *ch = &c->checks[p->check_index];
		cJSON *r = add(x, by, NULL, cJSON_CreateObject());
		if (!r)
			break;
		add_str(x, r, "case", c->id);
		add_str(x, r, "step_path", ch->step_path);
		cJSON *cl = add(x, r, "clauses", cJSON_CreateArray());
		for (size_t k = 0; cl && k < ch->nclauses; k++)
			add_str(x, cl, NULL, ch->clauses[k]);
		add_str(x, r, "verdict", results_verdict_name(p->verdict));
	}
}

static cJSON *clause_json(struct json_ctx *x, const struct run_result *run, const struct clause_result *cr)
{
	const struct catalog_clause *c = cr->clause;
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(x, o, "id", c ? c->id : NULL);
	add_str(x, o, "protocol", c ? mqtt_version_name(c->version) : NULL);
	add_str(x, o, "section", c ? c->section : NULL);
	add_str(x, o, "keyword", c ? c->keyword : NULL);
	add_str(x, o, "level", c ? catalog_level_name(c->level) : NULL);
	add_str(x, o, "binds", c ? c->binds : NULL);
	add_str(x, o, "observable", c ? c->observable : NULL);
	add_str(x, o, "summary", c ? c->summary : NULL);
	add_str(x, o, "verdict", results_verdict_name(cr->verdict));
	add_str(x, o, "reason", cr->reason);
	cJSON *cases = add(x, o, "cases", cJSON_CreateArray());
	for (size_t i = 0; cases && i < cr->ncases; i++)
		if (cr->cases[i] < run->ncases)
			add_str(x, cases, NULL, run->cases[cr->cases[i]].id);
	if (cr->npoliced_by)
		policing_json(x, run, cr, o);
	return o;
}

static cJSON *check_json(struct json_ctx *x, const struct check_result *ch)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	cJSON *cl = add(x, o, "clauses", cJSON_CreateArray());
	for (size_t i = 0; cl && i < ch->nclauses; i++)
		add_str(x, cl, NULL, ch->clauses[i]);
	if (ch->npolices) {
		cJSON *po = add(x, o, "polices", cJSON_CreateArray());
		for (size_t i = 0; po && i < ch->npolices; i++)
			add_str(x, po, NULL, ch->polices[i]);
	}
	add_str(x, o, "level", ch->should ? "SHOULD" : "MUST");
	add_str(x, o, "outcome", outcome_name(ch->outcome));
	add_num(x, o, "step", (double)ch->step);
	add_str(x, o, "step_path", ch->step_path);
	add_str(x, o, "expected", ch->expected);
	add_str(x, o, "actual", ch->actual);
	add_str(x, o, "note", ch->note);
	add_num(x, o, "t_ms", ch->t_ms);
	add(x, o, "baselined", cJSON_CreateBool(ch->baselined));
	return o;
}

static cJSON *wire_json(struct json_ctx *x, const struct case_result *c, const struct wire_event *ev)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_num(x, o, "t_ms", ev->t_ms);
	add_str(x, o, "client",
		ev->client >= 0 && (size_t)ev->client < c->nclients ? c->clients[ev->client] : NULL);
	add_str(x, o, "dir", results_wire_dir_name(ev->dir));
	if (ev->bytes) {
		static const char digits[] = "0123456789abcdef";
		char *hex = alloc_bytes(2 * ev->len + 1);
		for (size_t i = 0; i < ev->len; i++) {
			hex[2 * i] = digits[ev->bytes[i] >> 4];
			hex[2 * i + 1] = digits[ev->bytes[i] & 0x0F];
		}
		hex[2 * ev->len] = '\0';
		add(x, o, "hex", cJSON_CreateString(hex));
		free(hex);
	}
	add_str(x, o, "text", ev->text);
	if (ev->violation)
		add_str(x, o, "violation", ev->violation);
	const char *type = packet_type(ev->text);
	if (type)
		add_str(x, o, "type", type);
	return o;
}

static cJSON *case_json(struct json_ctx *x, const struct case_result *c)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(x, o, "id", c->id);
	add_str(x, o, "title", c->title);
	add_str(x, o, "file", c->file);
	add_str(x, o, "protocol", mqtt_version_name(c->protocol));
	add_str(x, o, "verdict", results_verdict_name(c->verdict));
	add_num(x, o, "duration_ms", c->duration_ms);
	add(x, o, "selected", cJSON_CreateBool(c->selected));
	cJSON *clients = add(x, o, "clients", cJSON_CreateArray());
	for (size_t i = 0; clients && i < c->nclients; i++) {
		cJSON *cl = add(x, clients, NULL, cJSON_CreateObject());
		if (!cl)
			break;
		add_str(x, cl, "name", c->clients[i]);
		add_str(x, cl, "client_id", c->client_ids ? c->client_ids[i] : NULL);
	}
	add_str(x, o, "setup_error", c->setup_error);
	add_num(x, o, "steps_total", (double)c->steps_total);
	add_num(x, o, "steps_run", (double)c->steps_run);
	cJSON *checks = add(x, o, "checks", cJSON_CreateArray());
	for (size_t i = 0; checks && i < c->nchecks; i++)
		add(x, checks, NULL, check_json(x, &c->checks[i]));
	cJSON *steps = add(x, o, "steps", cJSON_CreateArray());
	for (size_t i = 0; steps && i < c->nsteps; i++) {
		const struct step_result *sr = &c->steps[i];
		cJSON *so = add(x, steps, NULL, cJSON_CreateObject());
		if (!so)
			break;
		add_str(x, so, "path", sr->path);
		add_str(x, so, "kind", sr->kind);
		add_str(x, so, "client", sr->client >= 0 && (size_t)sr->client < c->nclients ? c->clients[sr->client] : NULL);
		add_str(x, so, "detail", sr->detail);
		add_str(x, so, "outcome", results_step_outcome_name(sr->outcome));
		add_num(x, so, "t_ms", sr->t_ms);
	}
	cJSON *wire = add(x, o, "wire", cJSON_CreateArray());
	for (size_t i = 0; wire && i < c->nwire; i++)
		add(x, wire, NULL, wire_json(x, c, &c->wire[i]));
	return o;
}

/* null without a baseline; else the file, its counts, the regressions (failed
 * checks it does not list) and the entries that now pass. */
static cJSON *baseline_json(struct json_ctx *x, const struct run_result *run)
{
	if (!run->baseline)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	add_str(x, o, "file", run->baseline);
	add_num(x, o, "known", (double)run->known);
	add_num(x, o, "regressions", (double)run->regressions);
	cJSON *reg = add(x, o, "new_failures", cJSON_CreateArray());
	for (size_t i = 0; reg && i < run->ncases; i++) {
		const struct case_result *c = &run->cases[i];
		for (size_t j = 0; j < c->nchecks; j++) {
			const struct check_result *ch = &c->checks[j];
			if (ch->baselined || !baseline_check_counts(run, ch))
				continue;
			cJSON *r = add(x, reg, NULL, cJSON_CreateObject());
			cJSON *cl = r ? add(x, r, "clauses", cJSON_CreateArray()) : NULL;
			for (size_t k = 0; cl && k < ch->nclauses; k++)
				add_str(x, cl, NULL, ch->clauses[k]);
			if (r) {
				add_str(x, r, "protocol", mqtt_version_name(c->protocol));
				add_str(x, r, "case", c->id);
				add_str(x, r, "step_path", ch->step_path);
			}
		}
	}
	cJSON *fixed = add(x, o, "fixed", cJSON_CreateArray());
	for (size_t i = 0; fixed && i < run->nfixed; i++) {
		cJSON *f = add(x, fixed, NULL, cJSON_CreateObject());
		if (!f)
			break;
		add_str(x, f, "protocol", mqtt_version_name(run->fixed[i].version));
		add_str(x, f, "clause", run->fixed[i].clause);
		add_str(x, f, "case", run->fixed[i].case_id);
		add_str(x, f, "reason", run->fixed[i].reason);
	}
	return o;
}

static cJSON *run_json(struct json_ctx *x, const struct run_result *run)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
	add_str(x, root, "format", "mqttspec-report");
	add_num(x, root, "format_version", 1);
	cJSON *tool = add(x, root, "tool", cJSON_CreateObject());
	if (tool) {
		add_str(x, tool, "name", "mqttspec");
		add_str(x, tool, "version", run->tool_version);
	}
	add_str(x, root, "spec", run->spec);
	cJSON *versions = add(x, root, "protocols", cJSON_CreateArray());
	for (size_t i = 0; versions && i < run->nversions; i++)
		add_str(x, versions, NULL, mqtt_version_name(run->versions[i]));
	cJSON *brokers = add(x, root, "brokers", cJSON_CreateArray());
	for (size_t i = 0; brokers && i < run->nbrokers; i++)
		add_str(x, brokers, NULL, run->brokers[i]);
	add_str(x, root, "broker_name", run->broker_name);
	add_str(x, root, "started_at", run->started_at);
	add_num(x, root, "duration_ms", run->duration_ms);
	add_str(x, root, "run_prefix", run->run_prefix);
	add_num(x, root, "time_scale", run->time_scale);
	cJSON *timers = add(x, root, "timers", cJSON_CreateObject());
	add_num(x, timers, "tolerance_ms", (double)run->tolerance_ms);
	add_num(x, timers, "slack_ms", (double)run->slack_ms);
	add_num(x, timers, "period_ms", (double)run->period_ms);
	add_num(x, timers, "max_wait_ms", (double)run->max_wait_ms);
	add(x, root, "strict", cJSON_CreateBool(run->strict));
	add(x, root, "incomplete", cJSON_CreateBool(run->incomplete));
	add(x, root, "insecure", cJSON_CreateBool(run->insecure));
	add_str(x, root, "setup_error", run->setup_error);
	cJSON *prof = add(x, root, "profile", cJSON_CreateObject());
	for (size_t i = 0; prof && i < run->nprofile; i++) {
		cJSON *cap = add(x, prof, run->profile[i].name, cJSON_CreateObject());
		if (!cap)
			break;
		add_str(x, cap, "value", run->profile[i].value);
		add_str(x, cap, "source", run->profile[i].source);
	}
	cJSON *summary = add(x, root, "summary", cJSON_CreateObject());
	if (summary) {
		add(x, summary, "clauses", verdict_counts(x, run->counts));
		add(x, summary, "cases", verdict_counts(x, run->case_counts));
	}
	add(x, root, "baseline", baseline_json(x, run));
	cJSON *clauses = add(x, root, "clauses", cJSON_CreateArray());
	for (size_t i = 0; clauses && i < run->nclauses; i++)
		add(x, clauses, NULL, clause_json(x, run, &run->clauses[i]));
	cJSON *cases = add(x, root, "cases", cJSON_CreateArray());
	for (size_t i = 0; cases && i < run->ncases; i++)
		add(x, cases, NULL, case_json(x, &run->cases[i]));
	return root;
}

int report_json_write(const struct run_result *run, FILE *out, struct err *e)
{
	struct json_ctx x = {0};
	cJSON *root = run_json(&x, run);
	if (!root || x.oom) {
		cJSON_Delete(root);
		return err_set(e, "JSON report: out of memory");
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return err_set(e, "JSON report: out of memory");
	fputs(text, out);
	fputc('\n', out);
	free(text);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "JSON report: write error");
	return 0;
}
