/* baseline.c - known failures and the regression gate. See baseline.h. */
#include "result/baseline.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "util/json_util.h"
#include "util/utf8_escape.h"

#define REASON_MAX 240 /* bytes of a written reason: the whole text is in the report */

static const char *const top_keys[] = {"format", "version", "broker", "entries", NULL};
static const char *const entry_keys[] = {"clause", "case", "reason", NULL};

/* An entry's clause: in version 2 qualified ("5.0:MQTT-3.1.2-3"), in
 * version 1 a bare id of 3.1.1 (the only version there was). */
static int entry_clause(const char *text, long format, const char *p, int *v, const char **id, struct err *e)
{
	if (catalog_id_parse(text, v, id) < 0)
		return err_set(e, "%s.clause: \"%s\": expected VERSION:ID with VERSION 3.1.1 or 5.0", p, text);
	if (format == 1 && *v >= 0)
		return err_set(e, "%s.clause: \"%s\": a version 1 baseline has bare 3.1.1 ids", p, text);
	if (format == 1)
		*v = MQTT_V311;
	else if (*v < 0)
		return err_set(e, "%s.clause: \"%s\": a version 2 baseline qualifies each id (\"3.1.1:%s\" or \"5.0:%s\")",
			       p, text, text, text);
	return 0;
}

int baseline_load(struct baseline *b, const char *path, struct err *e)
{
	memset(b, 0, sizeof *b);
	cJSON *root = json_util_parse_file(path, e);
	if (!root)
		return -1;
	const char *format, *broker = NULL;
	long version;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "entries");
	if (!cJSON_IsObject(root)) {
		err_set(e, "$: expected an object");
		goto fail;
	}
	if (json_util_known_keys(root, "$", top_keys, e) < 0 || json_util_str(root, "format", "$", 1, &format, e) < 0 ||
	    json_util_int(root, "version", "$", 1, 1, 1000, &version, e) < 0 ||
	    json_util_str(root, "broker", "$", 0, &broker, e) < 0)
		goto fail;
	if (strcmp(format, "mqttspec-baseline") != 0) {
		err_set(e, "$.format: expected \"mqttspec-baseline\", got \"%s\"", format);
		goto fail;
	}
	if (version != 1 && version != 2) {
		err_set(e, "$.version: this mqttspec reads versions 1 and 2, the file is version %ld", version);
		goto fail;
	}
	if (!cJSON_IsArray(arr)) {
		err_set(e, "$.entries: expected an array");
		goto fail;
	}
	b->entries = alloc_zeroed((size_t)cJSON_GetArraySize(arr) + 1, sizeof *b->entries);
	const cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		char p[64];
		const char *clause, *case_id, *reason = NULL;
		snprintf(p, sizeof p, "$.entries[%zu]", b->n);
		if (!cJSON_IsObject(it)) {
			err_set(e, "%s: expected an object", p);
			goto fail;
		}
		if (json_util_known_keys(it, p, entry_keys, e) < 0 || json_util_str(it, "clause", p, 1, &clause, e) < 0 ||
		    json_util_str(it, "case", p, 1, &case_id, e) < 0 ||
		    json_util_str(it, "reason", p, 0, &reason, e) < 0)
			goto fail;
		int v;
		const char *id;
		if (entry_clause(clause, version, p, &v, &id, e) < 0)
			goto fail;
		struct baseline_entry *en = &b->entries[b->n++];
		en->version = (enum mqtt_version)v;
		en->clause = alloc_strdup(id);
		en->case_id = alloc_strdup(case_id);
		en->reason = reason ? alloc_strdup(reason) : NULL;
	}
	b->path = alloc_strdup(path);
	b->broker = broker ? alloc_strdup(broker) : NULL;
	cJSON_Delete(root);
	return 0;
fail:
	cJSON_Delete(root);
	baseline_free(b);
	return err_prefix(e, "%s", path);
}

void baseline_free(struct baseline *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->entries[i].clause);
		free(b->entries[i].case_id);
		free(b->entries[i].reason);
	}
	free(b->entries);
	free(b->fixed);
	free(b->path);
	free(b->broker);
	memset(b, 0, sizeof *b);
}

static int listed(const struct baseline *b, enum mqtt_version v, const char *clause, const char *case_id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->entries[i].version == v && strcmp(b->entries[i].clause, clause) == 0 &&
		    strcmp(b->entries[i].case_id, case_id) == 0)
			return 1;
	return 0;
}

int baseline_check_counts(const struct run_result *run, const struct check_result *ch)
{
	return ch->outcome == CHECK_FAIL && (!ch->should || run->strict);
}

