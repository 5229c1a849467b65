/*
 * report_html.c - the HTML report: one self-contained page to study a run.
 *
 * Top to bottom: the result (agreeing with the exit status), the run's
 * settings, counts per verdict and per spec section (first two numbers of a
 * clause's section, as in JUnit) of each protocol version, the baseline's
 * regressions and fixes, a filter bar (verdict, section, words; shown only
 * when the script runs), the failing and warning clauses first, then every
 * clause by version and section with our summary, keyword, verdict and the
 * cases that test it. The ids of 3.1.1 and 5.0 look alike: a heading says
 * whose clauses follow, and anchors carry the version ("c-5.0:MQTT-3.1.2-3"). Each case is a
 * <details> that expands to its steps and wire trace (report_html_case.c).
 *
 * A case appears under each clause it checks, so a clause reads on its own;
 * the page grows with (cases x clauses per case), never with cases x cases.
 * Clause entries are emitted in section order through one sorted index.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "result/baseline.h"
#include "util/alloc.h"
#include "reports/report.h"
#include "reports/report_html_int.h"

#define esc report_escape_xml
#define esc_attr report_escape_xml_attr

/* A section of one version's clauses. Its key ("3.1.1:3.1") names it in
 * anchors and filters: the sections of 3.1.1 and 5.0 share numbers. */
struct html_group {
	enum mqtt_version version;
	char name[32]; /* "3.1" */
	char key[48];  /* "3.1.1:3.1" */
	size_t counts[VERDICT_COUNT];
	size_t total;
};

/* Chapter and section headings of MQTT 3.1.1, so the tables say what "3.8"
 * is. Headings only, for navigation. */
static const char *const titles_311[][2] = {
	{"1.5", "Data representations"}, {"2.2", "Fixed header"}, {"2.3", "Variable header"},
	{"3.1", "CONNECT"}, {"3.2", "CONNACK"}, {"3.3", "PUBLISH"}, {"3.4", "PUBACK"}, {"3.5", "PUBREC"},
	{"3.6", "PUBREL"}, {"3.7", "PUBCOMP"}, {"3.8", "SUBSCRIBE"}, {"3.9", "SUBACK"}, {"3.10", "UNSUBSCRIBE"},
	{"3.11", "UNSUBACK"}, {"3.12", "PINGREQ"}, {"3.13", "PINGRESP"}, {"3.14", "DISCONNECT"},
	{"4.1", "Storing state"}, {"4.3", "Quality of Service levels and flows"}, {"4.4", "Message delivery retry"},
	{"4.5", "Message receipt"}, {"4.6", "Message ordering"}, {"4.7", "Topic Names and Topic Filters"},
	{"4.8", "Handling errors"}, {"5", "Security"}, {"6", "WebSocket transport"}, {"7", "Conformance"},
	{"7.1", "Conformance targets"},
};

/* The same for MQTT 5.0. */
static const char *const titles_50[][2] = {
	{"1.5", "Data representation"}, {"2.1", "Structure of an MQTT Control Packet"}, {"2.2", "Variable Header"},
	{"2.3", "Payload"}, {"2.4", "Reason Code"}, {"3.1", "CONNECT"}, {"3.2", "CONNACK"}, {"3.3", "PUBLISH"},
	{"3.4", "PUBACK"}, {"3.5", "PUBREC"}, {"3.6", "PUBREL"}, {"3.7", "PUBCOMP"}, {"3.8", "SUBSCRIBE"},
	{"3.9", "SUBACK"}, {"3.10", "UNSUBSCRIBE"}, {"3.11", "UNSUBACK"}, {"3.12", "PINGREQ"}, {"3.13", "PINGRESP"},
	{"3.14", "DISCONNECT"}, {"3.15", "AUTH"}, {"4.1", "Session State"}, {"4.2", "Network Connections"},
	{"4.3", "Quality of Service levels and protocol flows"}, {"4.4", "Message delivery retry"},
	{"4.5", "Message receipt"}, {"4.6", "Message ordering"}, {"4.7", "Topic Names and Topic Filters"},
	{"4.8", "Subscriptions"}, {"4.9", "Flow Control"}, {"4.10", "Request / Response"},
	{"4.11", "Server redirection"}, {"4.12", "Enhanced authentication"}, {"4.13", "Handling errors"},
	{"5", "Security"}, {"6", "WebSocket transport"}, {"7", "Conformance"}, {"7.1", "Conformance clauses"},
};

