/* profile_file.c - a user's --profile file: per version, {"3.1.1": {...},
 * "5.0": {...}}, or the flat object of the first releases, read as 3.1.1. */
#include <stdio.h>
#include <string.h>

#include "case/profile.h"
#include "case/profile_int.h"
#include "util/json_util.h"

/* The object of version `v` (NULL: the file says nothing for it), and its path. */
static int section(const cJSON *root, enum mqtt_version v, const cJSON **o, char *path, size_t n, struct err *e)
{
	static const char *const versions[] = {"3.1.1", "5.0", NULL};
	*o = NULL;
	if (!cJSON_IsObject(root))
		return err_set(e, "$: expected an object of capabilities, or one per version (\"3.1.1\", \"5.0\")");
	const char *name = mqtt_version_name(v);
	int keyed = cJSON_HasObjectItem(root, "3.1.1") || cJSON_HasObjectItem(root, "5.0");
	if (!keyed) {
		if (v == MQTT_V311)
			*o = root;
		snprintf(path, n, "$");
		return 0;
	}
	if (json_util_known_keys(root, "$", versions, e) < 0)
		return -1;
	*o = cJSON_GetObjectItemCaseSensitive(root, name);
	snprintf(path, n, "$[\"%s\"]", name);
	return 0;
}

/* One version's object: the keys its profile has, each value in range. */
static int read_version(const cJSON *o, const char *path, enum mqtt_version v, struct profile_caps *c, struct err *e)
{
	if (profile_parse_caps(o, path, c, e) < 0)
		return -1;
	if (c->ws >= 0)
		return err_set(e, "%s.transport: the transport is the --broker URL's (ws:// or wss://), not a profile's", path);
	for (size_t i = 0; i < profile_nkeys; i++) {
		enum profile_cap k = profile_keys[i].cap;
		if (profile_get(c, k) >= 0 && !profile_cap_of(v, k))
			return err_set(e, "%s.%s: not a capability of an MQTT %s profile%s", path, profile_cap_name(k),
				       mqtt_version_name(v),
				       v == MQTT_V311 ? " (5.0's CONNACK announces it: put it under \"5.0\")" : "");
	}
	if (c->auth >= 0)
		return err_set(e, "%s.auth: an exchange is declared with --auth FILE (its method and data), not in a profile",
			       path);
	if (v == MQTT_V311 && c->retain == 0)
		return err_set(e, "%s.retain: false is not allowed: keeping retained messages is a MUST (MQTT-3.3.1-5), "
			       "so a broker that does not keep them FAILs those cases; remove \"retain\"", path);
	return 0;
}

/* 3.1.1: a declared value stands in place of what the probe would learn.
 * retain is never declared: the probe's finding is shown, and decides nothing. */
static void declare(struct profile *p, const struct profile_caps *c, const char *file)
{
	for (size_t i = 0; i < profile_nkeys; i++) {
		enum profile_cap k = profile_keys[i].cap;
		long v = profile_get(c, k);
		if (v < 0 || k == PROFILE_RETAIN)
			continue;
		profile_set(&p->caps, k, v);
		snprintf(p->source[k], sizeof p->source[k], "declared in %s", file);
	}
}

/* 5.0: only lower what the broker announced (or the default it stands by).
 * Raising it would run cases the broker said it cannot serve and FAIL it
 * for that; every value is checked before any is applied. */
static int lower(struct profile *p, const struct profile_caps *c, const char *file, const char *path, struct err *e)
{
	for (size_t i = 0; i < profile_nkeys; i++) {
		enum profile_cap k = profile_keys[i].cap;
		long v = profile_get(c, k), have = profile_get(&p->caps, k);
		if (v >= 0 && have >= 0 && v > have) {
			char hv[32];
			profile_value(p, k, hv, sizeof hv);
			return err_set(e, "%s.%s: %ld would raise the broker's %s (%s); a profile may only lower it", path,
				       profile_cap_name(k), v, hv, p->source[k]);
		}
	}
	for (size_t i = 0; i < profile_nkeys; i++) {
		enum profile_cap k = profile_keys[i].cap;
		long v = profile_get(c, k), have = profile_get(&p->caps, k);
		if (v < 0 || v == have)
			continue;
		char hv[32];
		profile_value(p, k, hv, sizeof hv);
		profile_set(&p->caps, k, v);
		if (have < 0)
			snprintf(p->source[k], sizeof p->source[k], "declared in %s", file);
		else
			snprintf(p->source[k], sizeof p->source[k], "lowered from %s by %s", hv, file);
	}
	return 0;
}

int profile_load(struct profile *p, const char *file, struct err *e)
{
	cJSON *root = json_util_parse_file(file, e);
	if (!root)
		return -1;
	static const enum mqtt_version all[] = {MQTT_V311, MQTT_V5};
	struct profile_caps mine;
	const cJSON *o = NULL;
	char path[16];
	int rc = 0, found = 0;
	/* Every version's part is checked, whichever this run applies. */
	for (size_t i = 0; rc == 0 && i < sizeof all / sizeof all[0]; i++) {
		struct profile_caps c;
		if ((rc = section(root, all[i], &o, path, sizeof path, e)) == 0 && o)
			rc = read_version(o, path, all[i], &c, e);
		if (rc == 0 && o && all[i] == p->version) {
			mine = c;
			found = 1;
		}
	}
	if (rc == 0 && found && p->version == MQTT_V5) {
		section(root, MQTT_V5, &o, path, sizeof path, e);
		rc = lower(p, &mine, file, path, e);
	} else if (rc == 0 && found) {
		declare(p, &mine, file);
	}
	cJSON_Delete(root);
	return rc < 0 ? err_prefix(e, "%s", file) : 0;
}
