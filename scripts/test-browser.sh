#!/bin/sh
# Open the HTML report of a run with a failure (the golden one, which
# build/run-tests proves equal to what the writer produces) in headless
# Chromium, click the way a reader would, and check what the page shows:
# the failing clause is listed first, the filter bar is there (the script
# ran), expanding the failing case shows its wire trace with the packet that
# broke a rule, and unticking PASS hides the passing clauses.
#   scripts/test-browser.sh            (needs Debian's chromium package)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$(command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true)
if [ -z "$bin" ]; then
	echo "test-browser: chromium is not installed (apt-get install chromium)" >&2
	exit 1
fi
dir=$(mktemp -d /tmp/mqttspec-browser.XXXXXX)
trap 'rm -rf "$dir"' EXIT
cp "$top/tests/golden/report.html" "$dir/report.html"
mkdir "$dir/profile"
# The page under test in a frame; the outer page (same directory, so allowed
# with --allow-file-access-from-files) drives it and writes what it saw.
cat >"$dir/drive.html" <<'HTML'
<!DOCTYPE html><html><body><iframe id="f" src="report.html" style="width:1200px;height:900px"></iframe>
<pre id="out">not run</pre>
<script>
document.getElementById('f').onload = function () {
  var d = this.contentDocument, out = [];
  try {
    var first = d.querySelector('#failures .clause');
    out.push('first-verdict=' + first.getAttribute('data-verdict'));
    out.push('first-id=' + first.querySelector('.cid').textContent);
    out.push('filters-shown=' + !d.getElementById('filters').hidden);
    var det = first.querySelector('details.case'), wire = det.querySelector('table.wire');
    out.push('wire-before=' + wire.checkVisibility());
    det.querySelector('summary').click();
    out.push('wire-after=' + wire.checkVisibility());
    out.push('violations-shown=' + det.querySelectorAll('tr.viol').length);
    d.querySelector('#filters input[value=PASS]').click();
    var pass = d.querySelectorAll('.clause[data-verdict=PASS]');
    var hid = d.querySelectorAll('.clause[data-verdict=PASS][hidden]').length;
    out.push('pass-hidden=' + hid + '/' + pass.length);
    out.push('pass-all-hidden=' + (pass.length > 0 && hid === pass.length));
  } catch (e) { out.push('error=' + e); }
  document.getElementById('out').textContent = out.join('\n');
};
</script></body></html>
HTML
got=$(timeout 60 "$bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$dir/profile" --allow-file-access-from-files --virtual-time-budget=5000 \
	--dump-dom "file://$dir/drive.html" 2>/dev/null | sed -n '/<pre id="out">/,/<\/pre>/p')
fail=0
for want in 'first-verdict=FAIL' 'first-id=MQTT-3.1.2-3' 'filters-shown=true' 'wire-before=false' \
	'wire-after=true' 'violations-shown=1' 'pass-all-hidden=true'; do
	case "$got" in
	*"$want"*) ;;
	*) echo "test-browser: expected $want" >&2; fail=1 ;;
	esac
done
if [ $fail -ne 0 ]; then
	echo "test-browser: the page showed:" >&2
	echo "$got" >&2
	exit 1
fi
echo "test-browser: 7 passed, 0 failed"
