/*
 * report_html_case.c - one case of the HTML report: what it did, step by
 * step, and what crossed the wire.
 *
 * Work per case is linear in its steps, checks and wire events (checks are
 * hung on their steps through one index array), so a page of hundreds of
 * cases is written in one pass. Every string from the model goes through
 * report_escape_xml(): broker text never reaches the page as markup.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/mqtt_fields.h"
#include "util/alloc.h"
#include "reports/report.h"
#include "reports/report_html_int.h"

#define esc report_escape_xml
#define esc_attr report_escape_xml_attr

const char *report_html_case_token(enum verdict v)
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
		return "NOT_APPLICABLE";
	case VERDICT_NOT_SELECTED:
		return "NOT_SELECTED";
	case VERDICT_UNTESTED:
	case VERDICT_COUNT:
		break;
	}
	return "UNTESTED";
}

static const char *outcome_word(enum check_outcome o)
{
	switch (o) {
	case CHECK_PASS:
		return "held";
	case CHECK_FAIL:
		return "FAILED";
	case CHECK_INCONCLUSIVE:
		return "not reached";
	case CHECK_NOT_APPLICABLE:
		return "not applicable";
	}
	return "?";
}

static const char *outcome_class(enum check_outcome o)
{
	switch (o) {
	case CHECK_PASS:
		return "pass";
	case CHECK_FAIL:
		return "fail";
	case CHECK_INCONCLUSIVE:
		return "inc";
	case CHECK_NOT_APPLICABLE:
		return "na";
	}
	return "na";
}

static const char *client_name(const struct case_result *c, int i)
{
	return i >= 0 && (size_t)i < c->nclients && c->clients[i] ? c->clients[i] : "-";
}

static void write_check(FILE *out, const struct check_result *ch, const char *clause)
{
	fprintf(out, "<div class=\"chk %s%s\"><b>check", outcome_class(ch->outcome),
		results_check_names(ch, clause) ? " mine" : "");
	for (size_t k = 0; k < ch->nclauses; k++) {
		fputs(k ? ", " : " ", out);
		int me = clause && ch->clauses[k] && strcmp(ch->clauses[k], clause) == 0;
		fputs(me ? "<u>" : "", out);
		esc(out, ch->clauses[k]);
		fputs(me ? "</u>" : "", out);
	}
	fprintf(out, " (%s) %s</b>", ch->should ? "SHOULD" : "MUST", outcome_word(ch->outcome));
	if (ch->baselined)
		fputs(" <span class=\"known\">known: in the baseline</span>", out);
	fputs("<div class=\"kv\"><span>expected</span> ", out);
	esc(out, ch->expected);
	fputs("</div><div class=\"kv\"><span>got</span> ", out);
	esc(out, ch->actual);
	fputs("</div>", out);
	if (ch->note) {
		fputs("<div class=\"kv\"><span>note</span> ", out);
		esc(out, ch->note);
		fputs("</div>", out);
	}
	fputs("</div>", out);
}

static void write_steps(FILE *out, const struct case_result *c, const char *clause)
{
	/* next[k]: the next check on the same step, so each step finds its
	 * checks without scanning them all. */
	long *first = alloc_bytes((c->nsteps + 1) * sizeof *first);
	long *next = alloc_bytes((c->nchecks + 1) * sizeof *next);
	for (size_t i = 0; i < c->nsteps; i++)
		first[i] = -1;
	for (size_t k = c->nchecks; k-- > 0;) {
		next[k] = -1;
		if (c->checks[k].step < c->nsteps) {
			next[k] = first[c->checks[k].step];
			first[c->checks[k].step] = (long)k;
		}
	}
	if (c->nsteps) {
		fputs("<table class=\"steps\"><thead><tr><th>#</th><th>step</th><th>client</th><th>action</th>"
		      "<th>detail</th><th>outcome</th><th>t (ms)</th></tr></thead><tbody>\n",
		      out);
	}
	for (size_t i = 0; i < c->nsteps; i++) {
		const struct step_result *s = &c->steps[i];
		int mine = 0, failed = 0;
		for (long k = first[i]; k >= 0; k = next[k]) {
			mine |= results_check_names(&c->checks[k], clause);
			failed |= c->checks[k].outcome == CHECK_FAIL;
		}
		fprintf(out, "<tr class=\"%s%s%s\"><td>%zu</td><td>", s->outcome == STEP_FAILED ? "sfail" : "",
			mine ? " mine" : "", failed ? " failcheck" : "", i + 1);
		esc(out, s->path);
		fputs("</td><td>", out);
		esc(out, client_name(c, s->client));
		fputs("</td><td>", out);
		esc(out, s->kind);
		fputs("</td><td class=\"det\">", out);
		if (failed)
			fputs("<span class=\"mark\">&#x2717; the failing check</span> ", out);
		esc(out, s->detail);
		for (long k = first[i]; k >= 0; k = next[k])
			write_check(out, &c->checks[k], clause);
		fputs("</td><td>", out);
		esc(out, results_step_outcome_name(s->outcome));
		fprintf(out, "</td><td class=\"t\">%.3f</td></tr>\n", s->t_ms);
	}
	if (c->nsteps)
		fputs("</tbody></table>\n", out);
	/* Checks of a case that never ran (not selected) have no step rows. */
	for (size_t k = 0; k < c->nchecks; k++)
		if (c->checks[k].step >= c->nsteps)
			write_check(out, &c->checks[k], clause);
	free(first);
	free(next);
}