static const char *group_title(const struct html_group *g)
{
	const char *const(*t)[2] = g->version == MQTT_V5 ? titles_50 : titles_311;
	size_t n = g->version == MQTT_V5 ? sizeof titles_50 / sizeof titles_50[0] : sizeof titles_311 / sizeof titles_311[0];
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i][0], g->name) == 0)
			return t[i][1];
	return NULL;
}

struct html_page {
	const struct run_result *run;
	struct html_group *groups; /* the versions' sections, version by version */
	size_t ngroups;
	size_t *group_of; /* per clause: index into groups */
	size_t *order;    /* clause indexes by version, then section */
};

/* One version's sections appended to the page's groups and order. */
static void add_version(struct html_page *p, enum mqtt_version v)
{
	const struct run_result *run = p->run;
	const char **secs = alloc_array(NULL, run->nclauses + 1, sizeof *secs);
	for (size_t i = 0; i < run->nclauses; i++) {
		const struct catalog_clause *c = run->clauses[i].clause;
		secs[i] = c && c->version == v ? c->section ? c->section : "" : NULL;
	}
	struct results_sections rs;
	results_sections_group(&rs, secs, run->nclauses);
	free(secs);
	size_t base = p->ngroups, norder = 0;
	for (size_t i = 0; i < run->nclauses; i++)
		norder += p->group_of[i] != SIZE_MAX;
	for (size_t g = 0; g < rs.n; g++) {
		struct html_group *gr = &p->groups[p->ngroups++];
		gr->version = v;
		snprintf(gr->name, sizeof gr->name, "%s", rs.names[g]);
		snprintf(gr->key, sizeof gr->key, "%s:%s", mqtt_version_name(v), rs.names[g]);
	}
	for (size_t i = 0; i < rs.norder; i++) {
		size_t k = rs.order[i];
		p->order[norder + i] = k;
		p->group_of[k] = base + rs.group_of[k];
		p->groups[p->group_of[k]].counts[run->clauses[k].verdict]++;
		p->groups[p->group_of[k]].total++;
	}
	results_sections_free(&rs);
}

static void page_init(struct html_page *p, const struct run_result *run)
{
	size_t n = run->nclauses;
	p->run = run;
	p->ngroups = 0;
	/* A group per distinct section at most, so n groups are room enough. */
	p->groups = alloc_zeroed(n + 1, sizeof *p->groups);
	p->group_of = alloc_array(NULL, n + 1, sizeof *p->group_of);
	p->order = alloc_zeroed(n + 1, sizeof *p->order);
	for (size_t i = 0; i < n; i++)
		p->group_of[i] = SIZE_MAX;
	for (size_t k = 0; k < run->nversions; k++)
		add_version(p, run->versions[k]);
}

static void page_free(struct html_page *p)
{
	free(p->groups);
	free(p->group_of);
	free(p->order);
}

/* The number of clauses in the page's order (those of the run's versions). */
static size_t page_norder(const struct html_page *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->run->nclauses; i++)
		n += p->group_of[i] != SIZE_MAX;
	return n;
}

/* The RESULT line, and whether the run was cut short. */
static void write_result(const struct run_result *run, FILE *out)
{
	int bad = baseline_exit_status(run) != 0 || run->setup_error;
	fprintf(out, "<p class=\"result %s\">RESULT: %s", bad ? "bad" : "good",
		run->setup_error ? "SET-UP ERROR" : bad ? "FAIL" : "PASS");
	if (run->setup_error) {
		fputs("</p>\n<p class=\"result bad setup-error\">", out);
		esc(out, run->setup_error);
		fputs("</p>\n<p>No case ran: this is not a verdict on the broker.", out);
	} else if (run->baseline)
		fprintf(out, bad ? " (%zu regression(s): failures not in the baseline)"
				 : " (no regression; %zu known failure(s) in the baseline)",
			bad ? run->regressions : run->known);
	else if (bad)
		fprintf(out, " (%zu clauses fail)", run->counts[VERDICT_FAIL] + (run->strict ? run->counts[VERDICT_WARN] : 0));
	fputs("</p>\n", out);
	if (run->incomplete)
		fputs("<p class=\"result bad\">INCOMPLETE: the run was cut short; what it did not reach is not a verdict "
		      "on the broker</p>\n",
		      out);
}

