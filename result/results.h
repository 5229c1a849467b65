/*
 * results.h - the in-memory result of a run: the only input of reports/.
 *
 * Reports print this model and never re-run logic. Strings are owned by the
 * model (freed by results_free); clause pointers point into the catalog.
 */
#ifndef RESULTS_H
#define RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "case/catalog.h"
#include "codec/mqtt.h"

/* Clause and case verdicts, in precedence order (lower wins when aggregating). */
enum verdict {
	VERDICT_FAIL = 0,
	VERDICT_WARN,
	VERDICT_PASS,
	VERDICT_INCONCLUSIVE,
	VERDICT_NOT_APPLICABLE,
	VERDICT_NOT_SELECTED,
	VERDICT_UNTESTED,
	VERDICT_COUNT
};

/* "PASS", "FAIL", "WARN", "INCONCLUSIVE", "NOT APPLICABLE", "NOT SELECTED", "UNTESTED" */
const char *results_verdict_name(enum verdict v);

enum check_outcome {
	CHECK_PASS,
	CHECK_FAIL,           /* the check ran and did not hold */
	CHECK_INCONCLUSIVE,   /* never reached: set-up failed, an earlier check failed, run cut short */
	CHECK_NOT_APPLICABLE  /* gated off by a permitted choice of the broker */
};

enum wire_dir {
	WIRE_TX,       /* bytes we sent */
	WIRE_RX,       /* one packet (or undecodable bytes) from the broker */
	WIRE_OPEN,     /* connection established */
	WIRE_CLOSED,   /* the broker closed the connection (or it broke) */
	WIRE_HANGUP,   /* we closed the connection */
	WIRE_NOTE      /* a remark from the engine */
};

/* "tx", "rx", "open", "closed", "hangup", "note" */
const char *results_wire_dir_name(enum wire_dir d);

struct wire_event {
	double t_ms;        /* since the case started */
	int client;         /* index into case_result.clients */
	enum wire_dir dir;
	uint8_t *bytes;     /* TX/RX bytes; NULL otherwise */
	size_t len;
	char *text;         /* decoded packet, or the note / close reason */
	const char *violation; /* clause a received packet breaks, or NULL */
	char *rule_msg;     /* TX/RX that decodes: the first rule it breaks, as mqtt_check words it, or NULL */
};

struct check_result {
	const char **clauses;   /* catalog ids (interned: point into the catalog) */
	size_t nclauses;
	const char **polices;   /* client rules this check polices (catalog ids), see clause_result */
	size_t npolices;
	int should;             /* 1: SHOULD-level (a failure is WARN) */
	enum check_outcome outcome;
	size_t step;            /* index of the step in the case (main steps then cleanup) */
	char *step_path;        /* "steps[4]" */
	char *expected;         /* what the check wanted (text) */
	char *actual;           /* what came back, or why it could not run */
	char *note;             /* e.g. which permitted alternative the broker took */
	double t_ms;            /* when it was decided */
	int baselined;          /* a failure the --baseline lists for every clause it names (not a regression) */
};

enum step_outcome {
	STEP_NOT_RUN,   /* never reached */
	STEP_DONE,
	STEP_FAILED,
	STEP_SKIPPED    /* its gate did not hold */
};

/* One step of a case as it ran (macros appear as the steps they expand to). */
struct step_result {
	char *path;             /* "steps[3]", "steps[2].connect", "cleanup[0]" */
	const char *kind;       /* "open", "send", "expect", ... (constant string) */
	char *detail;           /* the packet sent or the expectation, as text */
	int client;             /* index into case_result.clients, -1 for none */
	enum step_outcome outcome;
	double t_ms;            /* when it finished */
};

/* "not run", "done", "failed", "skipped" */
const char *results_step_outcome_name(enum step_outcome o);

struct case_result {
	char *id;
	char *title;
	char *file;
	enum mqtt_version protocol; /* the version the case speaks: its wire events are judged in it */
	enum verdict verdict;
	double duration_ms;
	char **clients;         /* client names */
	char **client_ids;      /* the ids used on the wire */
	size_t nclients;
	struct check_result *checks;
	size_t nchecks;
	struct step_result *steps;  /* main steps, then clean-up steps */
	size_t nsteps;
	char *setup_error;      /* first failed set-up step: "steps[2]: ..." or NULL */
	struct wire_event *wire;
	size_t nwire;
	const char **claims;    /* every clause its checks name (catalog ids) */
	size_t nclaims;
	int selected;           /* 0: left out by --only; no checks ran */
	size_t steps_total;     /* main steps */
	size_t steps_run;
};