struct field_table {
	FILE *out;
	int rows;
};

/* The table opens with its first row: a packet that does not decode has none. */
static void field_row(void *arg, const struct mqtt_field *f)
{
	struct field_table *t = arg;
	FILE *out = t->out;
	if (!t->rows++)
		fputs("<table><thead><tr><th>offset</th><th>bytes</th><th>field</th><th>value</th></tr></thead><tbody>",
		      out);
	fprintf(out, "<tr><td>%zu</td><td>%zu</td><td>", f->offset, f->len);
	esc(out, f->name);
	fputs("</td><td>", out);
	esc(out, f->value);
	fputs("</td></tr>", out);
}

/* The packet's fields, when its bytes decode; the rule it breaks, as the
 * model recorded it. */
static void write_fields(FILE *out, const struct wire_event *ev)
{
	struct mqtt_diag d = {0, NULL, "", MQTT_RULE_NONE};
	if (!ev->bytes || (ev->dir != WIRE_TX && ev->dir != WIRE_RX))
		return;
	fputs("<details class=\"fields\"><summary>fields</summary>", out);
	struct field_table t = {out, 0};
	int r = mqtt_fields_decode(MQTT_V311, ev->bytes, ev->len, field_row, &t, &d);
	if (r < 0) {
		fputs("<p class=\"dim\">these bytes do not decode as one packet", out);
		if (d.msg[0]) {
			fputs(": ", out);
			esc(out, d.msg);
		}
		fputs("</p></details>", out);
		return;
	}
	fputs("</tbody></table>", out);
	if (ev->rule_msg) {
		fputs("<p class=\"vmsg\">", out);
		esc(out, ev->rule_msg);
		fputs("</p>", out);
	}
	fputs("</details>", out);
}