/* The table of what was run, against what, and how. */
static void write_meta(const struct run_result *run, FILE *out)
{
	fputs("<table class=\"meta\">\n", out);
	for (size_t i = 0; i < run->nbrokers; i++) {
		fputs("<tr><th>broker</th><td>", out);
		esc(out, run->brokers[i]);
		fputs("</td></tr>\n", out);
	}
	if (run->broker_name) {
		fputs("<tr><th>broker name</th><td>", out);
		esc(out, run->broker_name);
		fputs("</td></tr>\n", out);
	}
	fputs("<tr><th>date</th><td>", out);
	esc(out, run->started_at ? run->started_at : "?");
	fputs("</td></tr>\n<tr><th>mqttspec</th><td>", out);
	esc(out, run->tool_version ? run->tool_version : "?");
	fprintf(out, "</td></tr>\n<tr><th>duration</th><td>%.3f s</td></tr>\n<tr><th>run prefix</th><td>",
		run->duration_ms / 1000.0);
	esc(out, run->run_prefix ? run->run_prefix : "");
	fprintf(out, "</td></tr>\n<tr><th>time scale</th><td>%g</td></tr>\n<tr><th>strict</th><td>%s</td></tr>\n",
		run->time_scale, run->strict ? "yes (WARN counts as failing)" : "no");
	fprintf(out, "<tr><th>timers</th><td>tolerance %ld ms, slack %ld ms, period %ld ms, max wait %ld ms</td></tr>\n",
		run->tolerance_ms, run->slack_ms, run->period_ms, run->max_wait_ms);
	if (run->insecure)
		fputs("<tr><th>TLS</th><td>peer verification OFF (--insecure): the broker's identity was not checked</td></tr>\n",
		      out);
	for (size_t i = 0; i < run->nprofile; i++) {
		fputs(i ? "<tr><th></th><td>" : "<tr><th>profile</th><td>", out);
		esc(out, run->profile[i].name);
		fputs(" = ", out);
		esc(out, run->profile[i].value);
		fputs(" <small>(", out);
		esc(out, run->profile[i].source);
		fputs(")</small></td></tr>\n", out);
	}
	fputs("</table>\n", out);
}

static void write_head(const struct run_result *run, FILE *out)
{
	const char *broker = run->broker_name ? run->broker_name : run->nbrokers ? run->brokers[0] : "broker";
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>mqttspec: ",
	      out);
	esc(out, broker);
	fputs(" \xE2\x80\x94 ", out);
	esc(out, run->spec ? run->spec : "MQTT");
	fputs(" conformance</title>\n<style>\n", out);
	fputs(report_html_assets_css, out);
	fputs("</style>\n</head>\n<body>\n<header>\n<h1>", out);
	esc(out, run->spec ? run->spec : "MQTT");
	fputs(" conformance of ", out);
	esc(out, broker);
	fputs("</h1>\n", out);
	write_result(run, out);
	write_meta(run, out);
	fputs("</header>\n", out);
}

static void count_cell(FILE *out, size_t n, enum verdict v, const char *sec)
{
	const char *tok = report_html_case_token(v);
	if (!n) {
		fputs("<td class=\"n0\">0</td>", out);
		return;
	}
	fprintf(out, "<td class=\"n %s\"><a href=\"#clauses\" data-only=\"%s\"", tok, tok);
	if (sec) {
		fputs(" data-sec=\"", out);
		esc_attr(out, sec);
		fputc('"', out);
	}
	fprintf(out, ">%zu</a></td>", n);
}

