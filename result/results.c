/* results.c - verdict aggregation and the result model's lifetime. See results.h. */
#include "result/results.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_check.h"
#include "codec/mqtt_decode.h"
#include "util/alloc.h"

const char *results_verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_FAIL:
		return "FAIL";
	case VERDICT_WARN:
		return "WARN";
	case VERDICT_PASS:
		return "PASS";
	case VERDICT_INCONCLUSIVE:
		return "INCONCLUSIVE";
	case VERDICT_NOT_APPLICABLE:
		return "NOT APPLICABLE";
	case VERDICT_NOT_SELECTED:
		return "NOT SELECTED";
	case VERDICT_UNTESTED:
		return "UNTESTED";
	case VERDICT_COUNT:
		break;
	}
	return "?";
}

const char *results_wire_dir_name(enum wire_dir d)
{
	switch (d) {
	case WIRE_TX:
		return "tx";
	case WIRE_RX:
		return "rx";
	case WIRE_OPEN:
		return "open";
	case WIRE_CLOSED:
		return "closed";
	case WIRE_HANGUP:
		return "hangup";
	case WIRE_NOTE:
		return "note";
	}
	return "?";
}

const char *results_step_outcome_name(enum step_outcome o)
{
	switch (o) {
	case STEP_NOT_RUN:
		return "not run";
	case STEP_DONE:
		return "done";
	case STEP_FAILED:
		return "failed";
	case STEP_SKIPPED:
		return "skipped";
	}
	return "?";
}

static enum verdict check_verdict(const struct check_result *c)
{
	switch (c->outcome) {
	case CHECK_PASS:
		return VERDICT_PASS;
	case CHECK_FAIL:
		return c->should ? VERDICT_WARN : VERDICT_FAIL;
	case CHECK_INCONCLUSIVE:
		return VERDICT_INCONCLUSIVE;
	case CHECK_NOT_APPLICABLE:
		return VERDICT_NOT_APPLICABLE;
	}
	return VERDICT_INCONCLUSIVE;
}

static enum verdict case_verdict(const struct case_result *c)
{
	if (!c->selected)
		return VERDICT_NOT_SELECTED;
	int fail = 0, warn = 0, pass = 0, inc = c->setup_error != NULL, na = 0;
	for (size_t i = 0; i < c->nchecks; i++) {
		switch (check_verdict(&c->checks[i])) {
		case VERDICT_FAIL:
			fail = 1;
			break;
		case VERDICT_WARN:
			warn = 1;
			break;
		case VERDICT_PASS:
			pass = 1;
			break;
		case VERDICT_NOT_APPLICABLE:
			na = 1;
			break;
		default:
			inc = 1;
			break;
		}
	}
	if (fail)
		return VERDICT_FAIL;
	if (warn)
		return VERDICT_WARN;
	if (inc)
		return VERDICT_INCONCLUSIVE;
	if (pass)
		return VERDICT_PASS;
	return na ? VERDICT_NOT_APPLICABLE : VERDICT_INCONCLUSIVE;
}

static void add_case_ref(struct clause_result *cr, size_t ci)
{
	if (cr->ncases && cr->cases[cr->ncases - 1] == ci)
		return;
	cr->cases = alloc_resize(cr->cases, (cr->ncases + 1) * sizeof *cr->cases);
	cr->cases[cr->ncases++] = ci;
}

/* Where each catalog clause sits in run->clauses: -1 for a version the run
 * does not report. The run's clauses are filled in catalog order. */
static long *place_clauses(struct run_result *run, const struct catalog *cat, unsigned versions)
{
	long *at = alloc_array(NULL, cat->count + 1, sizeof *at);
	size_t n = 0;
	run->nversions = 0;
	for (size_t p = 0; p < cat->nparts; p++)
		if (versions & RESULTS_VERSION(cat->parts[p].version)) {
			run->versions[run->nversions++] = cat->parts[p].version;
			n += cat->parts[p].count;
		}
	run->clauses = alloc_zeroed(n + 1, sizeof *run->clauses);
	run->nclauses = 0;
	for (size_t k = 0; k < cat->count; k++) {
		at[k] = -1;
		if (!(versions & RESULTS_VERSION(cat->clauses[k].version)))
			continue;
		struct clause_result *cr = &run->clauses[run->nclauses];
		cr->clause = &cat->clauses[k];
		cr->verdict = VERDICT_UNTESTED;
		cr->policing_verdict = VERDICT_UNTESTED;
		at[k] = (long)run->nclauses++;
	}
	return at;
}

