/*
 * catalog.h - the clause catalog (cases/clauses/mqtt-3.1.1.json): every
 * normative statement of the spec, plus our own ids (MQTTSPEC-...) for
 * unnumbered rules.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include <stddef.h>

#include "codec/mqtt.h"
#include "util/err.h"

enum catalog_level { CATALOG_MUST, CATALOG_SHOULD, CATALOG_MAY };

struct catalog_clause {
	char *id;
	char *section;
	char *keyword; /* as the spec states it, "MUST, MUST NOT" */
	enum catalog_level level;
	char *binds;      /* server, client, both, sender, receiver */
	char *observable; /* yes, partly, no */
	char *summary;
	char *untested_reason; /* may be NULL */
	int own;               /* 1 for MQTTSPEC- ids */
};

struct catalog {
	char *spec;
	struct catalog_clause *clauses;
	size_t count;
};

/* Load and validate the catalog file. 0, or -1 with `file: json.path: what`. */
int catalog_load(struct catalog *cat, const char *path, struct err *e);
void catalog_free(struct catalog *cat);

/* The clause with this id, or NULL. */
const struct catalog_clause *catalog_find(const struct catalog *cat, const char *id);
/* Index of the clause in cat->clauses, or -1. */
long catalog_index(const struct catalog *cat, const char *id);

const char *catalog_level_name(enum catalog_level l);

/* Numeric-aware comparison of section strings ("3.10" sorts after "3.9"). */
int catalog_section_cmp(const char *a, const char *b);

/* Where the catalog of protocol version `v` lives under a cases folder:
 * DIR/clauses/mqtt-3.1.1.json for 3.1.1, in `buf`. Returns buf. */
char *catalog_path(const char *dir, enum mqtt_version v, char *buf, size_t n);

#endif
