/*
 * report_compare.c - the JSON reports of several runs side by side.
 *
 * Several brokers, or two versions of one: one row per clause with its
 * verdict in each run, the rows whose verdicts differ first, as console text
 * or as a self-contained page (the HTML report's style sheet). It reads only
 * what report_json.c writes (format_version 1). A row is a clause of one
 * protocol version: its id is shown qualified ("5.0:MQTT-3.1.2-3"), since the
 * ids of 3.1.1 and 5.0 look alike, and a report without "protocol" fields
 * (written before 5.0) is 3.1.1.
 */
#include "reports/report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_html_assets.h"
#include "util/alloc.h"
#include "util/json_util.h"

struct cmp_row {
	char id[CATALOG_QID_MAX];           /* qualified: "5.0:MQTT-3.1.2-3" never meets "3.1.1:MQTT-3.1.2-3" */
	const char *section, *summary;      /* point into the first report naming the clause */
	const char *verdict[REPORT_COMPARE_MAX_RUNS];      /* NULL: the run does not know the clause */
	int differs;
};

struct cmp_run {
	const char *file;
	cJSON *root;
	char label[256];
};

static int load_run(struct cmp_run *r, const char *file, struct err *e)
{
	r->file = file;
	r->root = json_util_parse_file(file, e);
	if (!r->root)
		return -1;
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(r->root, "format");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(r->root, "format_version");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "mqttspec-report") != 0 || !cJSON_IsNumber(ver) ||
	    ver->valueint != 1)
		return err_set(e, "%s: not an mqttspec JSON report of format_version 1 (mqttspec run --json)", file);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(r->root, "broker_name");
	const cJSON *brokers = cJSON_GetObjectItemCaseSensitive(r->root, "brokers");
	const cJSON *b0 = cJSON_GetArrayItem(brokers, 0);
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(r->root, "started_at");
	snprintf(r->label, sizeof r->label, "%s (%s)",
		 cJSON_IsString(name) ? name->valuestring : cJSON_IsString(b0) ? b0->valuestring : file,
		 cJSON_IsString(at) ? at->valuestring : "?");
	return 0;
}

static const char *str_of(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : "";
}

/* Rows in first-seen order; each clause is looked up among the rows so far
 * (a catalog has a few hundred clauses: no index needed). */
static size_t build_rows(struct cmp_run *runs, size_t nruns, struct cmp_row **out)
{
	size_t n = 0, cap = 256;
	struct cmp_row *rows = alloc_zeroed(cap, sizeof *rows);
	for (size_t r = 0; r < nruns; r++) {
		const cJSON *cl;
		cJSON_ArrayForEach(cl, cJSON_GetObjectItemCaseSensitive(runs[r].root, "clauses"))
		{
			/* A report written before 5.0 has no "protocol": its clauses are 3.1.1's. */
			const char *proto = str_of(cl, "protocol");
			char id[CATALOG_QID_MAX];
			snprintf(id, sizeof id, "%s:%s", *proto ? proto : "3.1.1", str_of(cl, "id"));
			size_t k = 0;
			while (k < n && strcmp(rows[k].id, id) != 0)
				k++;
			if (k == n) {
				if (n == cap) {
					cap *= 2;
					rows = alloc_resize(rows, cap * sizeof *rows);
				}
				memset(&rows[n], 0, sizeof rows[n]);
				snprintf(rows[n].id, sizeof rows[n].id, "%s", id);
				rows[n].section = str_of(cl, "section");
				rows[n].summary = str_of(cl, "summary");
				n++;
			}
			rows[k].verdict[r] = str_of(cl, "verdict");
		}
	}
	for (size_t k = 0; k < n; k++)
		for (size_t r = 1; r < nruns; r++) {
			const char *a = rows[k].verdict[0] ? rows[k].verdict[0] : "", *b = rows[k].verdict[r] ? rows[k].verdict[r] : "";
			rows[k].differs |= strcmp(a, b) != 0;
		}
	*out = rows;
	return n;
}

struct report_compare {
	struct cmp_run runs[REPORT_COMPARE_MAX_RUNS];
	size_t nruns;
	struct cmp_row *rows;
	size_t nrows, ndiff;
};

struct report_compare *report_compare_load(const char *const *files, size_t n, struct err *e)
{
	if (n > REPORT_COMPARE_MAX_RUNS) {
		err_set(e, "at most %d reports, got %zu", REPORT_COMPARE_MAX_RUNS, n);
		return NULL;
	}
	struct report_compare *c = alloc_zeroed(1, sizeof *c);
	for (size_t i = 0; i < n; i++, c->nruns++)
		if (load_run(&c->runs[i], files[i], e) < 0) {
			cJSON_Delete(c->runs[i].root);
			report_compare_free(c);
			return NULL;
		}
	c->nrows = build_rows(c->runs, c->nruns, &c->rows);
	for (size_t k = 0; k < c->nrows; k++)
		c->ndiff += (size_t)c->rows[k].differs;
	return c;
}