/* The run's clause a case names by `id`, in the case's version, or NULL. */
static struct clause_result *named(struct run_result *run, const struct catalog *cat, const long *at,
				   const struct case_result *c, const char *id)
{
	long k = catalog_index(cat, c->protocol, id);
	return k < 0 || at[k] < 0 ? NULL : &run->clauses[at[k]];
}

/* Each check that polices client rules adds its verdict to theirs. */
static void add_policing(struct run_result *run, const struct catalog *cat, const long *at, size_t ci)
{
	const struct case_result *c = &run->cases[ci];
	for (size_t i = 0; i < c->nchecks; i++) {
		const struct check_result *ch = &c->checks[i];
		enum verdict v = c->selected ? check_verdict(ch) : VERDICT_NOT_SELECTED;
		for (size_t j = 0; j < ch->npolices; j++) {
			struct clause_result *cr = named(run, cat, at, c, ch->polices[j]);
			if (!cr)
				continue;
			cr->policed_by = alloc_resize(cr->policed_by, (cr->npoliced_by + 1) * sizeof *cr->policed_by);
			cr->policed_by[cr->npoliced_by++] = (struct policing_ref){ci, i, v};
			if (v < cr->policing_verdict)
				cr->policing_verdict = v;
		}
	}
}

static void free_clauses(struct run_result *run)
{
	for (size_t i = 0; i < run->nclauses; i++) {
		free(run->clauses[i].cases);
		free(run->clauses[i].reason);
		free(run->clauses[i].policed_by);
	}
	free(run->clauses);
	run->clauses = NULL;
	run->nclauses = 0;
}

/* A case's claims and checks, into the verdicts of the clauses they name. */
static void add_case(struct run_result *run, const struct catalog *cat, const long *at, size_t ci)
{
	struct case_result *c = &run->cases[ci];
	for (size_t j = 0; j < c->nclaims; j++) {
		struct clause_result *cr = named(run, cat, at, c, c->claims[j]);
		if (!cr)
			continue;
		add_case_ref(cr, ci);
		if (!c->selected && cr->verdict > VERDICT_NOT_SELECTED)
			cr->verdict = VERDICT_NOT_SELECTED;
	}
	for (size_t i = 0; i < c->nchecks; i++) {
		const struct check_result *ch = &c->checks[i];
		enum verdict v = check_verdict(ch);
		for (size_t j = 0; j < ch->nclauses; j++) {
			struct clause_result *cr = named(run, cat, at, c, ch->clauses[j]);
			if (!cr)
				continue;
			add_case_ref(cr, ci);
			if (v < cr->verdict) {
				cr->verdict = v;
				free(cr->reason);
				cr->reason = NULL;
				if (v == VERDICT_NOT_APPLICABLE && ch->actual)
					cr->reason = alloc_strdup(ch->actual);
			}
		}
	}
}

unsigned results_selected_versions(const struct case_result *cases, size_t n)
{
	unsigned set = 0;
	for (size_t i = 0; i < n; i++)
		if (cases[i].selected)
			set |= RESULTS_VERSION(cases[i].protocol);
	return set;
}

void results_aggregate(struct run_result *run, const struct catalog *cat, unsigned versions)
{
	free_clauses(run);
	long *at = place_clauses(run, cat, versions);
	memset(run->counts, 0, sizeof run->counts);
	memset(run->case_counts, 0, sizeof run->case_counts);
	for (size_t ci = 0; ci < run->ncases; ci++) {
		struct case_result *c = &run->cases[ci];
		c->verdict = case_verdict(c);
		run->case_counts[c->verdict]++;
		add_policing(run, cat, at, ci);
		add_case(run, cat, at, ci);
	}
	free(at);
	for (size_t k = 0; k < run->nclauses; k++) {
		struct clause_result *cr = &run->clauses[k];
		if (cr->verdict == VERDICT_UNTESTED)
			cr->reason = alloc_strdup(cr->clause->untested_reason ? cr->clause->untested_reason
										: "no case checks it yet");
		else if (cr->verdict == VERDICT_NOT_SELECTED && !cr->reason)
			cr->reason = alloc_strdup("its cases were left out by --only");
		run->counts[cr->verdict]++;
	}
}

