/*
 * cli_explain.c - mqttspec explain CLAUSE: what a clause means and how the
 * suite tests it, for someone learning the spec or reading a FAIL.
 *
 * Everything comes from the catalog (our summary, never the spec's words)
 * and the loaded cases: each case that checks the clause is shown step by
 * step in words, with the steps whose checks name the clause marked. An
 * unknown id exits 2 and suggests the closest ids.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "case/match.h"
#include "net/ws_frame.h"

#define SUGGESTIONS 5

/* A send step's WebSocket framing, in the words of cases/README.md. */
static void ws_detail(const struct case_ws *o, char *d, size_t n)
{
	size_t l = strlen(d);
	if (o->hold) {
		snprintf(d + l, n - l, "  (WebSocket: held for the next send's frame)");
		return;
	}
	l += (size_t)snprintf(d + l, n - l, "  (WebSocket: %s frame", o->opcode == CASE_WS_TEXT ? "text" : "binary");
	for (size_t i = 0; i < o->nsplit && l < n; i++)
		l += (size_t)snprintf(d + l, n - l, "%s%zu", i ? ", " : ", split at bytes ", o->split[i]);
	if (l < n)
		snprintf(d + l, n - l, ")");
}

/* The same words the engine puts in a step result's detail. */
static void step_detail(const struct case_step *s, char *d, size_t n)
{
	d[0] = '\0';
	switch (s->kind) {
	case CASE_STEP_EXPECT:
		match_describe(&s->expect, d, n);
		break;
	case CASE_STEP_SEND: {
		char *j = cJSON_PrintUnformatted(s->packet);
		snprintf(d, n, "%s", j ? j : "");
		free(j);
		break;
	}
	case CASE_STEP_SEND_HEX:
		snprintf(d, n, "hex %s", s->hex);
		break;
	case CASE_STEP_WAIT:
		snprintf(d, n, "%ld ms", s->wait_ms);
		break;
	case CASE_STEP_OPEN:
	case CASE_STEP_DISCONNECT:
	case CASE_STEP_CLOSE:
		break;
	}
	if (s->ws)
		ws_detail(s->ws, d, n);
}

