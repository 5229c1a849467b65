/*
 * result_query.c - questions every report writer asks of a run, answered
 * once so the writers cannot disagree: does a check name a clause, is a FAIL
 * known to the baseline, and which spec section does a clause report under.
 */
#include "result/results.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

void results_version_counts(const struct run_result *run, enum mqtt_version v, size_t counts[VERDICT_COUNT])
{
	memset(counts, 0, VERDICT_COUNT * sizeof *counts);
	for (size_t i = 0; i < run->nclauses; i++)
		if (run->clauses[i].clause && run->clauses[i].clause->version == v)
			counts[run->clauses[i].verdict]++;
}

char *results_clause_qid(const struct clause_result *cr, char *buf, size_t n)
{
	if (!cr->clause) {
		snprintf(buf, n, "?");
		return buf;
	}
	return catalog_id_qualify(cr->clause->version, cr->clause->id, buf, n);
}

int results_check_names(const struct check_result *ch, const char *id)
{
	for (size_t i = 0; id && i < ch->nclauses; i++)
		if (ch->clauses[i] && strcmp(ch->clauses[i], id) == 0)
			return 1;
	return 0;
}

int results_known_fail(const struct run_result *run, const struct clause_result *cr)
{
	if (!run->baseline || cr->verdict != VERDICT_FAIL || !cr->clause)
		return 0;
	for (size_t i = 0; i < cr->ncases; i++) {
		if (cr->cases[i] >= run->ncases)
			continue;
		const struct case_result *c = &run->cases[cr->cases[i]];
		for (size_t j = 0; j < c->nchecks; j++) {
			const struct check_result *ch = &c->checks[j];
			if (ch->outcome == CHECK_FAIL && !ch->should && !ch->baselined &&
			    results_check_names(ch, cr->clause->id))
				return 0;
		}
	}
	return 1;
}

size_t results_section_group_len(const char *section)
{
	const char *dot = strchr(section, '.');
	if (dot)
		dot = strchr(dot + 1, '.');
	return dot ? (size_t)(dot - section) : strlen(section);
}

/* The index of the group named by the first `len` bytes of `s`, or n. */
static size_t find_group(char *const *names, size_t n, const char *s, size_t len)
{
	size_t g = 0;
	while (g < n && !(strlen(names[g]) == len && strncmp(names[g], s, len) == 0))
		g++;
	return g;
}

void results_sections_group(struct results_sections *g, const char *const *sections, size_t n)
{
	g->names = alloc_array(NULL, n + 1, sizeof *g->names);
	g->group_of = alloc_array(NULL, n + 1, sizeof *g->group_of);
	g->order = alloc_array(NULL, n + 1, sizeof *g->order);
	g->n = g->norder = 0;
	/* Groups are few (tens), so finding one by name is cheap. */
	for (size_t i = 0; i < n; i++) {
		if (!sections[i])
			continue;
		size_t len = results_section_group_len(sections[i]);
		if (find_group(g->names, g->n, sections[i], len) < g->n)
			continue;
		char *name = alloc_bytes(len + 1);
		memcpy(name, sections[i], len);
		name[len] = '\0';
		/* Insertion keeps the names in spec order as they come. */
		size_t k = g->n++;
		for (; k > 0 && catalog_section_cmp(g->names[k - 1], name) > 0; k--)
			g->names[k] = g->names[k - 1];
		g->names[k] = name;
	}
	size_t *start = alloc_zeroed(g->n + 1, sizeof *start);
	for (size_t i = 0; i < n; i++) {
		g->group_of[i] = SIZE_MAX;
		if (!sections[i])
			continue;
		g->group_of[i] = find_group(g->names, g->n, sections[i], results_section_group_len(sections[i]));
		start[g->group_of[i] + 1]++;
		g->norder++;
	}
	for (size_t k = 0; k < g->n; k++)
		start[k + 1] += start[k];
	/* A counting sort keeps the inputs' order inside each group. */
	for (size_t i = 0; i < n; i++)
		if (g->group_of[i] != SIZE_MAX)
			g->order[start[g->group_of[i]]++] = i;
	free(start);
}

void results_sections_free(struct results_sections *g)
{
	for (size_t k = 0; k < g->n; k++)
		free(g->names[k]);
	free(g->names);
	free(g->group_of);
	free(g->order);
	memset(g, 0, sizeof *g);
}