static void write_summary(const struct html_page *p, FILE *out)
{
	const struct run_result *run = p->run;
	fputs("<section id=\"summary\">\n<h2>Summary</h2>\n<table class=\"counts\"><thead><tr><th></th>", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "<th>%s</th>", results_verdict_name((enum verdict)v));
	fputs("<th>total</th></tr></thead><tbody>\n<tr><th>clauses</th>", out);
	size_t total = 0;
	for (int v = 0; v < VERDICT_COUNT; v++) {
		count_cell(out, run->counts[v], (enum verdict)v, NULL);
		total += run->counts[v];
	}
	fprintf(out, "<td>%zu</td></tr>\n<tr><th>cases</th>", total);
	total = 0;
	for (int v = 0; v < VERDICT_COUNT; v++) {
		fprintf(out, "<td%s>%zu</td>", run->case_counts[v] ? "" : " class=\"n0\"", run->case_counts[v]);
		total += run->case_counts[v];
	}
	fprintf(out, "<td>%zu</td></tr>\n</tbody></table>\n", total);

	fputs("<h3>By section</h3>\n<table class=\"bysec\"><thead><tr><th>section</th>", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "<th>%s</th>", results_verdict_name((enum verdict)v));
	fputs("<th>total</th></tr></thead><tbody>\n", out);
	for (size_t g = 0; g < p->ngroups; g++) {
		const struct html_group *gr = &p->groups[g];
		const char *title = group_title(gr);
		if (g == 0 || gr->version != p->groups[g - 1].version)
			fprintf(out, "<tr><th colspan=\"%d\">MQTT %s</th></tr>\n", VERDICT_COUNT + 2,
				mqtt_version_name(gr->version));
		fputs("<tr><td><a href=\"#sec-", out);
		esc_attr(out, gr->key);
		fputs("\">", out);
		esc(out, gr->name);
		if (title) {
			fputc(' ', out);
			esc(out, title);
		}
		fputs("</a></td>", out);
		for (int v = 0; v < VERDICT_COUNT; v++)
			count_cell(out, gr->counts[v], (enum verdict)v, gr->key);
		fprintf(out, "<td>%zu</td></tr>\n", gr->total);
	}
	fputs("</tbody></table>\n", out);
}

