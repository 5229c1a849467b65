/*
 * report.h - the report writers: text (console), JSON, JUnit XML, HTML and
 * Markdown.
 *
 * Every writer prints one struct run_result (result/results.h) as it is:
 * verdicts, counts and case links were settled by results_aggregate(), and a
 * writer never re-runs or re-judges anything. That keeps the three outputs in
 * agreement with each other and with the exit status.
 *
 * Strings in the model may come from the broker (topics, payloads, reason
 * text) and hold any bytes. Each writer makes its output well-formed anyway:
 * invalid UTF-8 becomes U+FFFD in JSON and XML, and control bytes are shown as
 * \xNN on the console so a broker cannot send escape sequences to a terminal.
 *
 * All writers return 0, or -1 with `e` set; a failed write (ferror) is an
 * error. They flush `out` but never close it.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "util/err.h"
#include "result/results.h"

/* Wire events shown per failure in the text report when no options are given. */
#define REPORT_WIRE_TAIL_DEFAULT 12

struct report_opts {
	int color;        /* ANSI colours on verdicts */
	int verbose;      /* clause summaries and reasons are never truncated */
	size_t wire_tail; /* wire events shown per failure (0: none) */
};

/* The console report: header, clause table, failures with expected/got and a
 * bounded wire trace, inconclusive cases, counts and a RESULT line that
 * agrees with results_exit_status(). `o` may be NULL: no colour, not
 * verbose, REPORT_WIRE_TAIL_DEFAULT wire events. */
int report_text_write(const struct run_result *run, const struct report_opts *o, FILE *out, struct err *e);

/* The machine-readable report ("format": "mqttspec-report", version 1): the
 * whole model, wire logs included. The schema is in report_json.c. */
int report_json_write(const struct run_result *run, FILE *out, struct err *e);

/* JUnit XML for CI: one testsuite per protocol version, one testcase per
 * catalog clause (its classname names the version and the spec section, the
 * first two numbers of the clause's section), except the rules that
 * bind only the client (they have no testcase of their own). FAIL is a <failure>,
 * INCONCLUSIVE an <error>, WARN passes with its message in <system-out>, and
 * NOT APPLICABLE / NOT SELECTED / UNTESTED are <skipped>. With a baseline, a
 * FAIL it knows entirely is <skipped> too ("FAIL (known: in the baseline)"),
 * so only regressions fail the CI job, as with the exit status. */
int report_junit_write(const struct run_result *run, FILE *out, struct err *e);

/* A self-contained HTML page (inline CSS and JS, nothing fetched): summary
 * and per-section counts, failures first, then every clause by section with
 * its cases; each case expands to its steps, checks and annotated wire trace.
 * Filters by verdict and section run in the page. See report_html.c. */
int report_html_write(const struct run_result *run, FILE *out, struct err *e);

/* A short Markdown summary for a pull-request comment or a CI job summary:
 * result, counts, regressions and fixes (with a baseline), and the failing
 * clauses with one line each. */
int report_markdown_write(const struct run_result *run, FILE *out, struct err *e);

/* --- report_compare.c: mqttspec compare A.json B.json ... --- */

/* The JSON reports (report_json_write) of several runs, one row per clause
 * with its verdict in each run. */
#define REPORT_COMPARE_MAX_RUNS 16
struct report_compare;

/* Read the reports. NULL, with `e` set ("FILE: what is wrong"), when one
 * cannot be read or is not a report of format_version 1. */
struct report_compare *report_compare_load(const char *const *files, size_t n, struct err *e);
/* The clauses whose verdict is not the same in every run. */
size_t report_compare_ndiff(const struct report_compare *c);
/* The matrix for the console: the runs numbered, then a row per clause, the
 * rows that differ first. */
int report_compare_text(const struct report_compare *c, FILE *out, struct err *e);
/* The same matrix as a self-contained HTML page. */
int report_compare_html(const struct report_compare *c, FILE *out, struct err *e);
void report_compare_free(struct report_compare *c);

/* --- report_escape.c --- */

/* XML character data: & < > " ' become entities, \r becomes &#13; (a raw CR
 * would be normalised away), other control bytes, U+FFFE/U+FFFF and invalid
 * UTF-8 become U+FFFD, so the document stays well-formed. NULL prints nothing. */
void report_escape_xml(FILE *out, const char *s);

/* As report_escape_xml, and also \t and \n as character references: a parser
 * turns raw ones inside an attribute value into spaces. */
void report_escape_xml_attr(FILE *out, const char *s);

/* Console text: printable UTF-8 as is; control bytes, DEL and invalid UTF-8
 * as \xNN (a tab as \t, a newline as \n). At most `max` columns (one per code
 * point, an escape counts its length); a longer string ends in "...".
 * SIZE_MAX: no limit. Returns the columns written. */
size_t report_escape_text(FILE *out, const char *s, size_t max);

/* Markdown inline text on one line: markup characters backslash-escaped,
 * line breaks as spaces, other control bytes as \\xNN, invalid UTF-8 as
 * U+FFFD. At most `max` columns, then "...". Returns the columns written. */
size_t report_escape_markdown(FILE *out, const char *s, size_t max);

/* The columns report_escape_text() needs for all of `s` (0 for NULL). */
size_t report_escape_text_width(const char *s);

#endif