/* 1: the clause held in the case (a check naming it passed, none failed). */
static int now_passes(const struct case_result *c, const char *clause)
{
	int pass = 0;
	for (size_t i = 0; i < c->nchecks; i++) {
		const struct check_result *ch = &c->checks[i];
		for (size_t j = 0; j < ch->nclauses; j++) {
			if (strcmp(ch->clauses[j], clause) != 0)
				continue;
			if (ch->outcome == CHECK_FAIL)
				return 0;
			pass |= ch->outcome == CHECK_PASS;
		}
	}
	return pass;
}

void baseline_apply(struct baseline *b, struct run_result *run)
{
	run->baseline = b->path ? b->path : "baseline";
	run->regressions = run->known = 0;
	for (size_t i = 0; i < run->ncases; i++) {
		struct case_result *c = &run->cases[i];
		for (size_t k = 0; k < c->nchecks; k++) {
			struct check_result *ch = &c->checks[k];
			ch->baselined = 0;
			if (ch->outcome != CHECK_FAIL || ch->nclauses == 0)
				continue;
			int all = 1;
			for (size_t j = 0; all && j < ch->nclauses; j++)
				all = listed(b, c->protocol, ch->clauses[j], c->id);
			ch->baselined = all;
			if (baseline_check_counts(run, ch)) {
				if (all)
					run->known++;
				else
					run->regressions++;
			}
		}
	}
	free(b->fixed);
	b->fixed = alloc_zeroed(b->n + 1, sizeof *b->fixed);
	b->nfixed = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct baseline_entry *en = &b->entries[i];
		for (size_t k = 0; k < run->ncases; k++) {
			const struct case_result *c = &run->cases[k];
			if (strcmp(c->id, en->case_id) != 0 || c->protocol != en->version || !c->selected ||
			    !now_passes(c, en->clause))
				continue;
			b->fixed[b->nfixed++] = (struct run_fixed){en->version, en->clause, en->case_id, en->reason};
			break;
		}
	}
	run->fixed = b->fixed;
	run->nfixed = b->nfixed;
}

int baseline_exit_status(const struct run_result *run)
{
	if (!run->baseline)
		return results_exit_status(run);
	return run->regressions > 0;
}

/* At most REASON_MAX bytes, cut on a UTF-8 boundary, sanitized. */
static char *short_reason(const char *s)
{
	char *clean = utf8_escape_invalid(s ? s : "");
	size_t n = strlen(clean);
	if (n > REASON_MAX) {
		n = REASON_MAX;
		while (n > 0 && ((unsigned char)clean[n] & 0xC0) == 0x80)
			n--;
		memcpy(clean + n, "...", 4);
	}
	return clean;
}

int baseline_write(const struct run_result *run, FILE *out, struct err *e)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *entries = cJSON_CreateArray();
	const char *broker = run->broker_name ? run->broker_name : run->nbrokers ? run->brokers[0] : NULL;
	char *b = broker ? utf8_escape_invalid(broker) : NULL;
	cJSON_AddStringToObject(root, "format", "mqttspec-baseline");
	cJSON_AddNumberToObject(root, "version", 2);
	if (b)
		cJSON_AddStringToObject(root, "broker", b);
	free(b);
	cJSON_AddItemToObject(root, "entries", entries);
	for (size_t i = 0; i < run->ncases; i++) {
		const struct case_result *c = &run->cases[i];
		for (size_t k = 0; k < c->nchecks; k++) {
			const struct check_result *ch = &c->checks[k];
			if (!baseline_check_counts(run, ch))
				continue;
			for (size_t j = 0; j < ch->nclauses; j++) {
				char qid[CATALOG_QID_MAX];
				catalog_id_qualify(c->protocol, ch->clauses[j], qid, sizeof qid);
				/* Once per (clause, case): a case may fail one clause twice. */
				int seen = 0;
				const cJSON *it;
				cJSON_ArrayForEach(it, entries)
				{
					seen |= strcmp(cJSON_GetObjectItem(it, "clause")->valuestring, qid) == 0 &&
						strcmp(cJSON_GetObjectItem(it, "case")->valuestring, c->id) == 0;
				}
				if (seen)
					continue;
				cJSON *en = cJSON_CreateObject();
				char *reason = short_reason(ch->actual);
				char *id = utf8_escape_invalid(c->id);
				cJSON_AddStringToObject(en, "clause", qid);
				cJSON_AddStringToObject(en, "case", id);
				cJSON_AddStringToObject(en, "reason", reason);
				free(reason);
				free(id);
				cJSON_AddItemToArray(entries, en);
			}
		}
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return err_set(e, "baseline: out of memory");
	fputs(text, out);
	fputc('\n', out);
	free(text);
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, "baseline: write error");
	return 0;
}
