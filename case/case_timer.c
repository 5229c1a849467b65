/* case_timer.c - the "timer" of an expect step and the "wait_timer" action:
 * a moment a broker timer (Session Expiry, Will Delay, Keep Alive, Message
 * Expiry) sets, judged by the timer rule (cases/README.md, "Timers"). The
 * seconds are an integer field, so a capture ("{e}") or arithmetic on it. */
#include <stdio.h>
#include <string.h>

#include "case/case_load.h"
#include "util/json_util.h"

static const char *const timer_keys[] = {"seconds", "edge", "plus_ms", "note", NULL};

/* A literal integer is checked now; a template when the case runs. */
static int int_field(struct case_load *L, const cJSON *v, const char *path, long lo, long hi, struct err *e)
{
	if (cJSON_IsString(v))
		return case_load_scan(L, v, path, e);
	long x;
	if (!cJSON_IsNumber(v) || json_util_long(v, &x) < 0 || x < lo || x > hi)
		return err_set(e, "%s: expected an integer from %ld to %ld, or a template string", path, lo, hi);
	return 0;
}

int case_timer_parse(struct case_load *L, const cJSON *t, const char *path, struct case_timer *out, struct err *e)
{
	char p[400];
	if (!cJSON_IsObject(t))
		return err_set(e, "%s: expected {\"seconds\": N, \"edge\": \"early\"|\"late\"}", path);
	if (json_util_known_keys(t, path, timer_keys, e) < 0)
		return -1;
	const char *edge = NULL;
	if (json_util_str(t, "edge", path, 1, &edge, e) < 0)
		return -1;
	if (strcmp(edge, "early") != 0 && strcmp(edge, "late") != 0)
		return err_set(e, "%s.edge: expected \"early\" (still there until then) or \"late\" (gone, or done, by then), got \"%s\"",
			       path, edge);
	out->edge = edge[0] == 'e' ? CASE_TIMER_EARLY : CASE_TIMER_LATE;
	out->seconds = cJSON_GetObjectItemCaseSensitive(t, "seconds");
	if (!out->seconds)
		return err_set(e, "%s.seconds: required field missing (the broker timer, in seconds)", path);
	snprintf(p, sizeof p, "%s.seconds", path);
	if (int_field(L, out->seconds, p, 0, 4294967295L, e) < 0)
		return -1;
	out->plus_ms = cJSON_GetObjectItemCaseSensitive(t, "plus_ms");
	snprintf(p, sizeof p, "%s.plus_ms", path);
	return out->plus_ms ? int_field(L, out->plus_ms, p, -3600000, 3600000, e) : 0;
}