/* A check that polices a client rule: the case and the check in it. */
struct policing_ref {
	size_t case_index;      /* into run_result.cases */
	size_t check_index;     /* into that case's checks */
	enum verdict verdict;   /* the check's verdict (NOT SELECTED when its case was left out) */
};

struct clause_result {
	const struct catalog_clause *clause;
	enum verdict verdict;
	char *reason;           /* UNTESTED / NOT APPLICABLE / NOT SELECTED reason, or NULL */
	size_t *cases;          /* indexes into run_result.cases that check it */
	size_t ncases;
	/* A rule that binds only the client is never broken by the broker: its
	 * own verdict stays UNTESTED. The checks that hold the broker to its duty
	 * when a client breaks it (close: MQTT-4.8.0-1, MQTT-3.1.4-1) police it;
	 * their verdict, by the same precedence, is policing_verdict. Meaningful
	 * only when npoliced_by > 0. */
	enum verdict policing_verdict;
	struct policing_ref *policed_by;
	size_t npoliced_by;
};

/* A --baseline entry (a known failure) whose clause held in its case this
 * run, so the baseline can be tightened. Points into the loaded baseline. */
struct run_fixed {
	enum mqtt_version version;
	const char *clause;
	const char *case_id;
	const char *reason;
};

/* One capability of the broker's profile, as the report shows it. */
struct run_capability {
	char *name;             /* "max_qos" */
	char *value;            /* "1", "yes", "no", "unknown" */
	char *source;           /* "probe: SUBACK 0x01 for a QoS 2 subscription", "declared in FILE" */
};

struct run_result {
	char *tool_version;
	char **brokers;         /* broker URLs */
	size_t nbrokers;
	char *broker_name;      /* --broker-name, may be NULL */
	char *started_at;       /* ISO 8601 UTC */
	double duration_ms;
	char *run_prefix;
	char *spec;             /* "MQTT 3.1.1" */
	double time_scale;
	long tolerance_ms;      /* the timing options the windows were built from */
	long slack_ms;
	long period_ms;
	long max_wait_ms;
	int strict;
	int incomplete;         /* the run was cut short */
	int insecure;           /* TLS peer verification was off (--insecure) */
	char *setup_error;      /* why no case ran (unreachable, refused, bad case file...), or NULL;
				 * then the run has no clauses and no cases, and every report says why */
	struct run_capability *profile;
	size_t nprofile;
	struct case_result *cases;
	size_t ncases;
	/* The versions the run reports (those of the cases it selected), in
	 * catalog order; every clause of their catalogs has a clause_result. */
	enum mqtt_version versions[CATALOG_MAX_VERSIONS];
	size_t nversions;
	struct clause_result *clauses;  /* one per clause of those versions, catalog order */
	size_t nclauses;
	size_t counts[VERDICT_COUNT];   /* clauses per verdict */
	size_t case_counts[VERDICT_COUNT];
	/* Set by baseline_apply() (result/baseline.h); not owned by the run:
	 * they point into the struct baseline, which outlives the reports. */
	const char *baseline;           /* the --baseline file, or NULL: no baseline */
	size_t regressions;             /* failed checks that count (MUST; SHOULD too if strict), not baselined */
	size_t known;                   /* failed checks that count, baselined */
	const struct run_fixed *fixed;  /* baseline entries that now pass */
	size_t nfixed;
};

/* A set of protocol versions: bit RESULTS_VERSION(v) for each version v. */
#define RESULTS_VERSION(v) (1u << (unsigned)(v))
#define RESULTS_ALL_VERSIONS (~0u)

/* The versions of the selected cases (case_result.selected) of a run, as a
 * set: the versions a run reports. */
unsigned results_selected_versions(const struct case_result *cases, size_t n);

/* Aggregate checks into case verdicts and one verdict per catalog clause of
 * each version in `versions` that `cat` holds. A case's checks name clauses
 * of the case's own version (a 5.0 case's MQTT-3.1.2-3 is the 5.0 clause);
 * a clause of a version not reported counts nowhere. A case left out
 * (case_result.selected == 0) is NOT SELECTED; so are the clauses whose only
 * cases were left out. */
void results_aggregate(struct run_result *run, const struct catalog *cat, unsigned versions);

