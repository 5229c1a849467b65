/* profile.c - capabilities: parsing, files, matching against a case's needs. */
#include "case/profile.h"

#include <stdio.h>
#include <string.h>

#include "util/json_util.h"

static const char *const names[PROFILE_NCAPS] = {"max_qos", "retain", "wildcards", "max_client_id", "sys"};

const char *profile_cap_name(enum profile_cap c)
{
	return names[c];
}

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	profile_caps_none(&p->caps);
	for (int i = 0; i < PROFILE_NCAPS; i++)
		snprintf(p->source[i], sizeof p->source[i], "not probed");
}

void profile_caps_none(struct profile_caps *c)
{
	c->max_qos = c->retain = c->wildcards = c->sys = -1;
	c->max_client_id = -1;
	c->ws = -1;
}

/* "transport": "ws", the only transport a case can need (chapter 6). */
static int parse_transport(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e)
{
	const char *t = NULL;
	if (json_util_str(o, "transport", path, 0, &t, e) < 0)
		return -1;
	if (!t)
		return 0;
	if (strcmp(t, "ws") != 0)
		return err_set(e, "%s.transport: expected \"ws\" (a WebSocket connection, ws:// or wss://)", path);
	caps->ws = 1;
	return 0;
}

/* Keeping retained messages is a MUST (MQTT-3.3.1-5), not a feature a broker
 * may lack: "retain": false would turn FAILs into NOT APPLICABLE, so it is
 * refused; "retain": true (what every broker owes) is accepted and changes nothing. */
static int parse_retain(const cJSON *o, const char *path, struct err *e)
{
	int b;
	int rc = json_util_bool(o, "retain", path, 0, &b, e);
	if (rc < 0)
		return -1;
	if (rc == 0 && !b)
		return err_set(e, "%s.retain: false is not allowed: keeping retained messages is a MUST (MQTT-3.3.1-5), "
			       "so a broker that does not keep them FAILs those cases; remove \"retain\"", path);
	return 0;
}

int profile_parse(const cJSON *o, const char *path, struct profile_caps *caps, struct err *e)
{
	profile_caps_none(caps);
	if (!cJSON_IsObject(o))
		return err_set(e, "%s: expected an object of capabilities", path);
	static const char *const keys[] = {"max_qos", "retain", "wildcards", "max_client_id", "sys", "transport", NULL};
	if (json_util_known_keys(o, path, keys, e) < 0)
		return -1;
	long q, id;
	int b;
	if (parse_transport(o, path, caps, e) < 0)
		return -1;
	int rc = json_util_int(o, "max_qos", path, 0, 0, 2, &q, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		caps->max_qos = (int)q;
	if ((rc = json_util_int(o, "max_client_id", path, 0, 23, 65535, &id, e)) < 0)
		return -1;
	if (rc == 0)
		caps->max_client_id = id;
	int *flags[] = {&caps->wildcards, &caps->sys};
	const char *fn[] = {"wildcards", "sys"};
	for (int i = 0; i < 2; i++) {
		if ((rc = json_util_bool(o, fn[i], path, 0, &b, e)) < 0)
			return -1;
		if (rc == 0)
			*flags[i] = b;
	}
	return parse_retain(o, path, e);
}

int profile_load(struct profile *p, const char *file, struct err *e)
{
	cJSON *root = json_util_parse_file(file, e);
	if (!root)
		return -1;
	struct profile_caps c;
	int rc = profile_parse(root, "$", &c, e);
	cJSON_Delete(root);
	if (rc == 0 && c.ws >= 0)
		rc = err_set(e, "$.transport: the transport is the --broker URL's (ws:// or wss://), not a profile's");
	if (rc < 0)
		return err_prefix(e, "%s", file);
	/* retain is never declared: the probe's finding is shown, and decides nothing. */
	int vals[] = {c.max_qos, -1, c.wildcards, c.max_client_id >= 0, c.sys};
	for (int i = 0; i < PROFILE_NCAPS; i++)
		if (vals[i] >= 0 && !(i == PROFILE_MAX_CLIENT_ID && c.max_client_id < 0))
			snprintf(p->source[i], sizeof p->source[i], "declared in %s", file);
	if (c.max_qos >= 0)
		p->caps.max_qos = c.max_qos;
	if (c.wildcards >= 0)
		p->caps.wildcards = c.wildcards;
	if (c.max_client_id >= 0)
		p->caps.max_client_id = c.max_client_id;
	if (c.sys >= 0)
		p->caps.sys = c.sys;
	return 0;
}

const char *profile_unmet(const struct profile *p, const struct profile_caps *n, char *buf, size_t len)
{
	const struct profile_caps *h = &p->caps;
	if (n->max_qos >= 0 && h->max_qos >= 0 && h->max_qos < n->max_qos)
		snprintf(buf, len, "needs QoS %d; the broker grants at most QoS %d (%s)", n->max_qos, h->max_qos,
			 p->source[PROFILE_MAX_QOS]);
	else if (n->wildcards == 1 && h->wildcards == 0)
		snprintf(buf, len, "needs wildcard subscriptions, which the broker does not support (%s)",
			 p->source[PROFILE_WILDCARDS]);
	else if (n->sys == 1 && h->sys == 0)
		snprintf(buf, len, "needs $SYS topics, which the broker does not publish (%s)", p->source[PROFILE_SYS]);
	/* A case about WebSocket framing cannot run over plain TCP or TLS. */
	else if (n->ws == 1 && h->ws == 0)
		snprintf(buf, len, "needs a WebSocket connection (ws:// or wss://); %s", p->transport);
	else if (n->max_client_id >= 0 && h->max_client_id >= 0 && h->max_client_id < n->max_client_id)
		snprintf(buf, len, "needs client ids of %ld characters; the broker takes at most %ld (%s)", n->max_client_id,
			 h->max_client_id, p->source[PROFILE_MAX_CLIENT_ID]);
	else
		return NULL;
	return buf;
}

void profile_value(const struct profile *p, enum profile_cap c, char *buf, size_t n)
{
	long v = c == PROFILE_MAX_QOS ? p->caps.max_qos : c == PROFILE_RETAIN ? p->caps.retain
		: c == PROFILE_WILDCARDS ? p->caps.wildcards : c == PROFILE_SYS ? p->caps.sys : p->caps.max_client_id;
	if (v < 0)
		snprintf(buf, n, "unknown");
	else if (c == PROFILE_MAX_QOS || c == PROFILE_MAX_CLIENT_ID)
		snprintf(buf, n, "%ld", v);
	else
		snprintf(buf, n, "%s", v ? "yes" : "no");
}
