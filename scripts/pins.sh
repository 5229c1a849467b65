# Shell functions shared by scripts/test-faults.sh, scripts/test-variants.sh and
# scripts/test-transports.sh (sourced, not run): reading pins and JSON reports,
# and comparing the two.
#
# A pin (tests/faults/NAME.txt, tests/variants/NAME.txt) names, one per line
# ('#' starts a comment), what a run must show (an id may be qualified with
# its protocol version, 5.0:MQTT-3.1.2-3, since the ids of the two versions
# look alike; a bare id is of the pin's version: 5.0 under a 5.0/ folder
# (tests/faults/5.0/NAME.txt), else 3.1.1, as in every pin written before 5.0):
#   MQTT-3.3.4-1        the clause must FAIL;
#   ?MQTT-2.3.1-5       it may FAIL or not, as the comment explains (a FINDING
#                       the suite charges wrongly today, or a race the run
#                       cannot control);
#   WARN MQTTSPEC-3.1.2-2   the (SHOULD-level) clause must WARN;
#   ?WARN MQTTSPEC-...      it may WARN or not;
#   MQTT-3.1.2-22 server-keep-alive5-in-force
#                       ... and FAIL in that case (a clause the baseline
#                       FAILs already elsewhere is still shown broken here);
#   PASS topic-alias5-to-client-within-maximum
#                       the case must PASS, not be NOT APPLICABLE (a fault
#                       that adds a feature the spec permits: its cases are
#                       seen to run and to pass);
#   PERMITTED           (variants) the spec permits this configuration, in
#                       both versions: no case may end INCONCLUSIVE either;
#   5.0:PERMITTED       (variants) it permits it in that version only (or
#                       3.1.1:PERMITTED): no case of that version may end
#                       INCONCLUSIVE; what the other version breaks is pinned
#                       as usual.
# Any other FAIL or WARN is a mismatch, except what the baseline run shows.

# The lines of a pin, comments and blank lines dropped, words squeezed.
pin_lines() {
	sed -e 's/#.*//' "$1" | awk 'NF { $1 = $1; print }'
}

# Ids on standard input, one a line, qualified: "MQTT-3.1.2-3" is
# "3.1.1:MQTT-3.1.2-3", "5.0:MQTT-3.1.2-3" stays. Every list below is of
# qualified ids, so a 3.1.1 clause never meets the 5.0 one of the same id.
# A bare id is of version $1 (default 3.1.1).
qualify() { awk -v v="${1:-3.1.1}" '{ print ($0 ~ /^[0-9.]+:/ ? $0 : v ":" $0) }'; }

# The version a pin file's bare ids are of: 5.0 for the pins under a 5.0/
# folder (tests/faults/5.0/), else 3.1.1.
pin_version() { case $1 in */5.0/*) echo 5.0 ;; *) echo 3.1.1 ;; esac; }

# Whether the qualified id is in the catalog of its version.
in_catalog() {
	grep -q "\"id\": *\"${1#*:}\"" "cases/clauses/mqtt-${1%%:*}.json" 2>/dev/null
}

# Clause ids of a pin or of the known-fails file, by kind: `firm` must FAIL,
# `optional` may FAIL, `warn_firm` must WARN, `warn_optional` may WARN.
# `clauses` is the first word of each line (known-fails may add a word:
# "MQTT-3.1.2-24 timing").
clauses() { pin_lines "$1" | awk '{ print $1 }' | qualify "$(pin_version "$1")"; }
firm() { pin_lines "$1" | awk '$1 ~ /^([0-9.]+:)?MQTT/ { print $1 }' | qualify "$(pin_version "$1")" | sort -u; }
optional() { pin_lines "$1" | awk '$1 ~ /^[?]([0-9.]+:)?MQTT/ { print substr($1, 2) }' | qualify "$(pin_version "$1")" | sort -u; }
warn_firm() { pin_lines "$1" | awk '$1 == "WARN" { print $2 }' | qualify "$(pin_version "$1")" | sort -u; }
warn_optional() { pin_lines "$1" | awk '$1 == "?WARN" { print $2 }' | qualify "$(pin_version "$1")" | sort -u; }
# The versions a pin permits (PERMITTED: both), one a line; none when it
# permits none. `permitted PIN` holds when it permits both.
permitted_versions() {
	pin_lines "$1" | awk '$1 == "PERMITTED" { print "3.1.1"; print "5.0" }
	                      $1 ~ /^(3\.1\.1|5\.0):PERMITTED$/ { sub(/:.*/, "", $1); print $1 }' | sort -u
}
permitted() { [ "$(permitted_versions "$1" | wc -l)" -eq 2 ]; }

