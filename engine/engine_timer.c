/* engine_timer.c - the moment a step's broker timer sets (cases/README.md,
 * "Timers"): the label's time, plus the timer in seconds on a broker clock
 * that ticks in whole seconds, so the run's tolerance and timer slack come
 * off an early edge (still there until then) and onto a late one (gone, or
 * done, by then). Both are part of the moment, not added again. */
#include <stdio.h>

#include "engine/engine_int.h"

int engine_timer_moment(struct engine_case *r, const struct case_step *s, double *at, char *why, size_t n)
{
	struct err e = {{0}};
	long sec, plus = 0;
	if (tmpl_int(&r->ctx, s->timer.seconds, 0, 4294967295L, &r->arena, &sec, &e) < 0 ||
	    (s->timer.plus_ms && tmpl_int(&r->ctx, s->timer.plus_ms, -3600000, 3600000, &r->arena, &plus, &e) < 0)) {
		snprintf(why, n, "case error: %s.timer: %s", s->path, e.msg);
		return -1;
	}
	int early = s->timer.edge == CASE_TIMER_EARLY;
	double tol = (double)r->o->tolerance_ms * r->o->time_scale, slack = (double)r->o->slack_ms;
	double span = (double)sec * 1000.0 + (early ? -(tol + slack) : tol + slack) + (double)plus;
	const char *label = r->spec->steps[s->from].label;
	if (early && span <= 0) {
		snprintf(why, n,
			 "not applicable: a %ld s broker timer ends within the timer allowance (tolerance %.0f ms + slack %.0f ms), so nothing can be seen before it ends",
			 sec, tol, slack);
		return 1;
	}
	if (span > (double)r->o->max_wait_ms) {
		snprintf(why, n, "not applicable: the broker's %ld s timer puts this step %.0f ms after %s, beyond --max-wait-ms %ld",
			 sec, span, label, r->o->max_wait_ms);
		return 1;
	}
	*at = r->label_t[s->from] + span;
	return 0;
}
