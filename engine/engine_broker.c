/* engine_broker.c - what a run learns of the broker before its cases: the
 * versions it speaks (a pre-flight per version and endpoint), what it offers
 * in each (the 3.1.1 probe, the 5.0 CONNACK, the user's profile), and from
 * that why a case cannot run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_preflight.h"
#include "engine/profile_probe.h"
#include "util/alloc.h"

size_t engine_broker_slot(enum mqtt_version v)
{
	return v == MQTT_V5 ? 1 : 0;
}

static enum mqtt_version slot_version(size_t s)
{
	return s ? MQTT_V5 : MQTT_V311;
}

static int profile_error(struct err *e)
{
	char msg[sizeof e->msg];
	snprintf(msg, sizeof msg, "%s", e->msg);
	return err_set(e, "--profile %s", msg);
}

/* Every endpoint in version slot s. -1 on a set-up error; else 0 and a
 * refusal (on any endpoint: a case's clients may land on each) in b->na. */
static int preflight_version(struct engine_broker *b, size_t s, const struct engine_opts *o, struct err *e)
{
	for (size_t k = 0; k < b->neps; k++) {
		struct engine_preflight *pf = &b->pf[s * b->neps + k];
		int rc = engine_preflight(&o->eps[k], o, slot_version(s), pf, e);
		if (rc < 0)
			return -1;
		if (rc == 1 && !b->na[s][0])
			snprintf(b->na[s], sizeof b->na[s], "the broker does not speak MQTT %s (%s)",
				 mqtt_version_name(slot_version(s)), pf->why);
	}
	return 0;
}

/* Refusing every version the run needs leaves nothing to run on. */
static int all_refused(const struct engine_broker *b, struct err *e)
{
	const char *why[2];
	size_t n = 0;
	for (size_t s = 0; s < 2; s++) {
		if (!b->need[s])
			continue;
		if (!b->na[s][0])
			return 0;
		/* The first endpoint that refused says why. */
		for (size_t k = 0; k < b->neps; k++)
			if (b->pf[s * b->neps + k].answer == ENGINE_PF_REFUSED) {
				why[n++] = b->pf[s * b->neps + k].why;
				break;
			}
	}
	if (n == 1)
		return err_set(e, "%s", why[0]);
	return err_set(e, "the broker refuses every protocol version the run needs: %s; %s", why[0], why[1]);
}

int engine_broker_learn(struct engine_broker *b, const struct engine_opts *o, const char *profile_file, struct err *e)
{
	b->neps = o->neps;
	b->pf = alloc_zeroed(2 * o->neps, sizeof *b->pf);
	profile_init_version(&b->prof[0], MQTT_V311);
	profile_init_version(&b->prof[1], MQTT_V5);
	/* The whole file is checked here, before anything connects; 3.1.1's
	 * values are declared before the probe, which then leaves them. */
	if (profile_file && profile_load(&b->prof[0], profile_file, e) < 0)
		return profile_error(e);
	for (size_t s = 0; s < 2; s++)
		if (b->need[s] && preflight_version(b, s, o, e) < 0)
			return -1;
	if (all_refused(b, e) < 0)
		return -1;
	if (b->need[0] && !b->na[0][0])
		profile_probe(&b->prof[0], &o->eps[0], o, &b->probe);
	for (size_t s = 0; s < 2; s++)
		profile_set_transport(&b->prof[s], o->eps, o->neps);
	if (b->need[1] && !b->na[1][0]) {
		profile_connack(&b->prof[1], b->pf[b->neps].rx, b->pf[b->neps].rxn, b->pf[b->neps].keep_alive);
		/* 5.0's values may only lower what the CONNACK announced. */
		if (profile_file && profile_load(&b->prof[1], profile_file, e) < 0)
			return profile_error(e);
	}
	return 0;
}

const char *engine_broker_unmet(const struct engine_broker *b, enum mqtt_version v, const struct profile_caps *needs,
				char *buf, size_t n)
{
	size_t s = engine_broker_slot(v);
	if (b->na[s][0]) {
		snprintf(buf, n, "%s", b->na[s]);
		return buf;
	}
	return profile_unmet(&b->prof[s], needs, buf, n);
}

/* "profile: max_qos = 2 (probe: ...)", one line per capability of the version. */
static size_t profile_notes(const struct profile *p, char **notes)
{
	const enum profile_cap *caps;
	size_t nc = profile_caps_of(p->version, &caps);
	for (size_t i = 0; i < nc; i++) {
		char v[32], line[600];
		profile_value(p, caps[i], v, sizeof v);
		snprintf(line, sizeof line, "profile: %s = %s (%s)", profile_cap_name(caps[i]), v,
			 p->source[caps[i]][0] ? p->source[caps[i]] : "default");
		notes[i] = alloc_strdup(line);
	}
	return nc;
}

size_t engine_broker_cases(const struct engine_broker *b, const struct catalog *cat, struct case_result *out)
{
	size_t k = 0;
	for (size_t s = 0; s < 2; s++) {
		if (!b->need[s])
			continue;
		char *notes[PROFILE_NCAPS];
		size_t nn = b->na[s][0] ? 0 : profile_notes(&b->prof[s], notes);
		engine_preflight_case(&b->pf[s * b->neps], b->neps, s == 0 ? &b->probe : NULL, cat,
				      (const char *const *)notes, nn, &out[k++]);
		for (size_t i = 0; i < nn; i++)
			free(notes[i]);
	}
	return k;
}

void engine_broker_profile(const struct engine_broker *b, struct run_result *run)
{
	run->nprofile = 0;
	run->profile = alloc_zeroed(2 * PROFILE_NCAPS, sizeof *run->profile);
	for (size_t s = 0; s < 2; s++) {
		if (!b->need[s])
			continue;
		const struct profile *p = &b->prof[s];
		const enum profile_cap *caps;
		size_t nc = profile_caps_of(p->version, &caps);
		for (size_t i = 0; i < nc; i++) {
			char v[32], name[48];
			profile_value(p, caps[i], v, sizeof v);
			snprintf(name, sizeof name, "%s%s", s ? "5.0:" : "", profile_cap_name(caps[i]));
			struct run_capability *c = &run->profile[run->nprofile++];
			c->name = alloc_strdup(name);
			c->value = alloc_strdup(v);
			c->source = alloc_strdup(p->source[caps[i]]);
		}
	}
}

void engine_broker_free(struct engine_broker *b)
{
	free(b->pf);
	b->pf = NULL;
}
