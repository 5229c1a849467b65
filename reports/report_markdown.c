/*
 * report_markdown.c - a short summary for a pull-request comment or a CI
 * job summary ($GITHUB_STEP_SUMMARY and the like).
 *
 * A reviewer reads it in ten seconds: the result (which agrees with the exit
 * status), the counts, with a baseline the regressions and the fixes (their
 * ids qualified, "3.1.1:MQTT-3.1.2-3": the list mixes versions), then each
 * failing clause on one line, under a heading per protocol version, with the
 * first failed check's case and what came back. Details live in the HTML and JSON reports.
 *
 * Broker text goes through report_escape_markdown(), so a topic like
 * "a|*b*<script>" neither breaks a table nor turns into markup.
 */
#include "reports/report.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "result/baseline.h"

#define SUMMARY_COLS 110
#define ACTUAL_COLS 160

static void md(FILE *out, const char *s, size_t max)
{
	report_escape_markdown(out, s ? s : "", max);
}

static void write_head(const struct run_result *run, FILE *out)
{
	int failed = baseline_exit_status(run) != 0;
	fprintf(out, "### mqttspec: %s", run->setup_error ? "SET-UP ERROR" : failed ? "FAIL" : "PASS");
	if (run->setup_error)
		;
	else if (run->baseline && failed)
		fprintf(out, " (%zu regression%s)", run->regressions, run->regressions == 1 ? "" : "s");
	else if (run->baseline)
		fprintf(out, " (no regression, %zu known failure%s)", run->known, run->known == 1 ? "" : "s");
	else if (failed)
		fprintf(out, " (%zu clause%s fail)", run->counts[VERDICT_FAIL] + (run->strict ? run->counts[VERDICT_WARN] : 0),
			run->counts[VERDICT_FAIL] == 1 ? "" : "s");
	fputs("\n\n", out);
	md(out, run->spec ? run->spec : "MQTT", 40);
	fputs(" conformance of ", out);
	if (run->broker_name) {
		md(out, run->broker_name, 80);
		fputs(" (", out);
	}
	for (size_t i = 0; i < run->nbrokers; i++) {
		fputs(i ? ", " : "", out);
		md(out, run->brokers[i], 120);
	}
	fputs(run->broker_name ? ")" : "", out);
	fputs(" \xC2\xB7 mqttspec ", out);
	md(out, run->tool_version ? run->tool_version : "?", 40);
	fputs(" \xC2\xB7 ", out);
	md(out, run->started_at ? run->started_at : "?", 40);
	fprintf(out, " \xC2\xB7 %.1f s%s\n\n", run->duration_ms / 1000.0, run->strict ? " \xC2\xB7 strict" : "");
	if (run->incomplete)
		fputs("**Incomplete:** the run was cut short; what it did not reach is not a verdict on the broker.\n\n", out);
	if (run->setup_error) {
		fputs("**Set-up error:** ", out);
		md(out, run->setup_error, 1000);
		fputs("\n\nNo case ran: this is not a verdict on the broker.\n", out);
	}
}

static void write_row(FILE *out, const char *label, const size_t *counts)
{
	size_t total = 0;
	fprintf(out, "\n| %s |", label);
	for (int v = 0; v < VERDICT_COUNT; v++) {
		fprintf(out, " %zu |", counts[v]);
		total += counts[v];
	}
	fprintf(out, " %zu |", total);
}

static void write_counts(const struct run_result *run, FILE *out)
{
	fputs("| |", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, " %s |", results_verdict_name((enum verdict)v));
	fputs(" total |\n|---|", out);
	for (int v = 0; v <= VERDICT_COUNT; v++)
		fputs("---:|", out);
	write_row(out, "clauses", run->counts);
	/* With two versions, each one's clauses too: their ids never mix. */
	for (size_t k = 0; run->nversions > 1 && k < run->nversions; k++) {
		size_t counts[VERDICT_COUNT];
		char label[32];
		results_version_counts(run, run->versions[k], counts);
		snprintf(label, sizeof label, "%s clauses", mqtt_version_name(run->versions[k]));
		write_row(out, label, counts);
	}
	write_row(out, "cases", run->case_counts);
	fputs("\n\n", out);
}

/* A check's clauses, qualified with its case's version: the list mixes versions. */
static void write_clause_list(FILE *out, const struct case_result *c, const struct check_result *ch)
{
	for (size_t k = 0; k < ch->nclauses; k++) {
		char qid[CATALOG_QID_MAX];
		fputs(k ? ", " : "", out);
		md(out, catalog_id_qualify(c->protocol, ch->clauses[k], qid, sizeof qid), 48);
	}
}