# The pins of tests/tools/ws_bridge.py, the WebSocket front that breaks one
# rule of chapter 6 per mode (run by scripts/test-transports.sh):
# tests/transports/ws-bridge.txt for 3.1.1 and tests/transports/VERSION/ws-bridge.txt
# for another version, as under tests/faults/. Each line is "mode clause": the
# one clause (a bare id of the pin's version) a run through that mode must FAIL.
ws_bridge_pins() { { ls tests/transports/ws-bridge.txt; ls tests/transports/*/ws-bridge.txt; } 2>/dev/null; }
ws_bridge_modes() { pin_lines "$1" | awk 'NF == 2 { print $1 ":" $2 }'; }
ws_bridge_clauses() { pin_lines "$1" | awk 'NF == 2 { print $2 }' | qualify "$(pin_version "$1")"; }

# Lines of the given pin files that are not in the pin format.
pin_syntax_errors() {
	for p; do
		pin_lines "$p" | grep -Ev '^([?]?(WARN )?((3\.1\.1|5\.0):)?MQTT(SPEC)?-[0-9.]+-[0-9]+|((3\.1\.1|5\.0):)?MQTT(SPEC)?-[0-9.]+-[0-9]+ [a-z0-9-]+|PASS [a-z0-9-]+|((3\.1\.1|5\.0):)?PERMITTED)$' | sed "s|^|$p: |"
	done
}

# The ids a pin names in any kind, qualified, for the catalog check.
pin_ids() {
	pin_lines "$1" | awk '$1 == "WARN" || $1 == "?WARN" { print $2; next } $1 ~ /MQTT/ { print $1 }' | sed 's/^?//' |
		qualify "$(pin_version "$1")"
}

# A pin's case-level lines: "qualified-clause case" (it must FAIL there),
# and the cases that must PASS.
case_fails() { pin_lines "$1" | awk '$1 ~ /^([0-9.]+:)?MQTT/ && NF == 2 { print $1, $2 }' | qualify_first "$(pin_version "$1")"; }
case_passes() { pin_lines "$1" | awk '$1 == "PASS" { print $2 }'; }
qualify_first() { awk -v v="$1" '{ print ($1 ~ /^[0-9.]+:/ ? $1 : v ":" $1), $2 }'; }

# Which of the case-level lines do not hold in the report (python3):
# "case: clause did not FAIL" / "case: VERDICT, not PASS" / "case: not run".
case_misses() {
	report=$1 fails=$2 passes=$3
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
cases = {c["id"]: c for c in r["cases"]}
for line in open(sys.argv[2]):
    clause, cid = line.split()
    c = cases.get(cid)
    v, bare = clause.split(":", 1)
    if not c:
        print("%s: not run" % cid)
    elif not any(k["outcome"] == "fail" and bare in k["clauses"] for k in c.get("checks", [])):
        print("%s: %s did not FAIL there (%s)" % (cid, clause, c["verdict"]))
for cid in open(sys.argv[3]).read().split():
    c = cases.get(cid)
    if not c:
        print("%s: not run" % cid)
    elif c["verdict"] != "PASS":
        print("%s: %s, not PASS" % (cid, c["verdict"]))' "$report" "$fails" "$passes"
}

# The qualified ids of every clause with verdict $2 (FAIL, WARN) in JSON
# report $1 (a report without "protocol", written before 5.0, is 3.1.1's):
# python3 when there is one, else awk over cJSON's layout (a clause's keys at
# three tabs inside the top-level "clauses" array).
verdicts() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["clauses"]:
    if c["verdict"] == sys.argv[2]: print("%s:%s" % (c.get("protocol", "3.1.1"), c["id"]))' "$1" "$2"
	else
		awk -v want="$2" '/^\t"clauses":\t\[/ { on = 1; next }
		     on && /^\t[^\t]/ { on = 0 }
		     on && /^\t\t\t"id":/ { id = $2; gsub(/[",]/, "", id); p = "3.1.1" }
		     on && /^\t\t\t"protocol":/ { p = $2; gsub(/[",]/, "", p) }
		     on && /^\t\t\t"verdict":/ { v = $0; sub(/^[^"]*"verdict":\t"/, "", v); sub(/".*/, "", v)
		                                 if (v == want) print p ":" id }' "$1"
	fi | sort -u
}
fails() { verdicts "$1" FAIL; }

# The ids of the cases whose verdict is INCONCLUSIVE (python3 only); with
# versions after the report, only the cases of those versions.
inconclusive_cases() {
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    if c["verdict"] == "INCONCLUSIVE" and (len(sys.argv) == 2 or c.get("protocol", "3.1.1") in sys.argv[2:]):
        print(c["id"])' "$@"
}

