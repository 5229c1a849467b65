/*
 * report_junit.c - JUnit XML for CI systems.
 *
 * A CI dashboard lists tests; for a conformance run the natural "test" is a
 * clause, so there is one <testcase> per catalog clause binding the broker (named by its id and
 * summary), in one <testsuite> per protocol version ("MQTT 3.1.1", "MQTT 5.0":
 * their ids look alike, so they never share a suite), and inside it by spec
 * section, which the classname carries ("mqttspec 3.1.1 section 3.1": the
 * first two numbers of the clause's section, ordered numerically so 3.10
 * follows 3.9). Verdicts map onto JUnit's vocabulary:
 *   FAIL                                  <failure>: each failing check's case, step, expected, got
 *   INCONCLUSIVE                          <error>: the harness could not judge (h2spec's ERROR)
 *   WARN                                  passes, its failed SHOULD checks in <system-out>
 *   NOT APPLICABLE, NOT SELECTED, UNTESTED <skipped message="VERDICT: reason"/>
 *   PASS                                  an empty testcase
 * With a baseline, a FAIL whose every failed check the baseline knows is
 * <skipped message="FAIL (known: in the baseline) ..."> with the details in
 * <system-out>, so the dashboard agrees with the exit status (only
 * regressions fail the build) and the known failures stay visible.
 * A rule that binds only the client (catalog binds "client") has no testcase:
 * the broker cannot break it; the testcase of the duty that polices it does.
 * A testcase's time is the total duration of the cases that check the clause.
 * Every string goes through report_escape_xml(), so the document is
 * well-formed whatever the broker sent.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

struct junit_group {
	size_t tests, failures, errors, skipped;
	double time_ms;
};

static double clause_time_ms(const struct run_result *run, const struct clause_result *cr)
{
	double t = 0;
	for (size_t i = 0; i < cr->ncases; i++)
		if (cr->cases[i] < run->ncases)
			t += run->cases[cr->cases[i]].duration_ms;
	return t;
}

/* A rule that binds only the client gets no testcase of its own: the broker
 * cannot break it, and how the broker polices it is the testcase of the duty
 * that polices it (MQTT-4.8.0-1, MQTT-3.1.4-1). */
static int own_testcase(const struct clause_result *cr)
{
	return cr->clause && !(cr->clause->binds && strcmp(cr->clause->binds, "client") == 0);
}

static void count(struct junit_group *g, const struct run_result *run, const struct clause_result *cr)
{
	g->tests++;
	g->time_ms += clause_time_ms(run, cr);
	switch (cr->verdict) {
	case VERDICT_FAIL:
		if (results_known_fail(run, cr))
			g->skipped++;
		else
			g->failures++;
		break;
	case VERDICT_INCONCLUSIVE:
		g->errors++;
		break;
	case VERDICT_NOT_APPLICABLE:
	case VERDICT_NOT_SELECTED:
	case VERDICT_UNTESTED:
		g->skipped++;
		break;
	case VERDICT_WARN:
	case VERDICT_PASS:
	case VERDICT_COUNT:
		break;
	}
}

/* The clauses of version `v` with a testcase of their own, grouped by
 * section, in `secs`; the version's counts in `g`. */
static void make_group(const struct run_result *run, enum mqtt_version v, struct results_sections *secs,
		       struct junit_group *g)
{
	const char **names = alloc_array(NULL, run->nclauses + 1, sizeof *names);
	for (size_t i = 0; i < run->nclauses; i++) {
		const struct clause_result *cr = &run->clauses[i];
		int mine = own_testcase(cr) && cr->clause->version == v;
		names[i] = mine ? cr->clause->section ? cr->clause->section : "" : NULL;
	}
	results_sections_group(secs, names, run->nclauses);
	free(names);
	memset(g, 0, sizeof *g);
	for (size_t i = 0; i < run->nclauses; i++)
		if (secs->group_of[i] != SIZE_MAX)
			count(g, run, &run->clauses[i]);
}

/* Calls fn on each check, in the clause's cases, that names the clause and
 * has the outcome (and level, for failures) asked for. Returns the count. */
