/*
 * report_html_int.h - what the files of the HTML writer share:
 * report_html.c (the page, summary, clause lists), report_html_case.c (one
 * case: steps, checks, wire trace) and report_html_assets.c (CSS and JS).
 */
#ifndef REPORT_HTML_INT_H
#define REPORT_HTML_INT_H

#include <stdio.h>

#include "reports/report_html_assets.h"
#include "result/results.h"

/* A verdict as a CSS/data token: "FAIL", "NOT_APPLICABLE", ... */
const char *report_html_case_token(enum verdict v);

/* One case as a <details> element: summary line, then its steps (the
 * checks inline on their step, the ones naming `clause` marked), and the
 * wire trace with each packet decoded field by field, received packets that
 * broke a rule highlighted and each failed check marked where it was
 * decided. */
void report_html_case_write(FILE *out, const struct run_result *run, const struct case_result *c,
			    const char *clause);

#endif
