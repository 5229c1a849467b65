#!/bin/sh
# Run the libFuzzer targets built by `make fuzz` (clang) and keep what they find.
#
#   scripts/fuzz.sh BUILD_DIR SECONDS TARGET...
#
# Each target runs for SECONDS on tests/fuzz/corpus/TARGET plus a scratch
# corpus in BUILD_DIR/corpus/TARGET; then the inputs that add coverage are
# merged into tests/fuzz/corpus/TARGET (files named by the SHA-1 of their
# content, as libFuzzer names them). A crash, leak or sanitizer report stops
# the run: its input is left in BUILD_DIR/crashes/ and the script exits 1 -
# copy it into the corpus once fixed, so `make fuzz-replay` keeps it fixed.
# FUZZ_JOBS (default 1) runs that many fuzzing processes per target.
set -u
build=${1:?usage: fuzz.sh BUILD_DIR SECONDS TARGET...}
secs=${2:?usage: fuzz.sh BUILD_DIR SECONDS TARGET...}
shift 2
cd "$(dirname "$0")/.." || exit 2
status=0
summary=""
for t in "$@"; do
	bin=$build/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz: $bin is missing (make fuzz builds it)" >&2; exit 2; }
	corpus=tests/fuzz/corpus/$t
	scratch=$build/corpus/$t
	mkdir -p "$corpus" "$scratch" "$build/crashes"
	dict=
	[ -f "tests/fuzz/$t.dict" ] && dict=-dict=tests/fuzz/$t.dict
	before=$(ls "$corpus" | wc -l)
	log=$build/fuzz-$t.log
	echo "fuzz: $t for $secs s (log: $log)"
	# -rss_limit_mb: the harness must never need much; -max_len: a case file
	# or a burst of packets, not a disk image.
	# (-jobs makes libFuzzer write fuzz-N.log in the current directory: collected below.)
	par=
	[ "${FUZZ_JOBS:-1}" -gt 1 ] && par="-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS"
	"$bin" $dict $par -max_total_time="$secs" -rss_limit_mb=1024 -max_len=8192 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t-" "$scratch" "$corpus" >"$log" 2>&1
	rc=$?
	if [ -n "$par" ]; then
		cat fuzz-*.log >>"$log" 2>/dev/null
		rm -f fuzz-*.log
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}')
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	# Keep only inputs that add coverage to what the corpus already has.
	"$bin" -merge=1 "$corpus" "$scratch" >>"$log" 2>&1
	after=$(ls "$corpus" | wc -l)
	if [ "$rc" != 0 ]; then
		status=1
		echo "fuzz: $t FAILED (exit $rc); the input is in $build/crashes/:"
		grep -E '^==[0-9]+==ERROR|SUMMARY|fuzz_[a-z_]+: ' "$log" | head -n 5 | sed 's/^/    /'
	fi
	summary="$summary$(printf '%-14s %6s s %12s executions  corpus %5s -> %5s files  %s' \
		"$t" "${took:-$secs}" "$runs" "$before" "$after" "$([ "$rc" = 0 ] && echo ok || echo CRASH)")
"
done
printf '%s' "$summary"
exit $status