static size_t each_check(const struct run_result *run, const struct clause_result *cr, enum check_outcome outcome,
			 int should,
			 void (*fn)(const struct case_result *, const struct check_result *, size_t, FILE *),
			 FILE *out)
{
	size_t n = 0;
	for (size_t i = 0; i < cr->ncases; i++) {
		if (cr->cases[i] >= run->ncases)
			continue;
		const struct case_result *c = &run->cases[cr->cases[i]];
		for (size_t j = 0; j < c->nchecks; j++) {
			const struct check_result *ch = &c->checks[j];
			if (ch->outcome != outcome || !results_check_names(ch, cr->clause->id))
				continue;
			if (outcome == CHECK_FAIL && ch->should != should)
				continue;
			fn(c, ch, n++, out);
		}
	}
	return n;
}

/* The one-line message attribute, from the first check. */
static void check_message(const struct case_result *c, const struct check_result *ch, size_t idx, FILE *out)
{
	if (idx)
		return;
	report_escape_xml_attr(out, c->id);
	fputc(' ', out);
	report_escape_xml_attr(out, ch->step_path);
	fputs(": expected ", out);
	report_escape_xml_attr(out, ch->expected);
	fputs("; got ", out);
	report_escape_xml_attr(out, ch->actual);
}

/* The body: every check, a few lines each. */
static void check_body(const struct case_result *c, const struct check_result *ch, size_t idx, FILE *out)
{
	fputs(idx ? "\n\ncase " : "case ", out);
	report_escape_xml(out, c->id);
	fputs(" (", out);
	report_escape_xml(out, c->file);
	fputs(") ", out);
	report_escape_xml(out, ch->step_path);
	fprintf(out, " [%s]\nexpected: ", ch->should ? "SHOULD" : "MUST");
	report_escape_xml(out, ch->expected);
	fputs("\ngot:      ", out);
	report_escape_xml(out, ch->actual);
	if (ch->note) {
		fputs("\nnote:     ", out);
		report_escape_xml(out, ch->note);
	}
}

/* Why an INCONCLUSIVE clause could not be judged: each of its cases that
 * did not reach a verdict, with the set-up error or the first unrun check. */
static void write_inconclusive(const struct run_result *run, const struct clause_result *cr, int attr, FILE *out)
{
	void (*esc)(FILE *, const char *) = attr ? report_escape_xml_attr : report_escape_xml;
	size_t n = 0;
	for (size_t i = 0; i < cr->ncases; i++) {
		if (cr->cases[i] >= run->ncases)
			continue;
		const struct case_result *c = &run->cases[cr->cases[i]];
		const char *why = c->setup_error;
		for (size_t j = 0; !why && j < c->nchecks; j++)
			if (c->checks[j].outcome == CHECK_INCONCLUSIVE && results_check_names(&c->checks[j], cr->clause->id))
				why = c->checks[j].actual ? c->checks[j].actual : "the check was not reached";
		if (!why)
			continue;
		if (attr && n)
			return; /* the message attribute names the first case only */
		fputs(n++ ? "\ncase " : "case ", out);
		esc(out, c->id);
		fputs(": ", out);
		esc(out, why);
	}
	if (n == 0)
		fputs("the cases could not reach their checks", out);
}

