/*
 * report_text.c - the console report.
 *
 * Layout, top to bottom: a header (tool, spec, broker, run settings), one
 * line per catalog clause in catalog order under a heading per protocol
 * version, every failed check (again by version) with what was
 * expected, what came back and the tail of the case's wire log up to the
 * moment the check was decided, the inconclusive cases, the counts, and a
 * RESULT line that agrees with results_exit_status().
 *
 * Output is bounded (h2spec prints expected/actual, redis a bounded sample of
 * bytes): summaries are cut to fit ~110 columns, wire logs to the last
 * wire_tail events and 64 bytes of hex, unless verbose asks for full text.
 * Every string goes through report_escape_text(), so broker bytes cannot
 * reach the terminal as control sequences.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "result/baseline.h"
#include "util/alloc.h"

#define LINE_COLS 110
#define HEX_MAX 64         /* bytes of hex shown per wire event */
#define DETAIL_COLS 400    /* expected/got/note, unless verbose */
#define WIRE_TEXT_COLS 160 /* decoded packet text per wire event, unless verbose */

#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_MAGENTA "\033[35m"
#define ANSI_DIM "\033[2m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"

static const char *verdict_color(enum verdict v)
{
	switch (v) {
	case VERDICT_FAIL:
		return ANSI_RED;
	case VERDICT_WARN:
		return ANSI_YELLOW;
	case VERDICT_PASS:
		return ANSI_GREEN;
	case VERDICT_INCONCLUSIVE:
		return ANSI_MAGENTA;
	case VERDICT_NOT_APPLICABLE:
	case VERDICT_NOT_SELECTED:
	case VERDICT_UNTESTED:
	case VERDICT_COUNT:
		break;
	}
	return ANSI_DIM;
}