static void write_baseline(const struct run_result *run, FILE *out)
{
	if (!run->baseline)
		return;
	fputs("<h3>Baseline</h3>\n<p>", out);
	esc(out, run->baseline);
	fprintf(out, ": %zu known failure(s) still fail, %zu regression(s), %zu fixed.</p>\n", run->known,
		run->regressions, run->nfixed);
	if (run->regressions) {
		fputs("<p><b>Regressions</b> (failures the baseline does not list):</p><ul>\n", out);
		for (size_t i = 0; i < run->ncases; i++) {
			const struct case_result *c = &run->cases[i];
			for (size_t j = 0; j < c->nchecks; j++) {
				const struct check_result *ch = &c->checks[j];
				if (ch->baselined || !baseline_check_counts(run, ch))
					continue;
				fputs("<li>", out);
				for (size_t k = 0; k < ch->nclauses; k++) {
					char qid[CATALOG_QID_MAX];
					fputs(k ? ", " : "", out);
					esc(out, catalog_id_qualify(c->protocol, ch->clauses[k], qid, sizeof qid));
				}
				fputs(" in case ", out);
				esc(out, c->id);
				fputs(" (", out);
				esc(out, ch->step_path);
				fputs(")</li>\n", out);
			}
		}
		fputs("</ul>\n", out);
	}
	if (run->nfixed) {
		fputs("<p><b>Fixed</b> (listed in the baseline, now passing: drop them from it):</p><ul>\n", out);
		for (size_t i = 0; i < run->nfixed; i++) {
			char qid[CATALOG_QID_MAX];
			fputs("<li>", out);
			esc(out, catalog_id_qualify(run->fixed[i].version, run->fixed[i].clause, qid, sizeof qid));
			fputs(" in case ", out);
			esc(out, run->fixed[i].case_id);
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	}
}

static void write_filters(const struct html_page *p, FILE *out)
{
	fputs("<nav id=\"filters\" hidden>show: ", out);
	for (int v = 0; v < VERDICT_COUNT; v++)
		fprintf(out, "<label><input type=\"checkbox\" value=\"%s\" checked> %s</label>",
			report_html_case_token((enum verdict)v), results_verdict_name((enum verdict)v));
	fputs(" <label>section <select id=\"fsec\"><option value=\"\">all</option>", out);
	for (size_t g = 0; g < p->ngroups; g++) {
		if (g == 0 || p->groups[g].version != p->groups[g - 1].version)
			fprintf(out, "%s<optgroup label=\"MQTT %s\">", g ? "</optgroup>" : "",
				mqtt_version_name(p->groups[g].version));
		fputs("<option value=\"", out);
		esc_attr(out, p->groups[g].key);
		fputs("\">", out);
		esc(out, p->groups[g].name);
		const char *title = group_title(&p->groups[g]);
		if (title) {
			fputc(' ', out);
			esc(out, title);
		}
		fputs("</option>", out);
	}
	fputs(p->ngroups ? "</optgroup></select></label> <input type=\"search\"" : "</select></label> <input type=\"search\"", out);
	fputs(" id=\"fq\" placeholder=\"id or words\"> "
	      "<button type=\"button\" id=\"fall\">show all</button> "
	      "<button type=\"button\" id=\"fexp\">expand shown cases</button> <span id=\"fcount\" class=\"dim\"></span>"
	      "</nav>\n",
	      out);
}

/* How the broker polices a client rule, if the clause is one. */
static void write_policing(const struct run_result *run, const struct clause_result *cr, FILE *out)
{
	char *policing = results_policing_text(run, cr);
	if (policing) {
		/* Labelled, never shown as the clause's verdict: the broker cannot
		 * break a client rule, only answer a client that does. */
		const char *v = results_verdict_name(cr->policing_verdict);
		fprintf(out, "<p class=\"policing\">policed by the broker: <span class=\"vd %s\">%s</span>",
			report_html_case_token(cr->policing_verdict), v);
		esc(out, policing + strlen(v));
		fputs("</p>\n", out);
		free(policing);
	}
}

/* The clause's cases, failing ones first. */
static void write_clause_cases(const struct run_result *run, const struct clause_result *cr, FILE *out)
{
	const struct catalog_clause *c = cr->clause;
	/* Failing cases first, then by verdict; a clause has a handful of cases,
	 * so an insertion sort of their indexes is enough. */
	size_t *idx = alloc_bytes((cr->ncases + 1) * sizeof *idx), n = 0;
	for (size_t i = 0; i < cr->ncases; i++) {
		if (cr->cases[i] >= run->ncases)
			continue;
		size_t j = n++;
		while (j > 0 && run->cases[idx[j - 1]].verdict > run->cases[cr->cases[i]].verdict) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = cr->cases[i];
	}
	for (size_t i = 0; i < n; i++)
		report_html_case_write(out, run, &run->cases[idx[i]], c->id);
	free(idx);
}

static void write_clause(const struct html_page *p, size_t k, int anchor, FILE *out)
{
	const struct run_result *run = p->run;
	const struct clause_result *cr = &run->clauses[k];
	const struct catalog_clause *c = cr->clause;
	char qid[CATALOG_QID_MAX];
	results_clause_qid(cr, qid, sizeof qid);
	fprintf(out, "<div class=\"clause\" data-verdict=\"%s\" data-section=\"", report_html_case_token(cr->verdict));
	esc_attr(out, p->groups[p->group_of[k]].key);
	fputc('"', out);
	if (anchor) {
		fputs(" id=\"c-", out);
		esc_attr(out, qid);
		fputc('"', out);
	}
	fprintf(out, ">\n<div class=\"chead\"><span class=\"vd %s\">%s</span> <a class=\"cid\" href=\"#c-",
		report_html_case_token(cr->verdict), results_verdict_name(cr->verdict));
	esc_attr(out, qid);
	fputs("\">", out);
	esc(out, c->id);
	fputs("</a><span class=\"kw\">", out);
	esc(out, c->keyword);
	fputs("</span><span class=\"secno\">\xC2\xA7", out);
	esc(out, c->section);
	fputs("</span><span class=\"kw\">binds ", out);
	esc(out, c->binds);
	fputs("</span>", out);
	if (results_known_fail(run, cr))
		fputs(" <span class=\"known\">known: in the baseline</span>", out);
	fputs("</div>\n<p class=\"sum\">", out);
	esc(out, c->summary);
	fputs("</p>\n", out);
	if (cr->reason) {
		fputs("<p class=\"reason\">", out);
		esc(out, cr->reason);
		fputs("</p>\n", out);
	}
	write_policing(run, cr, out);
	write_clause_cases(run, cr, out);
	fputs("</div>\n", out);
}

static void write_failures(const struct html_page *p, FILE *out)
{
	const struct run_result *run = p->run;
	fputs("<main>\n<section id=\"failures\">\n<h2>Failures</h2>\n", out);
	if (!run->counts[VERDICT_FAIL] && !run->counts[VERDICT_WARN])
		fputs("<p>No clause fails or warns.</p>\n", out);
	static const enum verdict first[] = {VERDICT_FAIL, VERDICT_WARN};
	size_t n = page_norder(p);
	for (size_t v = 0; v < run->nversions; v++) {
		size_t counts[VERDICT_COUNT];
		results_version_counts(run, run->versions[v], counts);
		if (!counts[VERDICT_FAIL] && !counts[VERDICT_WARN])
			continue;
		fprintf(out, "<h3>MQTT %s</h3>\n", mqtt_version_name(run->versions[v]));
		for (size_t f = 0; f < 2; f++)
			for (size_t i = 0; i < n; i++) {
				const struct clause_result *cr = &run->clauses[p->order[i]];
				if (cr->verdict == first[f] && cr->clause && cr->clause->version == run->versions[v])
					write_clause(p, p->order[i], 0, out);
			}
	}
	fputs("</section>\n", out);
}

static void write_all(const struct html_page *p, FILE *out)
{
	const struct run_result *run = p->run;
	fputs("<section id=\"clauses\">\n", out);
	size_t g = (size_t)-1, n = page_norder(p);
	for (size_t i = 0; i < n; i++) {
		size_t k = p->order[i];
		if (!run->clauses[k].clause)
			continue;
		if (p->group_of[k] != g) {
			if (g != (size_t)-1)
				fputs("</div>\n", out);
			if (g == (size_t)-1 || p->groups[g].version != p->groups[p->group_of[k]].version)
				fprintf(out, "<h2>Every clause of MQTT %s, by section</h2>\n",
					mqtt_version_name(p->groups[p->group_of[k]].version));
			g = p->group_of[k];
			const char *title = group_title(&p->groups[g]);
			fputs("<div class=\"sec\" id=\"sec-", out);
			esc_attr(out, p->groups[g].key);
			fputs("\">\n<h3>", out);
			esc(out, p->groups[g].name);
			if (title) {
				fputc(' ', out);
				esc(out, title);
			}
			fputs("</h3>\n", out);
		}
		write_clause(p, k, 1, out);
	}
	if (g != (size_t)-1)
		fputs("</div>\n", out);
	fputs("</section>\n</main>\n", out);
}

int report_html_write(const struct run_result *run, FILE *out, struct err *e)
{
	struct html_page p;
	page_init(&p, run);
	write_head(run, out);
	if (!run->setup_error) {
		write_summary(&p, out);
		write_baseline(run, out);
		fputs("</section>\n", out);
		write_filters(&p, out);
		write_failures(&p, out);
		write_all(&p, out);
	}
	fputs("<footer>Written by mqttspec ", out);
	esc(out, run->tool_version ? run->tool_version : "");
	fputs(". Clause summaries are mqttspec's own words; the normative text is the OASIS standard, at the section "
	      "each clause names.</footer>\n<script>\n",
	      out);
	fputs(report_html_assets_js, out);
	fputs("</script>\n</body>\n</html>\n", out);
	page_free(&p);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "HTML report: write error");
	return 0;
}