/* A client rule's policing in words, for the writers: "PASS (MQTT-4.8.0-1 in
 * case subscribe-empty-payload-closes; ...)", each duty-and-case pair once.
 * malloc'd; NULL when nothing polices the clause. */
char *results_policing_text(const struct run_result *run, const struct clause_result *cr);

/* Exit status for a run: 0 nothing FAILs (strict: nor WARNs), 1 otherwise. */
int results_exit_status(const struct run_result *run);

void results_free(struct run_result *run);
void results_case_free(struct case_result *c);

/* Append an event to a case's wire trace (the bytes and text are copied). */
struct wire_event *results_add_wire(struct case_result *c, double t_ms, int client, enum wire_dir dir,
				    const uint8_t *b, size_t n, const char *text, const char *violation);

/* Append a check naming `cl` (NULL: no clause), zeroed but for its clause,
 * and count the clause among the case's claims. */
struct check_result *results_add_check(struct case_result *c, const struct catalog_clause *cl);

/* Append the check of a case's step: its clauses and the client rules it
 * polices (catalog ids, copied; the case's claims hold them already),
 * INCONCLUSIVE until it runs. */
struct check_result *results_add_step_check(struct case_result *c, const char *const *clauses, size_t nclauses,
					    const char *const *polices, size_t npolices, int should);

/*
 * The engine changes a result only through the functions below; the writers
 * (reports/) only read it.
 *
 * Texts are formatted printf-style within RESULTS_TEXT_MAX bytes (with the
 * NUL). The bound holds the longest message the engine builds: a step path
 * and a match's reason (case/match.h, 1536 bytes) with their framing; a
 * longer text is cut there, never overflows. Engine messages bound for the
 * model (wire notes too) use it for their buffers.
 */
#define RESULTS_TEXT_MAX 2048

/* Where a check belongs: step index (main steps then cleanup) and path. */
void results_set_step(struct check_result *k, size_t step, const char *path);
/* How a step ended, `t_ms` after the case started. */
void results_set_step_outcome(struct step_result *s, enum step_outcome o, double t_ms);
/* A check's outcome, decided `t_ms` after the case started (0: decided without running). */
void results_set_outcome(struct check_result *k, enum check_outcome o, double t_ms);
/* What the check wanted. */
void results_set_expected(struct check_result *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A clause check's expectation: "the broker to follow ID: SUMMARY". */
void results_expect_clause(struct check_result *k, const struct catalog_clause *cl);
/* What came back, or why it could not run. */
void results_set_actual(struct check_result *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void results_set_note(struct check_result *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The case's set-up error, unless it has one: the first failure explains the
 * rest. 1 if this one was recorded, 0 if one was already there. */
int results_set_setup_error(struct case_result *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The run's set-up error (nothing could run), the same way: the first one stays. */
int results_set_run_setup_error(struct run_result *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Queries for writers (result/result_query.c): what every report asks of a
 * run, answered in one place so the reports agree. */

/* The clause counts per verdict of version `v` alone. */
void results_version_counts(const struct run_result *run, enum mqtt_version v, size_t counts[VERDICT_COUNT]);

/* The clause's id qualified with its version ("5.0:MQTT-3.1.2-3") in buf,
 * for lists that mix versions. Returns buf. */
char *results_clause_qid(const struct clause_result *cr, char *buf, size_t n);

/* Whether the check names the clause `id` (NULL: it does not). */
int results_check_names(const struct check_result *ch, const char *id);

/* A FAIL the --baseline knows entirely: every failed MUST check naming the
 * clause is baselined. 0 without a baseline or for another verdict. */
int results_known_fail(const struct run_result *run, const struct clause_result *cr);

/* The spec section a clause is reported under is the first two numbers of
 * its section ("3.1.2.3" -> "3.1", "5" -> "5"): the length of that prefix. */
size_t results_section_group_len(const char *section);

/* Items (clauses) grouped by reported section, the groups in spec order. */
struct results_sections {
	char **names;       /* the distinct groups, "3.1", ..., in catalog_section_cmp order */
	size_t n;
	size_t *group_of;   /* per item: index into names; SIZE_MAX for an item left out */
	size_t *order;      /* the items grouped, in group order, item order inside a group */
	size_t norder;      /* items not left out */
};

/* Group `n` items by their sections; a NULL section leaves the item out. */
void results_sections_group(struct results_sections *g, const char *const *sections, size_t n);
void results_sections_free(struct results_sections *g);

#endif