static int names(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/* One gate of a step: "rc=0|1", or for a bound (no values) "rc>=128". */
static void print_gate(const struct case_gate *g, int first)
{
	printf("%s%s", first ? "  (only when " : ", ", g->var);
	if (g->nvalues) {
		putchar('=');
		for (size_t v = 0; v < g->nvalues; v++)
			printf("%s%s", v ? "|" : "", g->values[v]);
		return;
	}
	if (g->has_min)
		printf(">=%ld", g->min);
	if (g->has_max)
		printf("%s<=%ld", g->has_min ? " and " : "", g->max);
}

static void print_step(const struct case_spec *cs, size_t i, const char *clause)
{
	const struct case_step *s = &cs->steps[i];
	char d[1600];
	step_detail(s, d, sizeof d);
	int polices = names(s->polices, s->npolices, clause);
	int mine = names(s->checks, s->nchecks, clause) || polices;
	const char *client = s->client >= 0 && (size_t)s->client < cs->nclients ? cs->clients[s->client].name : "-";
	printf("  %s %3zu. %-22s %-8s %-10s %s", mine ? ">>" : "  ", i + 1, s->path, client, case_step_kind_name(s->kind), d);
	for (size_t g = 0; g < s->ngates; g++) {
		print_gate(&s->gates[g], g == 0);
		if (g + 1 == s->ngates)
			putchar(')');
	}
	if (s->nchecks) {
		printf("\n%33s checks", "");
		for (size_t k = 0; k < s->nchecks; k++)
			printf("%s %s", k ? "," : "", s->checks[k]);
		printf(" (%s)", s->should ? "SHOULD" : "MUST");
		if (s->kind == CASE_STEP_EXPECT && s->within_ms >= 0)
			printf(", within %ld ms", s->within_ms);
		for (size_t k = 0; k < s->npolices; k++)
			printf("%s %s", k ? "," : "; polices the client rule", s->polices[k]);
		if (mine)
			printf(polices ? "   <-- polices this rule" : "   <-- this clause");
	}
	putchar('\n');
}

/* Whether a step of the case polices the client rule `id`. */
static int case_polices(const struct case_spec *cs, const char *id)
{
	for (size_t i = 0; i < cs->nsteps; i++)
		if (names(cs->steps[i].polices, cs->steps[i].npolices, id))
			return 1;
	return 0;
}

static void print_case(const struct case_spec *cs, const char *clause, int policing)
{
	printf("\ncase %s: %s\n", cs->id, cs->title);
	printf("  file: %s\n", cs->file);
	if (cs->description)
		printf("  about: %s\n", cs->description);
	printf("  clients:");
	for (size_t i = 0; i < cs->nclients; i++)
		printf(" %s%s", cs->clients[i].name, cs->clients[i].auto_ack ? " (acknowledges by itself)" : "");
	printf("\n  steps (>> marks the checks %s %s):\n", policing ? "that police" : "of", clause);
	for (size_t i = 0; i < cs->nsteps + cs->ncleanup; i++) {
		if (i == cs->nsteps && cs->ncleanup)
			printf("  clean-up (always runs, checks nothing):\n");
		print_step(cs, i, clause);
	}
}

/* Edit distance, case-insensitive; ids are short, so O(n*m) is nothing. */
static size_t distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	size_t *row = alloc_bytes((m + 1) * sizeof *row);
	for (size_t j = 0; j <= m; j++)
		row[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	size_t d = row[m];
	free(row);
	return d;
}

/* The closest ids of the versions asked for (`version`, -1 for all),
 * qualified: a suggestion must say which clause it means. */
static void suggest(const struct catalog *cat, int version, const char *want)
{
	size_t best[SUGGESTIONS], dist[SUGGESTIONS], n = 0, wl = strlen(want);
	for (size_t i = 0; i < cat->count; i++) {
		const char *id = cat->clauses[i].id;
		if (version >= 0 && (int)cat->clauses[i].version != version)
			continue;
		/* A prefix ("MQTT-3.1.2") counts as close whatever its length. */
		size_t d = strncasecmp(id, want, wl) == 0 ? 1 : distance(want, id);
		if (d > 3)
			continue;
		size_t k = n < SUGGESTIONS ? n++ : SUGGESTIONS;
		if (k == SUGGESTIONS) {
			if (d >= dist[SUGGESTIONS - 1])
				continue;
			k = SUGGESTIONS - 1;
		}
		while (k > 0 && dist[k - 1] > d) {
			best[k] = best[k - 1];
			dist[k] = dist[k - 1];
			k--;
		}
		best[k] = i;
		dist[k] = d;
	}
	if (n == 0) {
		fprintf(stderr, "(mqttspec list clauses shows every id)\n");
		return;
	}
	fprintf(stderr, "did you mean:");
	for (size_t i = 0; i < n; i++) {
		char qid[CATALOG_QID_MAX];
		const struct catalog_clause *c = &cat->clauses[best[i]];
		fprintf(stderr, " %s", catalog_id_qualify(c->version, c->id, qid, sizeof qid));
	}
	fputc('\n', stderr);
}

/* In version `v`: the exact id, else case-insensitive, else with "MQTT-" in
 * front ("3.1.2-3"). */
static const struct catalog_clause *lookup(const struct catalog *cat, enum mqtt_version v, const char *want)
{
	const struct catalog_clause *c = catalog_find(cat, v, want);
	for (size_t i = 0; !c && i < cat->count; i++)
		if (cat->clauses[i].version == v && strcasecmp(cat->clauses[i].id, want) == 0)
			c = &cat->clauses[i];
	if (!c && isdigit((unsigned char)want[0])) {
		char buf[128];
		snprintf(buf, sizeof buf, "MQTT-%s", want);
		c = catalog_find(cat, v, buf);
	}
	return c;
}

static const char *binds_words(const char *b)
{
	if (strcmp(b, "server") == 0)
		return "the server (the broker under test)";
	if (strcmp(b, "client") == 0)
		return "the client (mqttspec cannot show a broker breaking it)";
	if (strcmp(b, "both") == 0)
		return "both sides";
	if (strcmp(b, "sender") == 0)
		return "whoever sends the packet";
	if (strcmp(b, "receiver") == 0)
		return "whoever receives the packet";
	return b;
}

/* Whether the case is of the clause's version and names it in its claims. */
static int case_tests(const struct case_spec *cs, const struct catalog_clause *c)
{
	return cs->protocol == c->version && names(cs->claims, cs->nclaims, c->id);
}

/* A client rule the broker cannot break, but must answer when a client does:
 * the cases whose checks hold it to that duty, labelled as policing. */
static void print_policing(const struct case_set *set, const struct catalog_clause *c)
{
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		n += (size_t)(set->cases[i].protocol == c->version && case_polices(&set->cases[i], c->id));
	if (!n)
		return;
	printf("\nPoliced by the broker in %zu case%s: a client breaks this rule on purpose and the checks hold\n"
	       "the broker to its duty (they name that duty, not this rule). A run reports their verdict under this\n"
	       "rule as \"policed by the broker\"; the rule's own verdict stays UNTESTED.\n",
	       n, n == 1 ? "" : "s");
	for (size_t i = 0; i < set->n; i++)
		if (set->cases[i].protocol == c->version && case_polices(&set->cases[i], c->id))
			print_case(&set->cases[i], c->id, 1);
}

/* One clause: what it means, and the cases of its version that test it. */
static void explain_one(const struct catalog *cat, const struct case_set *set, const struct catalog_clause *c)
{
	const char *spec = catalog_part(cat, c->version)->spec;
	char qid[CATALOG_QID_MAX];
	printf("%s  %s, section %s of %s\n\n", catalog_id_qualify(c->version, c->id, qid, sizeof qid), c->keyword,
	       c->section, spec);
	printf("  keyword:     %s\n", c->keyword);
	printf("  level:       %s%s\n", catalog_level_name(c->level),
	       c->level == CATALOG_MUST     ? " (a failed check is FAIL)"
	       : c->level == CATALOG_SHOULD ? " (a failed check is WARN; --strict counts it as failing)"
					    : " (a permission: cases rely on it, nothing fails it)");
	printf("  binds:       %s\n", binds_words(c->binds));
	printf("  observable:  %s%s\n", c->observable,
	       strcmp(c->observable, "yes") == 0     ? " (a client sees it on the wire)"
	       : strcmp(c->observable, "partly") == 0 ? " (a client sees some of it on the wire)"
						      : " (a client cannot see it on the wire)");
	printf("  summary:     %s (our words)\n", c->summary);
	if (c->own)
		printf("  spec text:   section %s of %s; the spec gives this rule no number, the id is ours\n", c->section,
		       spec);
	else
		printf("  spec text:   section %s of %s (OASIS Standard), the statement marked [%s]\n", c->section, spec,
		       c->id);
	size_t n = 0;
	for (size_t i = 0; i < set->n; i++)
		n += (size_t)case_tests(&set->cases[i], c);
	if (n == 0) {
		printf("\nNo case tests it: %s\n", c->untested_reason ? c->untested_reason : "no case checks it yet");
	} else {
		printf("\nTested by %zu case%s:\n", n, n == 1 ? "" : "s");
		for (size_t i = 0; i < set->n; i++)
			if (case_tests(&set->cases[i], c))
				print_case(&set->cases[i], c->id, 0);
	}
	print_policing(set, c);
}

/* The version asked for: the id's qualifier, else --protocol; -1 for every
 * version; -2 after a usage error (said). */
static int explain_version(const struct cli_opts *o, const char *qualifier_text, int qualified)
{
	int p = -1;
	if (o->protocol && strcmp(o->protocol, "all") != 0 && (p = mqtt_version_from_name(o->protocol)) < 0) {
		cli_usage_error("--protocol: expected 3.1.1, 5.0 or all, got \"%s\"", o->protocol);
		return -2;
	}
	if (qualified >= 0 && p >= 0 && p != qualified) {
		fprintf(stderr, "mqttspec: explain %s: the id is qualified with %s, but --protocol says %s\n",
			qualifier_text, mqtt_version_name((enum mqtt_version)qualified), o->protocol);
		return -2;
	}
	return qualified >= 0 ? qualified : p;
}

int cli_explain(struct cli_opts *o, const char *text)
{
	const char *want;
	int q;
	if (catalog_id_parse(text, &q, &want) < 0)
		return cli_usage_error("explain \"%s\": qualify the id with 3.1.1: or 5.0:, or give it bare", text);
	int version = explain_version(o, text, q);
	if (version == -2)
		return 2;
	struct catalog cat;
	struct case_set set;
	if (cli_load(o, &cat, &set) < 0)
		return 2;
	/* A bare id may name a clause in each version: they mean different things, so both are shown. */
	size_t found = 0;
	for (size_t p = 0; p < cat.nparts; p++) {
		if (version >= 0 && (int)cat.parts[p].version != version)
			continue;
		const struct catalog_clause *c = lookup(&cat, cat.parts[p].version, want);
		if (!c)
			continue;
		if (found++)
			printf("\n----\n\n");
		explain_one(&cat, &set, c);
	}
	if (!found) {
		if (version >= 0 && !catalog_part(&cat, (enum mqtt_version)version))
			fprintf(stderr, "mqttspec: explain: this mqttspec has no %s catalog\n",
				mqtt_version_name((enum mqtt_version)version));
		else if (version >= 0)
			fprintf(stderr, "mqttspec: explain: no clause \"%s\" in the %s catalog\n", want,
				mqtt_version_name((enum mqtt_version)version));
		else
			fprintf(stderr, "mqttspec: explain: no clause \"%s\" in the catalog\n", want);
		suggest(&cat, version, want);
	}
	case_set_free(&set);
	catalog_free(&cat);
	return found ? 0 : 2;
}
