/*
 * cli_compare.c - mqttspec compare A.json B.json ...: clauses by run.
 *
 * Reads the JSON reports of several runs (several brokers, or two versions
 * of one) and prints one row per clause with its verdict in each run, the
 * rows whose verdicts differ first. --html FILE writes the same matrix as a
 * self-contained page. Exit status, like diff(1): 0 every clause has the
 * same verdict in every run, 1 some differ, 2 a file cannot be read.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "reports/report.h"

int cli_compare(struct cli_opts *o, int argc, char **argv)
{
	if (argc > REPORT_COMPARE_MAX_RUNS)
		return cli_usage_error("compare: at most 16 reports, got %s", "more");
	struct err e;
	struct report_compare *c = report_compare_load((const char *const *)argv, (size_t)argc, &e);
	if (!c) {
		fprintf(stderr, "mqttspec: compare: %s\n", e.msg);
		return 2;
	}
	int rc = report_compare_ndiff(c) ? 1 : 0;
	/* Like diff(1), the status says whether the runs differ; the console copy
	 * is best effort, as before. */
	report_compare_text(c, stdout, &e);
	if (o->html) {
		FILE *f = fopen(o->html, "w");
		if (!f) {
			perror(o->html);
			rc = 2;
		} else {
			/* Both always run: the file is closed whether or not writing failed. */
			int werr = report_compare_html(c, f, &e) < 0;
			if (fclose(f) != 0 || werr) {
				fprintf(stderr, "mqttspec: compare: %s: write error\n", o->html);
				rc = 2;
			}
		}
	}
	report_compare_free(c);
	return rc;
}