static const char *dir_html(enum wire_dir d)
{
	switch (d) {
	case WIRE_TX:
		return "&#x2192; tx";
	case WIRE_RX:
		return "&#x2190; rx";
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

static const char *dir_class(enum wire_dir d)
{
	switch (d) {
	case WIRE_TX:
		return "tx";
	case WIRE_RX:
		return "rx";
	case WIRE_OPEN:
	case WIRE_HANGUP:
	case WIRE_NOTE:
		return "ev";
	case WIRE_CLOSED:
		return "cl";
	}
	return "ev";
}

static void hex_cell(FILE *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char buf[3 * 64 + 1];
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		buf[o++] = digits[b[i] >> 4];
		buf[o++] = digits[b[i] & 0x0F];
		buf[o++] = ' ';
		if (o + 3 > sizeof buf - 1 || i + 1 == n) {
			fwrite(buf, 1, o, out);
			o = 0;
		}
	}
}

/* A row that says a check was decided here (failed checks only: those are
 * the moments a reader looks for). */
static void check_marker(FILE *out, const struct check_result *ch)
{
	fprintf(out, "<tr class=\"wmark\"><td class=\"t\">%.3f</td><td colspan=\"4\">&#x2717; check ", ch->t_ms);
	for (size_t k = 0; k < ch->nclauses; k++) {
		fputs(k ? ", " : "", out);
		esc(out, ch->clauses[k]);
	}
	fputs(" failed at ", out);
	esc(out, ch->step_path);
	fputs(": ", out);
	esc(out, ch->actual);
	fputs("</td></tr>\n", out);
}

static void write_wire(FILE *out, const struct case_result *c)
{
	if (!c->nwire) {
		fputs("<p class=\"dim\">Nothing crossed the wire.</p>\n", out);
		return;
	}
	/* Failed checks in time order, merged into the events as markers. */
	size_t nf = 0;
	size_t *fails = alloc_bytes((c->nchecks + 1) * sizeof *fails);
	for (size_t k = 0; k < c->nchecks; k++)
		if (c->checks[k].outcome == CHECK_FAIL) {
			size_t j = nf++;
			while (j > 0 && c->checks[fails[j - 1]].t_ms > c->checks[k].t_ms) {
				fails[j] = fails[j - 1];
				j--;
			}
			fails[j] = k;
		}
	fputs("<table class=\"wire\"><thead><tr><th>t (ms)</th><th>client</th><th>dir</th><th>packet</th>"
	      "<th>bytes (hex)</th></tr></thead><tbody>\n",
	      out);
	size_t fi = 0;
	for (size_t i = 0; i < c->nwire; i++) {
		const struct wire_event *ev = &c->wire[i];
		while (fi < nf && c->checks[fails[fi]].t_ms <= ev->t_ms)
			check_marker(out, &c->checks[fails[fi++]]);
		fprintf(out, "<tr class=\"%s%s\"><td class=\"t\">%.3f</td><td>", dir_class(ev->dir),
			ev->violation ? " viol" : "", ev->t_ms);
		esc(out, client_name(c, ev->client));
		fprintf(out, "</td><td>%s</td><td class=\"pk\">", dir_html(ev->dir));
		esc(out, ev->text);
		if (ev->violation) {
			fputs(" <span class=\"vbadge\">breaks ", out);
			esc(out, ev->violation);
			fputs("</span>", out);
		}
		write_fields(out, ev);
		fputs("</td><td class=\"hex\">", out);
		if (ev->bytes)
			hex_cell(out, ev->bytes, ev->len);
		fputs("</td></tr>\n", out);
	}
	while (fi < nf)
		check_marker(out, &c->checks[fails[fi++]]);
	fputs("</tbody></table>\n", out);
	free(fails);
}

void report_html_case_write(FILE *out, const struct run_result *run, const struct case_result *c, const char *clause)
{
	(void)run;
	const char *tok = report_html_case_token(c->verdict);
	fprintf(out, "<details class=\"case\"><summary><span class=\"vd %s\">%s</span> <b>", tok,
		results_verdict_name(c->verdict));
	esc(out, c->id);
	fputs("</b> ", out);
	esc(out, c->title);
	fprintf(out, " <span class=\"dim\">(%zu of %zu steps, %.1f ms)</span></summary>\n<div class=\"cbody\">", c->steps_run,
		c->steps_total, c->duration_ms);
	fputs("<p class=\"dim\">", out);
	esc(out, c->file);
	fputs(" &#xb7; clients:", out);
	for (size_t i = 0; i < c->nclients; i++) {
		fputc(' ', out);
		esc(out, c->clients[i]);
		if (c->client_ids && c->client_ids[i]) {
			fputs(" = ", out);
			esc(out, c->client_ids[i]);
		}
	}
	fputs("</p>\n", out);
	if (!c->selected)
		fputs("<p class=\"dim\">Not selected in this run (--only): nothing ran.</p>\n", out);
	if (c->setup_error) {
		fputs("<p class=\"setup\">set-up failed: ", out);
		esc(out, c->setup_error);
		fputs("</p>\n", out);
	}
	write_steps(out, c, clause);
	if (c->selected) {
		fputs("<h5>Wire trace</h5>\n", out);
		write_wire(out, c);
	}
	fputs("</div></details>\n", out);
}
