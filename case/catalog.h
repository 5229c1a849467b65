/*
 * catalog.h - the clause catalogs (cases/clauses/mqtt-3.1.1.json and
 * cases/clauses/mqtt-5.0.json): every normative statement of each spec, plus
 * our own ids (MQTTSPEC-...) for unnumbered rules.
 *
 * One struct catalog holds the catalogs of one or more protocol versions.
 * The ids of 3.1.1 and 5.0 look alike but mean different things (both have
 * MQTT-3.1.2-3), so a clause is known by its version and its id, and a user
 * or a file may name it qualified: "5.0:MQTT-3.1.2-3", "3.1.1:MQTT-3.1.2-3".
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>

#include "codec/mqtt.h"
#include "util/err.h"

enum catalog_level { CATALOG_MUST, CATALOG_SHOULD, CATALOG_MAY };

struct catalog_clause {
	char *id;
	enum mqtt_version version; /* the catalog it comes from */
	char *section;
	char *keyword; /* as the spec states it, "MUST, MUST NOT" */
	enum catalog_level level;
	char *binds;      /* server, client, both, sender, receiver */
	char *observable; /* yes, partly, no */
	char *summary;
	char *untested_reason; /* may be NULL */
	int own;               /* 1 for MQTTSPEC- ids */
};

/* The versions a catalog can hold: 3.1.1 and 5.0. */
#define CATALOG_MAX_VERSIONS 2

/* One version's part of the catalog: clauses[first .. first + count). */
struct catalog_part {
	enum mqtt_version version;
	char *spec; /* "MQTT 3.1.1", from the file */
	size_t first, count;
};

struct catalog {
	struct catalog_clause *clauses; /* the parts one after the other, in load order */
	size_t count;
	struct catalog_part parts[CATALOG_MAX_VERSIONS];
	size_t nparts;
};

/* Load and validate the catalog file of version `v` into an empty `cat`.
 * 0, or -1 with `file: json.path: what` (then `cat` is empty). */
int catalog_load(struct catalog *cat, const char *path, enum mqtt_version v, struct err *e);
/* Add the catalog file of another version to `cat` (loaded or empty). The
 * clauses may move: add every version before anything points at a clause.
 * 0, or -1 with the message (then `cat` is as it was). */
int catalog_add(struct catalog *cat, const char *path, enum mqtt_version v, struct err *e);
void catalog_free(struct catalog *cat);

/* The part of version `v`, or NULL when `cat` does not hold that version. */
const struct catalog_part *catalog_part(const struct catalog *cat, enum mqtt_version v);

/* The clause of version `v` with this (bare) id, or NULL. */
const struct catalog_clause *catalog_find(const struct catalog *cat, enum mqtt_version v, const char *id);
/* Index of that clause in cat->clauses, or -1. */
long catalog_index(const struct catalog *cat, enum mqtt_version v, const char *id);

/*
 * A clause id as a user or a file names it: "5.0:MQTT-3.1.2-3" is qualified,
 * "MQTT-3.1.2-3" bare. Sets *version to the qualifier's version (-1 for a
 * bare id) and *id to the text after it. 0, or -1 when the text before a
 * ':' names no version we know (*id then points at the whole text).
 */
int catalog_id_parse(const char *text, int *version, const char **id);

/* "3.1.1:MQTT-3.1.2-3" in `buf`, cut to `n` bytes. Returns buf. */
char *catalog_id_qualify(enum mqtt_version v, const char *id, char *buf, size_t n);

/* Buffer size for a qualified id: the version and ':' before an id. */
#define CATALOG_QID_MAX 160

const char *catalog_level_name(enum catalog_level l);

/* Numeric-aware comparison of section strings ("3.10" sorts after "3.9"). */
int catalog_section_cmp(const char *a, const char *b);

/* Where the catalog of protocol version `v` lives under a cases folder:
 * DIR/clauses/mqtt-3.1.1.json for 3.1.1, in `buf`. Returns buf. */
char *catalog_path(const char *dir, enum mqtt_version v, char *buf, size_t n);

#endif
