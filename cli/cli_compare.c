/*
 * cli_compare.c - mqttspec compare A.json B.json ...: clauses by run.
 *
 * Reads the JSON reports of several runs (several brokers, or two versions
 * of one) and prints one row per clause with its verdict in each run, the
 * rows whose verdicts differ first. --html FILE writes the same matrix as a
 * self-contained page. Exit status, like diff(1): 0 every clause has the
 * same verdict in every run, 1 some differ, 2 a file cannot be read.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/alloc.h"
#include "util/json_util.h"
#include "reports/report.h"
#include "reports/report_html_int.h"

#define MAX_RUNS 16

struct cmp_row {
	const char *id, *section, *summary; /* point into the first report naming the clause */
	const char *verdict[MAX_RUNS];      /* NULL: the run does not know the clause */
	int differs;
};

struct cmp_run {
	const char *file;
	cJSON *root;
	char label[256];
};

static int load_run(struct cmp_run *r, const char *file)
{
	struct err e;
	r->file = file;
	r->root = json_util_parse_file(file, &e);
	if (!r->root) {
		fprintf(stderr, "mqttspec: compare: %s\n", e.msg);
		return -1;
	}
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(r->root, "format");
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(r->root, "format_version");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "mqttspec-report") != 0 || !cJSON_IsNumber(ver) ||
	    ver->valueint != 1) {
		fprintf(stderr, "mqttspec: compare: %s: not an mqttspec JSON report of format_version 1 (mqttspec run --json)\n",
			file);
		return -1;
	}
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
	struct cmp_row *rows = calloc(cap, sizeof *rows);
	for (size_t r = 0; r < nruns; r++) {
		const cJSON *cl;
		cJSON_ArrayForEach(cl, cJSON_GetObjectItemCaseSensitive(runs[r].root, "clauses"))
		{
			const char *id = str_of(cl, "id");
			size_t k = 0;
			while (k < n && strcmp(rows[k].id, id) != 0)
				k++;
			if (k == n) {
				if (n == cap) {
					cap *= 2;
					rows = alloc_resize(rows, cap * sizeof *rows);
				}
				memset(&rows[n], 0, sizeof rows[n]);
				rows[n].id = id;
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

static void write_text(const struct cmp_run *runs, size_t nruns, const struct cmp_row *rows, size_t n, size_t ndiff)
{
	for (size_t r = 0; r < nruns; r++) {
		printf("[%zu] ", r + 1);
		report_escape_text(stdout, runs[r].label, 100);
		printf("  %s\n", runs[r].file);
	}
	printf("\n%-18s %-9s", "CLAUSE", "SECTION");
	for (size_t r = 0; r < nruns; r++)
		printf(" [%zu]%*s", r + 1, r + 1 < 10 ? 12 : 11, "");
	putchar('\n');
	for (int pass = 0; pass < 2; pass++) {
		if (pass == 1 && ndiff && ndiff < n)
			printf("-- the same in every run --\n");
		for (size_t k = 0; k < n; k++) {
			if (rows[k].differs != !pass)
				continue;
			size_t w = report_escape_text(stdout, rows[k].id, 18);
			printf("%*s ", (int)(18 - w), "");
			w = report_escape_text(stdout, rows[k].section, 9);
			printf("%*s", (int)(9 - w), "");
			for (size_t r = 0; r < nruns; r++) {
				putchar(' ');
				w = report_escape_text(stdout, rows[k].verdict[r] ? rows[k].verdict[r] : "-", 14);
				printf("%*s", (int)(15 - w), "");
			}
			putchar('\n');
		}
	}
	printf("\n%zu of %zu clauses differ between the runs\n", ndiff, n);
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

static int write_html(const char *path, const struct cmp_run *runs, size_t nruns, const struct cmp_row *rows, size_t n,
		      size_t ndiff)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
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
	if (fclose(f) != 0) {
		fprintf(stderr, "mqttspec: compare: %s: write error\n", path);
		return -1;
	}
	return 0;
}

int cli_compare(struct cli_opts *o, int argc, char **argv)
{
	if (argc > MAX_RUNS)
		return cli_usage_error("compare: at most 16 reports, got %s", "more");
	struct cmp_run runs[MAX_RUNS];
	memset(runs, 0, sizeof runs);
	int rc = 2;
	struct cmp_row *rows = NULL;
	size_t n = 0, ndiff = 0;
	for (int i = 0; i < argc; i++)
		if (load_run(&runs[i], argv[i]) < 0)
			goto out;
	n = build_rows(runs, (size_t)argc, &rows);
	for (size_t k = 0; k < n; k++)
		ndiff += (size_t)rows[k].differs;
	write_text(runs, (size_t)argc, rows, n, ndiff);
	if (o->html && write_html(o->html, runs, (size_t)argc, rows, n, ndiff) < 0)
		goto out;
	rc = ndiff ? 1 : 0;
out:
	free(rows);
	for (int i = 0; i < argc; i++)
		cJSON_Delete(runs[i].root);
	return rc;
}