static void write_testcase(const struct run_result *run, const struct clause_result *cr, const char *group,
			   FILE *out)
{
	const struct catalog_clause *c = cr->clause;
	fputs("    <testcase classname=\"mqttspec ", out);
	report_escape_xml_attr(out, mqtt_version_name(c->version));
	fputs(" section ", out);
	report_escape_xml_attr(out, group);
	fputs("\" name=\"", out);
	report_escape_xml_attr(out, c->id);
	fputc(' ', out);
	report_escape_xml_attr(out, c->summary);
	fprintf(out, "\" time=\"%.3f\"", clause_time_ms(run, cr) / 1000.0);
	switch (cr->verdict) {
	case VERDICT_PASS:
	case VERDICT_COUNT:
		fputs("/>\n", out);
		return;
	case VERDICT_FAIL:
		if (results_known_fail(run, cr)) {
			fputs(">\n      <skipped message=\"FAIL (known: in the baseline) ", out);
			each_check(run, cr, CHECK_FAIL, 0, check_message, out);
			fputs("\"/>\n      <system-out>", out);
			each_check(run, cr, CHECK_FAIL, 0, check_body, out);
			fputs("</system-out>\n", out);
			break;
		}
		fputs(">\n      <failure type=\"FAIL\" message=\"", out);
		if (!each_check(run, cr, CHECK_FAIL, 0, check_message, out))
			fputs("FAIL", out);
		fputs("\">", out);
		each_check(run, cr, CHECK_FAIL, 0, check_body, out);
		fputs("</failure>\n", out);
		break;
	case VERDICT_INCONCLUSIVE:
		fputs(">\n      <error type=\"INCONCLUSIVE\" message=\"", out);
		write_inconclusive(run, cr, 1, out);
		fputs("\">", out);
		write_inconclusive(run, cr, 0, out);
		fputs("</error>\n", out);
		break;
	case VERDICT_WARN:
		fputs(">\n      <system-out>WARN: a SHOULD-level check failed\n", out);
		each_check(run, cr, CHECK_FAIL, 1, check_body, out);
		fputs("</system-out>\n", out);
		break;
	case VERDICT_NOT_APPLICABLE:
	case VERDICT_NOT_SELECTED:
	case VERDICT_UNTESTED:
		fputs(">\n      <skipped message=\"", out);
		report_escape_xml_attr(out, results_verdict_name(cr->verdict));
		if (cr->reason) {
			fputs(": ", out);
			report_escape_xml_attr(out, cr->reason);
		}
		fputs("\"/>\n", out);
		break;
	}
	fputs("    </testcase>\n", out);
}

/* No case ran: one testcase in error, so a CI dashboard shows why. */
static void write_setup_error(const struct run_result *run, FILE *out)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fputs("<testsuites name=\"mqttspec\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
	      "  <testsuite name=\"mqttspec set-up\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.000\">\n"
	      "    <testcase classname=\"mqttspec\" name=\"set-up\" time=\"0.000\">\n      <error message=\"set-up error: ",
	      out);
	report_escape_xml_attr(out, run->setup_error);
	fputs("\" type=\"setup\">", out);
	report_escape_xml(out, run->setup_error);
	fputs("\nNo case ran: this is not a verdict on the broker.</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n",
	      out);
}

/* One version's testsuite: its clauses, section by section. */
static void write_suite(const struct run_result *run, enum mqtt_version v, const struct results_sections *secs,
			const struct junit_group *g, FILE *out)
{
	fputs("  <testsuite name=\"MQTT ", out);
	report_escape_xml_attr(out, mqtt_version_name(v));
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n", g->tests,
		g->failures, g->errors, g->skipped, g->time_ms / 1000.0);
	for (size_t k = 0; k < secs->n; k++)
		for (size_t i = 0; i < run->nclauses; i++)
			if (secs->group_of[i] == k)
				write_testcase(run, &run->clauses[i], secs->names[k], out);
	fputs("  </testsuite>\n", out);
}

int report_junit_write(const struct run_result *run, FILE *out, struct err *e)
{
	if (run->setup_error) {
		write_setup_error(run, out);
		if (fflush(out) != 0 || ferror(out))
			return err_set(e, "JUnit report: write error");
		return 0;
	}
	size_t nv = run->nversions;
	struct results_sections *secs = alloc_zeroed(nv + 1, sizeof *secs);
	struct junit_group *g = alloc_zeroed(nv + 1, sizeof *g), all = {0};
	for (size_t k = 0; k < nv; k++) {
		make_group(run, run->versions[k], &secs[k], &g[k]);
		all.tests += g[k].tests;
		all.failures += g[k].failures;
		all.errors += g[k].errors;
		all.skipped += g[k].skipped;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
	fprintf(out, "<testsuites name=\"mqttspec\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
		all.tests, all.failures, all.errors, all.skipped, run->duration_ms / 1000.0);
	for (size_t k = 0; k < nv; k++) {
		write_suite(run, run->versions[k], &secs[k], &g[k], out);
		results_sections_free(&secs[k]);
	}
	fputs("</testsuites>\n", out);
	free(g);
	free(secs);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "JUnit report: write error");
	return 0;
}