/* An untrusted string, escaped, within `max` columns. */
static size_t put(FILE *out, const char *s, size_t max)
{
	return report_escape_text(out, s ? s : "", max);
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

/* A verdict word padded to `width`; the padding stays outside the colour so
 * columns line up whether colour is on or off. */
static void put_verdict(FILE *out, enum verdict v, size_t width, int color)
{
	const char *name = results_verdict_name(v);
	if (color)
		fprintf(out, "%s%s%s", verdict_color(v), name, ANSI_RESET);
	else
		fputs(name, out);
	size_t n = strlen(name);
	if (width > n)
		pad(out, width - n);
}

static void write_header(const struct run_result *run, int color, FILE *out)
{
	fputs("mqttspec ", out);
	put(out, run->tool_version ? run->tool_version : "?", SIZE_MAX);
	fputs(" \xE2\x80\x94 ", out);
	put(out, run->spec ? run->spec : "MQTT", SIZE_MAX);
	fputs(" conformance report\n", out);
	for (size_t i = 0; i < run->nbrokers; i++) {
		fputs("broker:      ", out);
		put(out, run->brokers[i], SIZE_MAX);
		fputc('\n', out);
	}
	if (run->broker_name) {
		fputs("broker name: ", out);
		put(out, run->broker_name, SIZE_MAX);
		fputc('\n', out);
	}
	fputs("started:     ", out);
	put(out, run->started_at ? run->started_at : "?", SIZE_MAX);
	fputs("\nrun prefix:  ", out);
	put(out, run->run_prefix ? run->run_prefix : "", SIZE_MAX);
	fprintf(out, "\ntime scale:  %g\n", run->time_scale);
	fprintf(out, "timers:      tolerance %ld ms, slack %ld ms, period %ld ms, max wait %ld ms\n", run->tolerance_ms,
		run->slack_ms, run->period_ms, run->max_wait_ms);
	if (run->strict)
		fputs("strict:      yes (WARN counts as failing)\n", out);
	if (run->insecure)
		fputs("TLS:         peer verification OFF (--insecure): the broker's identity was not checked\n", out);
	for (size_t i = 0; i < run->nprofile; i++) {
		fputs(i ? "             " : "profile:     ", out);
		put(out, run->profile[i].name, SIZE_MAX);
		fputs(" = ", out);
		put(out, run->profile[i].value, SIZE_MAX);
		fputs("  (", out);
		put(out, run->profile[i].source, SIZE_MAX);
		fputs(")\n", out);
	}
	if (run->incomplete)
		fprintf(out, "%s*** INCOMPLETE: the run was cut short; what it did not reach is not a verdict on the broker ***%s\n",
			color ? ANSI_BOLD ANSI_RED : "", color ? ANSI_RESET : "");
}

/* Under a client rule, how the broker polices it: its own verdict stays
 * UNTESTED, so the policing verdict is labelled as such on a line of its own. */
static void write_policing(const struct run_result *run, const struct clause_result *cr, size_t indent,
			   const struct report_opts *o, FILE *out)
{
	char *text = results_policing_text(run, cr);
	if (!text)
		return;
	static const char label[] = "policed by the broker: ";
	pad(out, indent);
	fputs(label, out);
	size_t room = indent + sizeof label + 20 < LINE_COLS ? LINE_COLS - indent - (sizeof label - 1) : 20;
	put(out, text, o->verbose ? SIZE_MAX : room);
	fputc('\n', out);
	free(text);
}

/* One line of a clause table, and its policing under it. */
static void write_clause(const struct run_result *run, const struct clause_result *cr, size_t idw, size_t secw,
			 size_t sumw, const struct report_opts *o, FILE *out)
{
	const size_t levw = 6, verw = 14; /* "SHOULD", "NOT APPLICABLE" */
	const struct catalog_clause *c = cr->clause;
	size_t w = put(out, c->id, idw);
	pad(out, idw - w + 2);
	w = put(out, c->section, secw);
	pad(out, secw - w + 2);
	fprintf(out, "%-*s  ", (int)levw, catalog_level_name(c->level));
	put_verdict(out, cr->verdict, verw + 2, o->color);
	/* The reason (why UNTESTED, NOT APPLICABLE...) follows the summary so
	 * both are cut together to the line width. */
	const char *summary = c->summary ? c->summary : "";
	size_t n = strlen(summary) + (cr->reason ? strlen(cr->reason) + 6 : 0) + 1;
	char *cell = alloc_bytes(n);
	snprintf(cell, n, "%s%s%s", summary, cr->reason ? " \xE2\x80\x94 " : "", cr->reason ? cr->reason : "");
	put(out, cell, o->verbose ? SIZE_MAX : sumw);
	free(cell);
	fputc('\n', out);
	write_policing(run, cr, idw + 2 + secw + 2 + levw + 2, o, out);
}

/* A table per version: the ids of 3.1.1 and 5.0 look alike, so each table
 * says whose clauses it lists and the ids in it stay bare. */
static void write_clauses(const struct run_result *run, const struct report_opts *o, FILE *out)
{
	size_t idw = 2, secw = 7; /* the heading words */
	for (size_t i = 0; i < run->nclauses; i++) {
		const struct catalog_clause *c = run->clauses[i].clause;
		if (!c)
			continue;
		size_t a = report_escape_text_width(c->id), b = report_escape_text_width(c->section);
		idw = a > idw ? a : idw;
		secw = b > secw ? b : secw;
	}
	idw = idw > 24 ? 24 : idw;
	secw = secw > 12 ? 12 : secw;
	const size_t levw = 6, verw = 14;
	size_t used = idw + 2 + secw + 2 + levw + 2 + verw + 2;
	size_t sumw = used + 20 < LINE_COLS ? LINE_COLS - used : 20;
	for (size_t k = 0; k < run->nversions; k++) {
		fprintf(out, "\nClauses of MQTT %s\n", mqtt_version_name(run->versions[k]));
		fprintf(out, "%-*s  %-*s  %-*s  %-*s  SUMMARY\n", (int)idw, "ID", (int)secw, "SECTION", (int)levw, "LEVEL",
			(int)verw, "VERDICT");
		for (size_t i = 0; i < run->nclauses; i++) {
			const struct clause_result *cr = &run->clauses[i];
			if (cr->clause && cr->clause->version == run->versions[k])
				write_clause(run, cr, idw, secw, sumw, o, out);
		}
	}
}

static const char *client_name(const struct case_result *c, int i)
{
	if (i < 0 || (size_t)i >= c->nclients || !c->clients[i])
		return "?";
	return c->clients[i];
}

/* The last `tail` wire events of the case that happened by `t_ms`. */
static void write_wire(const struct case_result *c, double t_ms, const struct report_opts *o, FILE *out)
{
	size_t upto = 0;
	for (size_t i = 0; i < c->nwire; i++)
		if (c->wire[i].t_ms <= t_ms)
			upto++;
	if (o->wire_tail == 0 || upto == 0)
		return;
	size_t skip = upto > o->wire_tail ? upto - o->wire_tail : 0;
	size_t namew = 1;
	for (size_t i = 0; i < c->nclients; i++) {
		size_t n = report_escape_text_width(c->clients[i] ? c->clients[i] : "?");
		namew = n > namew ? n : namew;
	}
	namew = namew > 12 ? 12 : namew;

	fprintf(out, "        wire (last %zu of %zu events up to +%.3fms):\n", upto - skip, upto, t_ms);
	for (size_t i = 0, seen = 0; i < c->nwire; i++) {
		const struct wire_event *ev = &c->wire[i];
		if (ev->t_ms > t_ms || seen++ < skip)
			continue;
		fprintf(out, "          +%.3fms  ", ev->t_ms);
		size_t w = put(out, client_name(c, ev->client), namew);
		pad(out, namew - w + 2);
		fprintf(out, "%-6s", results_wire_dir_name(ev->dir));
		if (ev->text && *ev->text) {
			fputs("  ", out);
			put(out, ev->text, o->verbose ? SIZE_MAX : WIRE_TEXT_COLS);
		}
		if (ev->bytes) {
			fputs("  [", out);
			size_t n = ev->len > HEX_MAX ? HEX_MAX : ev->len;
			for (size_t k = 0; k < n; k++)
				fprintf(out, "%02x", ev->bytes[k]);
			fputs(ev->len > n ? "...]" : "]", out);
		}
		if (ev->violation) {
			fputs(o->color ? "  " ANSI_RED "<-- breaks " : "  <-- breaks ", out);
			put(out, ev->violation, 40);
			fputs(o->color ? ANSI_RESET : "", out);
		}
		fputc('\n', out);
	}
}

static void write_detail(FILE *out, const char *label, const char *s, int verbose)
{
	fprintf(out, "        %-10s", label);
	put(out, s ? s : "(none)", verbose ? SIZE_MAX : DETAIL_COLS);
	fputc('\n', out);
}

static void write_check(const struct case_result *c, const struct check_result *ch, const struct report_opts *o,
			FILE *out)
{
	fputs("\n  ", out);
	put_verdict(out, ch->should ? VERDICT_WARN : VERDICT_FAIL, 6, o->color);
	if (ch->baselined)
		fputs("(known: in the baseline) ", out);
	fputs("case ", out);
	put(out, c->id, SIZE_MAX);
	fputs(": ", out);
	put(out, c->title, o->verbose ? SIZE_MAX : 80);
	fputs(" (", out);
	put(out, c->file, SIZE_MAX);
	fputs(")\n        step:     ", out);
	if (ch->step_path)
		put(out, ch->step_path, SIZE_MAX);
	else
		fprintf(out, "%zu", ch->step);
	fputs("\n        clauses:  ", out);
	for (size_t i = 0; i < ch->nclauses; i++) {
		if (i)
			fputs(", ", out);
		put(out, ch->clauses[i], SIZE_MAX);
	}
	fprintf(out, " (%s)\n", ch->should ? "SHOULD" : "MUST");
	write_detail(out, "expected:", ch->expected, o->verbose);
	write_detail(out, "got:", ch->actual, o->verbose);
	if (ch->note)
		write_detail(out, "note:", ch->note, o->verbose);
	write_wire(c, ch->t_ms, o, out);
}

/* Whether the failures of version `v`'s cases have a section: a version the
 * run reports, or one a case with a failed check speaks (the built-in
 * pre-flight speaks 3.1.1 whatever the run reports). */
static int has_failures_section(const struct run_result *run, enum mqtt_version v)
{
	for (size_t k = 0; k < run->nversions; k++)
		if (run->versions[k] == v)
			return 1;
	for (size_t i = 0; i < run->ncases; i++)
		for (size_t j = 0; run->cases[i].protocol == v && j < run->cases[i].nchecks; j++)
			if (run->cases[i].checks[j].outcome == CHECK_FAIL)
				return 1;
	return 0;
}

/* The failed checks, under a heading per version: the clause ids of a check
 * are its case's version's. */
static void write_failures(const struct run_result *run, const struct report_opts *o, FILE *out)
{
	static const enum mqtt_version versions[] = {MQTT_V311, MQTT_V5};
	for (size_t k = 0; k < sizeof versions / sizeof versions[0]; k++) {
		if (!has_failures_section(run, versions[k]))
			continue;
		size_t n = 0;
		fprintf(out, "\nFailures in MQTT %s\n", mqtt_version_name(versions[k]));
		for (size_t i = 0; i < run->ncases; i++) {
			const struct case_result *c = &run->cases[i];
			for (size_t j = 0; c->protocol == versions[k] && j < c->nchecks; j++) {
				if (c->checks[j].outcome != CHECK_FAIL)
					continue;
				write_check(c, &c->checks[j], o, out);
				n++;
			}
		}
		if (n == 0)
			fputs("  none\n", out);
	}
}

static void write_inconclusive(const struct run_result *run, FILE *out)
{
	int any = 0;
	for (size_t i = 0; i < run->ncases; i++) {
		const struct case_result *c = &run->cases[i];
		if (c->verdict != VERDICT_INCONCLUSIVE)
			continue;
		if (!any)
			fputs("\nInconclusive cases\n", out);
		any = 1;
		/* Without a set-up error, the first check that could not run says why. */
		const char *why = c->setup_error;
		for (size_t j = 0; !why && j < c->nchecks; j++)
			if (c->checks[j].outcome == CHECK_INCONCLUSIVE)
				why = c->checks[j].actual;
		fputs("  ", out);
		put(out, c->id, SIZE_MAX);
		fputs(": ", out);
		put(out, why ? why : "no check was reached", DETAIL_COLS);
		fputc('\n', out);
	}
}

/* With a baseline: what it knew, what is new, what it can drop. */
static void write_baseline(const struct run_result *run, FILE *out)
{
	if (!run->baseline)
		return;
	fputs("\nBaseline ", out);
	put(out, run->baseline, SIZE_MAX);
	fprintf(out, "\n  %zu known failure(s) still fail, %zu regression(s), %zu fixed\n", run->known, run->regressions,
		run->nfixed);
	for (size_t i = 0; i < run->ncases; i++) {
		const struct case_result *c = &run->cases[i];
		for (size_t j = 0; j < c->nchecks; j++) {
			const struct check_result *ch = &c->checks[j];
			if (ch->baselined || !baseline_check_counts(run, ch))
				continue;
			fputs("  regression: ", out);
			for (size_t k = 0; k < ch->nclauses; k++) {
				char qid[CATALOG_QID_MAX];
				fputs(k ? ", " : "", out);
				put(out, catalog_id_qualify(c->protocol, ch->clauses[k], qid, sizeof qid), SIZE_MAX);
			}
			fputs(" in case ", out);
			put(out, c->id, SIZE_MAX);
			fputc(' ', out);
			put(out, ch->step_path, SIZE_MAX);
			fputc('\n', out);
		}
	}
	for (size_t i = 0; i < run->nfixed; i++) {
		char qid[CATALOG_QID_MAX];
		fputs("  fixed: ", out);
		put(out, catalog_id_qualify(run->fixed[i].version, run->fixed[i].clause, qid, sizeof qid), SIZE_MAX);
		fputs(" in case ", out);
		put(out, run->fixed[i].case_id, SIZE_MAX);
		fputs(" now passes; drop it from the baseline\n", out);
	}
}

static void write_counts(FILE *out, const char *label, const size_t *counts)
{
	size_t total = 0;
	fprintf(out, "  %-9s", label);
	for (int v = 0; v < VERDICT_COUNT; v++) {
		fprintf(out, "%s%zu %s", v ? ", " : "", counts[v], results_verdict_name((enum verdict)v));
		total += counts[v];
	}
	fprintf(out, " (%zu in all)\n", total);
}

static void write_summary(const struct run_result *run, int color, FILE *out)
{
	fputs("\nSummary\n", out);
	write_counts(out, "clauses:", run->counts);
	for (size_t k = 0; run->nversions > 1 && k < run->nversions; k++) {
		size_t counts[VERDICT_COUNT];
		char label[16];
		results_version_counts(run, run->versions[k], counts);
		snprintf(label, sizeof label, "  %s:", mqtt_version_name(run->versions[k]));
		write_counts(out, label, counts);
	}
	write_counts(out, "cases:", run->case_counts);
	fprintf(out, "  duration: %.3f s\n", run->duration_ms / 1000.0);
	if (run->incomplete)
		fputs("INCOMPLETE: the run was cut short\n", out);
	if (run->strict && run->counts[VERDICT_WARN])
		fprintf(out, "strict: %zu WARN clause(s) count as failing\n", run->counts[VERDICT_WARN]);
	/* Same rule as the exit status, by construction. */
	if (run->baseline && baseline_exit_status(run)) {
		fprintf(out, "%sRESULT: FAIL (%zu regression(s): failures not in the baseline)%s\n",
			color ? ANSI_BOLD ANSI_RED : "", run->regressions, color ? ANSI_RESET : "");
	} else if (run->baseline) {
		fprintf(out, "%sRESULT: PASS (no regression; %zu known failure(s) in the baseline)%s\n",
			color ? ANSI_BOLD ANSI_GREEN : "", run->known, color ? ANSI_RESET : "");
	} else if (results_exit_status(run)) {
		size_t n = run->counts[VERDICT_FAIL] + (run->strict ? run->counts[VERDICT_WARN] : 0);
		fprintf(out, "%sRESULT: FAIL (%zu clauses fail)%s\n", color ? ANSI_BOLD ANSI_RED : "", n,
			color ? ANSI_RESET : "");
	} else {
		fprintf(out, "%sRESULT: PASS%s\n", color ? ANSI_BOLD ANSI_GREEN : "", color ? ANSI_RESET : "");
	}
}

int report_text_write(const struct run_result *run, const struct report_opts *o, FILE *out, struct err *e)
{
	const struct report_opts defaults = {0, 0, REPORT_WIRE_TAIL_DEFAULT};
	if (!o)
		o = &defaults;
	write_header(run, o->color, out);
	write_clauses(run, o, out);
	write_failures(run, o, out);
	write_inconclusive(run, out);
	write_baseline(run, out);
	write_summary(run, o->color, out);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "text report: write error");
	return 0;
}