# For unexpected clauses: the cases whose checks failed (or warned), and
# how (python3 only).
explain() {
	command -v python3 >/dev/null 2>&1 || return 0
	python3 -c 'import json, sys
want, seen = set(sys.argv[2:]), set()
for case in json.load(open(sys.argv[1]))["cases"]:
    v = case.get("protocol", "3.1.1")
    for k in case.get("checks", []):
        hit = ",".join(sorted(want.intersection("%s:%s" % (v, x) for x in k["clauses"])))
        if k["outcome"] in ("fail", "warn") and hit and (hit, case["id"]) not in seen:
            seen.add((hit, case["id"]))
            print("      %s in %s: %s" % (hit, case["id"], (k.get("actual") or "")[:240]))' "$@"
}

# Compare one run with its pin.
#   compare_pin PIN REPORT RC MAY_FAIL MAY_WARN OUT
# MAY_FAIL / MAY_WARN: files of ids the baseline tolerates besides the pin's
# own '?' lines. Writes OUT: first line OK or MISMATCH, then the details; and
# OUT.want (the firm FAILs and WARNs, to count them).
compare_pin() {
	pin=$1 report=$2 rc=$3 may_fail=$4 may_warn=$5 out=$6
	firm "$pin" >"$out.want"
	warn_firm "$pin" >"$out.wwant"
	{ optional "$pin"; cat "$may_fail"; } | sort -u >"$out.may"
	{ warn_optional "$pin"; cat "$may_warn"; } | sort -u >"$out.wmay"
	fails "$report" >"$out.got"
	verdicts "$report" WARN >"$out.wgot"
	missing=$(comm -23 "$out.want" "$out.got" | tr '\n' ' ')
	unexpected=$(comm -13 "$out.want" "$out.got" | comm -23 - "$out.may" | tr '\n' ' ')
	wmissing=$(comm -23 "$out.wwant" "$out.wgot" | tr '\n' ' ')
	wunexpected=$(comm -13 "$out.wwant" "$out.wgot" | comm -23 - "$out.wmay" | tr '\n' ' ')
	tolerated=$(optional "$pin" | comm -12 - "$out.got" | tr '\n' ' ')
	inconclusive=
	versions=$(permitted_versions "$pin" | tr '\n' ' ')
	[ -n "$versions" ] && inconclusive=$(inconclusive_cases "$report" $versions | tr '\n' ' ')
	case_fails "$pin" >"$out.cfail"
	case_passes "$pin" >"$out.cpass"
	cmiss=
	[ -s "$out.cfail" ] || [ -s "$out.cpass" ] && cmiss=$(case_misses "$report" "$out.cfail" "$out.cpass")
	want_rc=0
	[ -s "$out.got" ] && want_rc=1
	{
		if [ -z "$missing$unexpected$wmissing$wunexpected$inconclusive$cmiss" ] && [ "$rc" = "$want_rc" ]; then
			echo "OK"
		else
			echo "MISMATCH"
			[ -n "$missing" ] && echo "    missing FAIL:    $missing"
			[ -n "$unexpected" ] && echo "    unexpected FAIL: $unexpected" &&
				explain "$report" $unexpected
			[ -n "$wmissing" ] && echo "    missing WARN:    $wmissing"
			[ -n "$wunexpected" ] && echo "    unexpected WARN: $wunexpected" &&
				explain "$report" $wunexpected
			[ -n "$inconclusive" ] && echo "    INCONCLUSIVE (permitted in $(echo $versions | sed 's/ / and /')): $inconclusive"
			[ -n "$cmiss" ] && echo "$cmiss" | sed 's/^/    in a case: /'
			[ "$rc" != "$want_rc" ] && echo "    exit status $rc, expected $want_rc"
		fi
		[ -n "$tolerated" ] && echo "    tolerated (findings, see the pin): $tolerated"
	} >"$out"
	cat "$out.wwant" >>"$out.want"
}

# Every clause some case claims in a check, each once, qualified with the
# version of its case (a case without "protocol" speaks 3.1.1).
claimed_clauses() {
	python3 -c 'import json, sys, glob
ids = set()
def walk(o, v):
    if isinstance(o, dict):
        for k, x in o.items():
            if k == "checks" and isinstance(x, list):
                ids.update(i if ":" in i else v + ":" + i for i in x if isinstance(i, str))
            else:
                walk(x, v)
    elif isinstance(o, list):
        for x in o:
            walk(x, v)
for f in glob.glob(sys.argv[1] + "/**/*.json", recursive=True):
    if "/clauses/" in f:
        continue
    case = json.load(open(f))
    walk(case, case.get("protocol", "3.1.1") if isinstance(case, dict) else "3.1.1")
print("\n".join(sorted(ids)))' "$1"
}
