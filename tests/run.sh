#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/run.sh: every test of gen, run by `make test`: unit tests, pagination traces, the
# strategy end to end, the CommonMark spec, bad and hostile input, gen installed. Prints a line
# per failure and ends with "N passed, N failed". GEN names the gen to test (an ASan+UBSan build).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 3
GEN=$(realpath "${GEN:-build/gen-asan}")
UNIT=$(realpath "${UNIT:-build/unit}")
SPECSPLIT=$(realpath "${SPECSPLIT:-build/specsplit}")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gen-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=99
export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
unset SOURCE_DATE_EPOCH

passed=0
failed=0
# A test script with a syntax error would stop part-way and say nothing in the count.
for t in tests/*.sh; do
	bash -n "$t" 2>"$TMP/syntax" || { echo "FAIL syntax/$t: $(head -2 "$TMP/syntax")"; exit 1; }
done
pass() { passed=$((passed + 1)); [ -n "${VERBOSE:-}" ] && echo "PASS $1"; return 0; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
# sanitized FILE: no sanitizer report in a captured stderr.
sanitized() { ! grep -qE 'AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error' "$1"; }

# ---- unit tests ----
"$UNIT" >"$TMP/unit.out" 2>"$TMP/unit.err"
rc=$?
while read -r word name rest; do
	case $word in
	PASS) pass "$name" ;;
	FAIL) fail "$name" "$rest" ;;
	esac
done <"$TMP/unit.out"
{ [ $rc -le 1 ] && sanitized "$TMP/unit.err"; } || fail unit/run "exit $rc: $(head -5 "$TMP/unit.err")"

# ---- every fuzz target over its seeds and past findings ----
for t in csv frontmatter markdown template png jpeg svg component document post official; do
	if [ ! -x build/replay-$t ]; then
		fail fuzz-replay/$t "build/replay-$t is not built (make test builds it)"
		continue
	fi
	build/replay-$t tests/fuzz/corpus/$t/* >"$TMP/replay.out" 2>"$TMP/replay.err"
	rc=$?
	n=$(grep -c '^PASS' "$TMP/replay.out")
	if [ $rc -eq 0 ] && [ "$n" -eq "$(ls tests/fuzz/corpus/$t | wc -l)" ] &&
	    sanitized "$TMP/replay.err"; then
		pass fuzz-replay/$t
	else
		fail fuzz-replay/$t "exit $rc after $n files: $(head -5 "$TMP/replay.err")"
	fi
done

# ---- pagination: each folder in tests/layout is a document; its pages as text must match
# expected.pages (regenerate with UPDATE=1 after a deliberate change) ----
for dir in tests/layout/*/; do
	[ -d "$dir" ] || continue
	name=layout/$(basename "$dir")
	"$GEN" -T build "$dir" >"$TMP/pages" 2>"$TMP/err"
	rc=$?
	if [ -n "${UPDATE:-}" ]; then cp "$TMP/pages" "$dir/expected.pages"; fi
	if [ $rc -ne 0 ] || ! sanitized "$TMP/err"; then
		fail "$name" "exit $rc: $(head -3 "$TMP/err")"
	elif ! diff -u "$dir/expected.pages" "$TMP/pages" >"$TMP/diff"; then
		fail "$name" "pages differ:"$'\n'"$(head -20 "$TMP/diff")"
	else
		pass "$name"
	fi
done

# ---- template, data and component features (each a small project), counted panels; the
# strategy, the constituency packs and charts end to end; outputs replaced whole; colour for
# the press ----
source tests/good.sh
source tests/official.sh
source tests/hundreds.sh
source tests/e2e.sh
source tests/output.sh
source tests/pages.sh
source tests/print.sh

# ---- the HTML twins: WCAG 2.2 AA in a real browser, and the PDF's words ----
source tests/html.sh

# ---- the facts of every document made from a source, and words that never overlap ----
source tests/facts.sh

# ---- the plain text of every document, as its back-end writes it ----
source tests/text.sh

# ---- glyph runs: the PDFs drawn from linebreak.c's kept glyphs are those pango draws ----
source tests/glyph.sh

# ---- the preflight page and the accessibility statement ----
source tests/preflight.sh

# ---- the seams: no component named by the layout or an output, no output by a reader ----
source tests/seams.sh

# ---- gen installed, and as a package, used with no clone; its manual, completion, preview ----
source tests/install.sh

# ---- every example of the CommonMark spec builds ----
mkdir -p "$TMP/spec-tmp"
GEN=$GEN ROOT=$ROOT TMP=$TMP/spec-tmp SPECSPLIT=$SPECSPLIT bash tests/spec.sh >"$TMP/spec.out" 2>&1
rc=$?
grep '^FAIL' "$TMP/spec.out" | head -20
n=$(grep -c '^FAIL' "$TMP/spec.out")
failed=$((failed + n))
if [ $rc -eq 0 ] && grep -q '^PASS' "$TMP/spec.out"; then pass spec; elif [ "$n" -eq 0 ]; then
	fail spec "exit $rc: $(tail -3 "$TMP/spec.out")"; fi

# ---- bad input: exact diagnostics, exit status, the previous output untouched ----
source tests/bad.sh

# ---- the same documents under valgrind memcheck ----
source tests/memcheck.sh

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