static const struct check_result *policing_check(const struct run_result *run, const struct policing_ref *p)
{
	if (p->case_index >= run->ncases || p->check_index >= run->cases[p->case_index].nchecks)
		return NULL;
	return &run->cases[p->case_index].checks[p->check_index];
}

/* Two checks of one case naming the same duties read the same: say it once. */
static int same_item(const struct run_result *run, const struct policing_ref *a, const struct policing_ref *b)
{
	const struct check_result *x = policing_check(run, a), *y = policing_check(run, b);
	if (!x || !y || a->case_index != b->case_index || x->nclauses != y->nclauses)
		return 0;
	for (size_t k = 0; k < x->nclauses; k++)
		if (strcmp(x->clauses[k], y->clauses[k]) != 0)
			return 0;
	return 1;
}

char *results_policing_text(const struct run_result *run, const struct clause_result *cr)
{
	if (!cr->npoliced_by)
		return NULL;
	size_t cap = 64, len = 0;
	char *buf = alloc_bytes(cap);
	len = (size_t)snprintf(buf, cap, "%s", results_verdict_name(cr->policing_verdict));
	size_t items = 0;
	for (size_t i = 0; i < cr->npoliced_by; i++) {
		const struct check_result *ch = policing_check(run, &cr->policed_by[i]);
		int dup = !ch;
		for (size_t j = 0; !dup && j < i; j++)
			dup = same_item(run, &cr->policed_by[j], &cr->policed_by[i]);
		if (dup)
			continue;
		const char *id = run->cases[cr->policed_by[i].case_index].id;
		size_t need = strlen(id ? id : "?") + 16;
		for (size_t k = 0; k < ch->nclauses; k++)
			need += strlen(ch->clauses[k]) + 2;
		if (len + need >= cap) {
			cap = 2 * (len + need);
			buf = alloc_resize(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s", items++ ? "; " : " (");
		for (size_t k = 0; k < ch->nclauses; k++)
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", k ? ", " : "", ch->clauses[k]);
		len += (size_t)snprintf(buf + len, cap - len, " in case %s", id ? id : "?");
	}
	if (items)
		snprintf(buf + len, cap - len, ")");
	return buf;
}

int results_exit_status(const struct run_result *run)
{
	if (run->counts[VERDICT_FAIL])
		return 1;
	if (run->strict && run->counts[VERDICT_WARN])
		return 1;
	return 0;
}

void results_case_free(struct case_result *c)
{
	free(c->id);
	free(c->title);
	free(c->file);
	for (size_t i = 0; i < c->nclients; i++) {
		free(c->clients[i]);
		free(c->client_ids[i]);
	}
	free(c->clients);
	free(c->client_ids);
	for (size_t i = 0; i < c->nchecks; i++) {
		struct check_result *ch = &c->checks[i];
		free(ch->clauses);
		free(ch->polices);
		free(ch->step_path);
		free(ch->expected);
		free(ch->actual);
		free(ch->note);
	}
	free(c->checks);
	for (size_t i = 0; i < c->nsteps; i++) {
		free(c->steps[i].path);
		free(c->steps[i].detail);
	}
	free(c->steps);
	free(c->claims);
	free(c->setup_error);
	for (size_t i = 0; i < c->nwire; i++) {
		free(c->wire[i].bytes);
		free(c->wire[i].text);
		free(c->wire[i].rule_msg);
	}
	free(c->wire);
	memset(c, 0, sizeof *c);
}

void results_free(struct run_result *run)
{
	for (size_t i = 0; i < run->ncases; i++)
		results_case_free(&run->cases[i]);
	free(run->cases);
	free_clauses(run);
	for (size_t i = 0; i < run->nprofile; i++) {
		free(run->profile[i].name);
		free(run->profile[i].value);
		free(run->profile[i].source);
	}
	free(run->profile);
	for (size_t i = 0; i < run->nbrokers; i++)
		free(run->brokers[i]);
	free(run->brokers);
	free(run->tool_version);
	free(run->broker_name);
	free(run->started_at);
	free(run->run_prefix);
	free(run->spec);
	free(run->setup_error);
	memset(run, 0, sizeof *run);
}

/* A trace shows beside a packet's fields the rule it breaks, sent or received
 * (a case sends broken packets on purpose): recorded here, so writers only read. */
static char *rule_broken(enum mqtt_version v, enum wire_dir dir, const uint8_t *b, size_t n)
{
	struct mqtt_packet p;
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	if ((dir != WIRE_TX && dir != WIRE_RX) || mqtt_decode(v, b, n, &p, NULL) < 0)
		return NULL;
	if (mqtt_check(v, &p, dir == WIRE_RX ? MQTT_FROM_SERVER : MQTT_FROM_CLIENT, &d) >= 0)
		return NULL;
	return alloc_strdup(d.msg);
}

struct wire_event *results_add_wire(struct case_result *c, double t_ms, int client, enum wire_dir dir,
				    const uint8_t *b, size_t n, const char *text, const char *violation)
{
	if (c->nwire % 32 == 0)
		c->wire = alloc_resize(c->wire, (c->nwire + 32) * sizeof *c->wire);
	struct wire_event *w = &c->wire[c->nwire++];
	memset(w, 0, sizeof *w);
	w->t_ms = t_ms;
	w->client = client;
	w->dir = dir;
	if (b && n) {
		w->bytes = alloc_bytes(n);
		memcpy(w->bytes, b, n);
		w->len = n;
		w->rule_msg = rule_broken(c->protocol, dir, b, n);
	}
	w->text = alloc_strdup(text ? text : "");
	w->violation = violation;
	return w;
}

struct check_result *results_add_check(struct case_result *c, const struct catalog_clause *cl)
{
	c->checks = alloc_resize(c->checks, (c->nchecks + 1) * sizeof *c->checks);
	struct check_result *k = &c->checks[c->nchecks++];
	memset(k, 0, sizeof *k);
	if (!cl)
		return k;
	k->clauses = alloc_bytes(sizeof *k->clauses);
	k->clauses[0] = cl->id;
	k->nclauses = 1;
	for (size_t i = 0; i < c->nclaims; i++)
		if (c->claims[i] == cl->id)
			return k;
	c->claims = alloc_resize(c->claims, (c->nclaims + 1) * sizeof *c->claims);
	c->claims[c->nclaims++] = cl->id;
	return k;
}

struct check_result *results_add_step_check(struct case_result *c, const char *const *clauses, size_t nclauses,
					    const char *const *polices, size_t npolices, int should)
{
	struct check_result *k = results_add_check(c, NULL);
	k->clauses = alloc_array(NULL, nclauses, sizeof *k->clauses);
	memcpy(k->clauses, clauses, nclauses * sizeof *k->clauses);
	k->nclauses = nclauses;
	if (npolices) {
		k->polices = alloc_array(NULL, npolices, sizeof *k->polices);
		memcpy(k->polices, polices, npolices * sizeof *k->polices);
		k->npolices = npolices;
	}
	k->should = should;
	k->outcome = CHECK_INCONCLUSIVE;
	return k;
}

/* Replace *dst with the formatted text, within RESULTS_TEXT_MAX. */
static void set_text(char **dst, const char *fmt, va_list ap)
{
	char buf[RESULTS_TEXT_MAX];
	vsnprintf(buf, sizeof buf, fmt, ap);
	free(*dst);
	*dst = alloc_strdup(buf);
}

void results_set_step(struct check_result *k, size_t step, const char *path)
{
	k->step = step;
	free(k->step_path);
	k->step_path = alloc_strdup(path);
}

void results_set_step_outcome(struct step_result *s, enum step_outcome o, double t_ms)
{
	s->outcome = o;
	s->t_ms = t_ms;
}

void results_set_outcome(struct check_result *k, enum check_outcome o, double t_ms)
{
	k->outcome = o;
	k->t_ms = t_ms;
}

void results_set_expected(struct check_result *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_text(&k->expected, fmt, ap);
	va_end(ap);
}

void results_expect_clause(struct check_result *k, const struct catalog_clause *cl)
{
	results_set_expected(k, "the broker to follow %s: %s", cl->id, cl->summary);
}

void results_set_actual(struct check_result *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_text(&k->actual, fmt, ap);
	va_end(ap);
}

void results_set_note(struct check_result *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_text(&k->note, fmt, ap);
	va_end(ap);
}

int results_set_setup_error(struct case_result *c, const char *fmt, ...)
{
	if (c->setup_error)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	set_text(&c->setup_error, fmt, ap);
	va_end(ap);
	return 1;
}

int results_set_run_setup_error(struct run_result *run, const char *fmt, ...)
{
	if (run->setup_error)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	set_text(&run->setup_error, fmt, ap);
	va_end(ap);
	return 1;
}
