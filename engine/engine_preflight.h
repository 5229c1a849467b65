/*
 * engine_preflight.h - before any case: which protocol versions the broker
 * speaks, and what it offers in each.
 *
 * For each version the run needs, a plain CONNECT goes to every endpoint.
 * The broker accepts the version (CONNACK 0x00), refuses it (a 3.1.1
 * CONNACK 0x01, a 5.0 CONNACK 0x84, either in the other version's form, or a
 * close right after the CONNECT), or fails (unreachable, silent, refusing
 * for another reason such as credentials). A failure is a set-up error; so
 * is a refusal of every version the run needs, or of the one --protocol
 * asked for, so a CI gate never passes on nothing. Otherwise the cases of a
 * refused version are NOT APPLICABLE, with the refusal as the reason.
 *
 * An answer that breaks a rule of its version (the first packet is not a
 * CONNACK, a malformed CONNACK) is a FAIL of that rule in the version's
 * built-in case, and the other cases still run.
 */
#ifndef ENGINE_PREFLIGHT_H
#define ENGINE_PREFLIGHT_H

#include "case/profile.h"
#include "engine/engine.h"
#include "engine/sync_client.h"

enum engine_pf_answer {
	ENGINE_PF_FAILED = 0, /* no answer to judge the version by: a set-up error */
	ENGINE_PF_ACCEPTED,   /* CONNACK 0x00 */
	ENGINE_PF_REFUSED     /* the broker does not speak this version */
};

/* What the pre-flight CONNECT of one endpoint in one version saw. */
struct engine_preflight {
	const char *url;
	enum mqtt_version version;
	enum engine_pf_answer answer;
	char why[400];             /* refused or failed: why, as the set-up error says it */
	char client_id[40];
	uint8_t tx[512];           /* the CONNECT sent (password bytes masked) */
	size_t txn;
	char tx_text[200];
	uint8_t rx[512];           /* the answer's first bytes */
	size_t rxn;
	char rx_text[300];         /* the answer, decoded (or why it is not a packet) */
	int first_is_connack;      /* the first packet's type nibble is CONNACK */
	const char *clause;        /* a rule the answer breaks (in its version), or NULL */
	char what[300];            /* how it breaks it */
	double t_ms;               /* when the answer came, since the CONNECT */
	uint16_t keep_alive;       /* the CONNECT's */
};

/* One endpoint, one version: connect, CONNECT, the answer, DISCONNECT, all
 * within a bounded time. 0 accepted (pf->clause set when the answer breaks
 * a rule), 1 refused (the version), -1 failed; e and pf->why say why. */
int engine_preflight(const struct conn_endpoint *ep, const struct engine_opts *o, enum mqtt_version v,
		     struct engine_preflight *pf, struct err *e);

/* What the run learns of the broker before its cases, per version. */
struct engine_broker {
	int need[2];                  /* by slot (0: 3.1.1, 1: 5.0): the run has cases of that version */
	struct engine_preflight *pf;  /* per slot, per endpoint: [slot * neps + endpoint] */
	size_t neps;
	struct profile prof[2];       /* per slot */
	struct sync_client_finding probe; /* a rule an answer of the 3.1.1 probe broke */
	char na[2][600];              /* per slot: why its cases are NOT APPLICABLE, "" if they run */
};

/* The slot of a version in engine_broker's arrays. */
size_t engine_broker_slot(enum mqtt_version v);

/*
 * The pre-flight of every version `b->need`s on every endpoint, the 3.1.1
 * probe, the 5.0 capabilities from CONNACK, and `profile_file` (may be NULL)
 * over them. A refusal of every version needed is a set-up error, so a
 * --protocol naming one (the run then needs only it) must be spoken.
 * 0, or -1 with e: a set-up error (a bad profile file is found before
 * anything connects: "--profile FILE: ...").
 */
int engine_broker_learn(struct engine_broker *b, const struct engine_opts *o, const char *profile_file, struct err *e);

/* NULL if the broker can run a case of version `v` needing `needs`, else why not (in buf). */
const char *engine_broker_unmet(const struct engine_broker *b, enum mqtt_version v, const struct profile_caps *needs,
				char *buf, size_t n);

/* The built-in cases of the report, one per version the pre-flight tried,
 * into out (room for 2). Returns how many. */
size_t engine_broker_cases(const struct engine_broker *b, const struct catalog *cat, struct case_result *out);

/* The profile as the report shows it: the capabilities of every version
 * the run needs, 5.0's qualified ("5.0:max_qos"). */
void engine_broker_profile(const struct engine_broker *b, struct run_result *run);

void engine_broker_free(struct engine_broker *b);

/* The built-in case of one version: one pre-flight per endpoint (pf[0..n)),
 * checked on MQTT-3.2.0-1 and on any rule its answer broke, then the
 * capability probe: `probe` (may be NULL) a rule one of its answers broke,
 * `notes` what it learned (added to the trace). */
void engine_preflight_case(const struct engine_preflight *pf, size_t n, const struct sync_client_finding *probe,
			   const struct catalog *cat, const char *const *notes, size_t nnotes, struct case_result *out);

#endif
