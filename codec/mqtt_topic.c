/* mqtt_topic.c - topic names, filters and matching (spec 4.7). */
#include "codec/mqtt_topic.h"

#include <string.h>

#include "codec/mqtt_err.h"
#include "codec/mqtt_utf8.h"

static int check_common(enum mqtt_version v, const uint8_t *s, size_t n,
			const char *what, struct mqtt_diag *diag)
{
	if (n == 0)
		return mqtt_err_diag(diag, MQTT_ERR_VIOLATION, 0, v,
				     MQTT_RULE_TOPIC_EMPTY, "empty topic %s",
				     what);
	return mqtt_utf8_check(v, s, n, diag);
}

int mqtt_topic_check_name(enum mqtt_version v, const uint8_t *s, size_t n,
			  struct mqtt_diag *diag)
{
	int e = check_common(v, s, n, "name", diag);
	if (e < 0)
		return e;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '+' || s[i] == '#')
			return mqtt_err_diag(diag, MQTT_ERR_VIOLATION, i, v,
					     MQTT_RULE_TOPIC_WILDCARD,
					     "wildcard '%c' at byte %zu of a "
					     "topic name",
					     s[i], i);
	return 0;
}

int mqtt_topic_check_filter(enum mqtt_version v, const uint8_t *s, size_t n,
			    struct mqtt_diag *diag)
{
	int e = check_common(v, s, n, "filter", diag);
	if (e < 0)
		return e;
	for (size_t i = 0; i < n; i++) {
		bool starts_level = i == 0 || s[i - 1] == '/';
		bool ends_level = i + 1 == n || s[i + 1] == '/';
		if (s[i] == '#' && !(starts_level && i + 1 == n))
			return mqtt_err_diag(diag, MQTT_ERR_VIOLATION, i, v,
					     MQTT_RULE_FILTER_HASH,
					     "'#' at byte %zu is not a whole "
					     "last level",
					     i);
		if (s[i] == '+' && !(starts_level && ends_level))
			return mqtt_err_diag(diag, MQTT_ERR_VIOLATION, i, v,
					     MQTT_RULE_FILTER_PLUS,
					     "'+' at byte %zu is not a whole "
					     "level",
					     i);
	}
	return 0;
}

/* End (exclusive) of the level starting at `from`. */
static size_t level_end(const uint8_t *s, size_t n, size_t from)
{
	while (from < n && s[from] != '/')
		from++;
	return from;
}

static bool is_level(const uint8_t *s, size_t from, size_t end, char c)
{
	return end - from == 1 && s[from] == c;
}

bool mqtt_topic_match(const uint8_t *filter, size_t fn, const uint8_t *name,
		      size_t nn)
{
	/* [MQTT-4.7.2-1] '$' topics are kept out of reach of wildcards at
	 * the first level (they are usually broker-internal). */
	if (nn > 0 && name[0] == '$' && fn > 0 &&
	    (filter[0] == '+' || filter[0] == '#'))
		return false;

	size_t fi = 0, ni = 0;
	bool name_left = true; /* ni starts a level of the name */
	for (;;) {
		size_t fe = level_end(filter, fn, fi);
		if (is_level(filter, fi, fe, '#'))
			return true; /* this level and below, or the parent */
		if (!name_left)
			return false;
		size_t ne = level_end(name, nn, ni);
		if (!is_level(filter, fi, fe, '+') &&
		    (fe - fi != ne - ni ||
		     (ne > ni && memcmp(filter + fi, name + ni, ne - ni) != 0)))
			return false;
		name_left = ne < nn;
		ni = ne + 1;
		if (fe >= fn)
			return !name_left;
		fi = fe + 1;
	}
}