static void write_baseline(const struct run_result *run, FILE *out)
{
	if (!run->baseline)
		return;
	fputs("**Baseline** ", out);
	md(out, run->baseline, 120);
	fprintf(out, ": %zu known failure%s still fail%s, %zu regression%s, %zu fixed.\n\n", run->known,
		run->known == 1 ? "" : "s", run->known == 1 ? "s" : "", run->regressions, run->regressions == 1 ? "" : "s",
		run->nfixed);
	if (run->regressions) {
		fputs("#### Regressions (not in the baseline)\n\n", out);
		for (size_t i = 0; i < run->ncases; i++) {
			const struct case_result *c = &run->cases[i];
			for (size_t j = 0; j < c->nchecks; j++) {
				const struct check_result *ch = &c->checks[j];
				if (ch->baselined || !baseline_check_counts(run, ch))
					continue;
				fputs("- **", out);
				write_clause_list(out, c, ch);
				fputs("** in case ", out);
				md(out, c->id, 80);
				fputs(" (", out);
				md(out, ch->step_path, 40);
				fputs("): ", out);
				md(out, ch->actual, ACTUAL_COLS);
				fputc('\n', out);
			}
		}
		fputc('\n', out);
	}
	if (run->nfixed) {
		fputs("#### Fixed (in the baseline, now passing: drop them from it)\n\n", out);
		for (size_t i = 0; i < run->nfixed; i++) {
			char qid[CATALOG_QID_MAX];
			fputs("- **", out);
			md(out, catalog_id_qualify(run->fixed[i].version, run->fixed[i].clause, qid, sizeof qid), 48);
			fputs("** in case ", out);
			md(out, run->fixed[i].case_id, 80);
			fputc('\n', out);
		}
		fputc('\n', out);
	}
}

/* One line for a FAIL (should 0) or WARN (should 1) clause: its first failed
 * check of that level, and how many more there are. */
static void write_clause_line(const struct run_result *run, const struct clause_result *cr, int should, FILE *out)
{
	const struct case_result *first_case = NULL;
	const struct check_result *first = NULL;
	size_t more = 0;
	int all_known = 1;
	for (size_t i = 0; i < cr->ncases; i++) {
		if (cr->cases[i] >= run->ncases)
			continue;
		const struct case_result *c = &run->cases[cr->cases[i]];
		for (size_t j = 0; j < c->nchecks; j++) {
			const struct check_result *ch = &c->checks[j];
			if (ch->outcome != CHECK_FAIL || ch->should != should || !results_check_names(ch, cr->clause->id))
				continue;
			all_known &= ch->baselined;
			if (first)
				more++;
			else {
				first = ch;
				first_case = c;
			}
		}
	}
	fputs("- **", out);
	md(out, cr->clause->id, 40);
	fputs("** (", out);
	md(out, cr->clause->section, 20);
	fputs(") ", out);
	md(out, cr->clause->summary, SUMMARY_COLS);
	if (first) {
		fputs(" \xE2\x80\x94 case ", out);
		md(out, first_case->id, 80);
		fputs(": ", out);
		md(out, first->actual, ACTUAL_COLS);
		if (more)
			fprintf(out, " (+%zu more)", more);
		if (run->baseline && all_known)
			fputs(" *(known)*", out);
	}
	fputc('\n', out);
}

static void write_failing(const struct run_result *run, FILE *out)
{
	static const struct {
		enum verdict v;
		const char *title;
		const char *after;
	} lists[] = {{VERDICT_FAIL, "Failing clauses", ""}, {VERDICT_WARN, "Warnings", " (a SHOULD not met)"}};
	for (size_t l = 0; l < 2; l++)
		for (size_t k = 0; k < run->nversions; k++) {
			size_t counts[VERDICT_COUNT];
			enum mqtt_version ver = run->versions[k];
			results_version_counts(run, ver, counts);
			if (!counts[lists[l].v])
				continue;
			fprintf(out, "#### %s of MQTT %s%s\n\n", lists[l].title, mqtt_version_name(ver), lists[l].after);
			for (size_t i = 0; i < run->nclauses; i++) {
				const struct clause_result *cr = &run->clauses[i];
				if (cr->verdict == lists[l].v && cr->clause && cr->clause->version == ver)
					write_clause_line(run, cr, lists[l].v == VERDICT_WARN, out);
			}
			fputc('\n', out);
		}
	if (run->counts[VERDICT_INCONCLUSIVE])
		fprintf(out, "%zu clause%s INCONCLUSIVE: their cases could not reach their checks (see the full report).\n",
			run->counts[VERDICT_INCONCLUSIVE], run->counts[VERDICT_INCONCLUSIVE] == 1 ? " is" : "s are");
}

int report_markdown_write(const struct run_result *run, FILE *out, struct err *e)
{
	write_head(run, out);
	if (!run->setup_error) {
		write_counts(run, out);
		write_baseline(run, out);
		write_failing(run, out);
	}
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "Markdown summary: write error");
	return 0;
}