size_t report_compare_ndiff(const struct report_compare *c)
{
	return c->ndiff;
}

void report_compare_free(struct report_compare *c)
{
	if (!c)
		return;
	free(c->rows);
	for (size_t i = 0; i < c->nruns; i++)
		cJSON_Delete(c->runs[i].root);
	free(c);
}

static int finish(FILE *out, struct err *e)
{
	fflush(out);
	return ferror(out) ? err_set(e, "write error") : 0;
}

int report_compare_text(const struct report_compare *c, FILE *out, struct err *e)
{
	const struct cmp_run *runs = c->runs;
	const struct cmp_row *rows = c->rows;
	size_t nruns = c->nruns, n = c->nrows, ndiff = c->ndiff;
	for (size_t r = 0; r < nruns; r++) {
		fprintf(out, "[%zu] ", r + 1);
		report_escape_text(out, runs[r].label, 100);
		fprintf(out, "  %s\n", runs[r].file);
	}
	fprintf(out, "\n%-24s %-9s", "CLAUSE", "SECTION");
	for (size_t r = 0; r < nruns; r++)
		fprintf(out, " [%zu]%*s", r + 1, r + 1 < 10 ? 12 : 11, "");
	fputc('\n', out);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && ndiff && ndiff < n)
			fprintf(out, "-- the same in every run --\n");
		for (size_t k = 0; k < n; k++) {
			if (rows[k].differs != !pass)
				continue;
			size_t w = report_escape_text(out, rows[k].id, 24);
			fprintf(out, "%*s ", (int)(24 - w), "");
			w = report_escape_text(out, rows[k].section, 9);
			fprintf(out, "%*s", (int)(9 - w), "");
			for (size_t r = 0; r < nruns; r++) {
				fputc(' ', out);
				w = report_escape_text(out, rows[k].verdict[r] ? rows[k].verdict[r] : "-", 14);
				fprintf(out, "%*s", (int)(15 - w), "");
			}
			fputc('\n', out);
		}
	}
	fprintf(out, "\n%zu of %zu clauses differ between the runs\n", ndiff, n);
	return finish(out, e);
}

static const char *token(const char *verdict)
{
	static const char *const names[][2] = {{"FAIL", "FAIL"}, {"WARN", "WARN"}, {"PASS", "PASS"},
					       {"INCONCLUSIVE", "INCONCLUSIVE"}, {"NOT APPLICABLE", "NOT_APPLICABLE"},
					       {"NOT SELECTED", "NOT_SELECTED"}};
	for (size_t i = 0; verdict && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(verdict, names[i][0]) == 0)
			return names[i][1];
	return "UNTESTED";
}

int report_compare_html(const struct report_compare *c, FILE *f, struct err *e)
{
	const struct cmp_run *runs = c->runs;
	const struct cmp_row *rows = c->rows;
	size_t nruns = c->nruns, n = c->nrows, ndiff = c->ndiff;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mqttspec: runs compared"
	      "</title>\n<style>\n",
	      f);
	fputs(report_html_assets_css, f);
	fputs("tr.diff td{background:#fff8e1}\n</style>\n</head>\n<body>\n<h1>mqttspec: runs compared</h1>\n<ol>\n", f);
	for (size_t r = 0; r < nruns; r++) {
		fputs("<li>", f);
		report_escape_xml(f, runs[r].label);
		fputs(" <span class=\"dim\">", f);
		report_escape_xml(f, runs[r].file);
		fputs("</span></li>\n", f);
	}
	fprintf(f, "</ol>\n<p>%zu of %zu clauses differ between the runs; they come first.</p>\n", ndiff, n);
	fputs("<table><thead><tr><th>clause</th><th>section</th><th>summary</th>", f);
	for (size_t r = 0; r < nruns; r++)
		fprintf(f, "<th>[%zu]</th>", r + 1);
	fputs("</tr></thead><tbody>\n", f);
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < n; k++) {
			if (rows[k].differs != !pass)
				continue;
			fprintf(f, "<tr%s><td class=\"cid\">", rows[k].differs ? " class=\"diff\"" : "");
			report_escape_xml(f, rows[k].id);
			fputs("</td><td>", f);
			report_escape_xml(f, rows[k].section);
			fputs("</td><td>", f);
			report_escape_xml(f, rows[k].summary);
			fputs("</td>", f);
			for (size_t r = 0; r < nruns; r++) {
				fprintf(f, "<td><span class=\"vd %s\">", token(rows[k].verdict[r]));
				report_escape_xml(f, rows[k].verdict[r] ? rows[k].verdict[r] : "-");
				fputs("</span></td>", f);
			}
			fputs("</tr>\n", f);
		}
	fputs("</tbody></table>\n</body>\n</html>\n", f);
	return finish(f, e);
}

