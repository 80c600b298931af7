# SPDX-License-Identifier: GPL-3.0-or-later
# tests/bad.sh: bad and hostile input. Each folder in tests/bad is a small project: content/doc/
# (and templates/ when the case is about a template); `setup`, if present, is run in the
# project first (for inputs too big to keep, links and FIFOs) and `check`, if present, after gen
# (it must succeed: a file outside left unread); `args` overrides `build doc`. gen must print
# exactly `expected` on stderr and exit with `status` (within 300 s: a guard against a hang, not a
# measure of speed; many-links takes about 40 s of CPU under the sanitizers); on failure
# out/doc.pdf must be left as it was, on success it must be a sound PDF. Sourced by
# tests/run.sh; UPDATE=1 records expected.

for case in tests/bad/*/; do
	[ -d "$case" ] || continue
	id=$(basename "$case")
	w=$TMP/bad/$id
	mkdir -p "$w/templates" "$w/out"
	cp -r "$case/content" "$w/"
	mkdir -p "$w/content/doc/data"	# git keeps no empty folder: a case's setup may fill it
	cp templates/*.xml templates/*.svg "$w/templates/"
	[ -d "$case/templates" ] && cp "$case/templates/"* "$w/templates/"
	ln -s "$ROOT/fonts" "$w/fonts"
	printf 'the previous output\n' >"$w/out/doc.pdf"
	[ -f "$case/setup" ] && (cd "$w" && bash "$ROOT/$case/setup")
	args=$(cat "$case/args" 2>/dev/null || echo "build doc")
	# shellcheck disable=SC2086 # args are words
	(cd "$w" && timeout 300 "$GEN" $args) >"$w/stdout" 2>"$w/stderr"
	rc=$?
	if [ -n "${UPDATE:-}" ]; then
		cp "$w/stderr" "$case/expected"
		echo $rc >"$case/status"
	fi
	want=$(cat "$case/status")
	if ! sanitized "$w/stderr"; then
		fail "bad/$id" "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$w/stderr")"
	elif [ $rc -ne "$want" ]; then
		fail "bad/$id" "exit $rc, not $want: $(head -3 "$w/stderr")"
	elif ! diff -u "$case/expected" "$w/stderr" >"$w/diff"; then
		fail "bad/$id" "messages differ:"$'\n'"$(head -12 "$w/diff")"
	elif [ -f "$case/check" ] && ! (cd "$w" && bash "$ROOT/$case/check"); then
		fail "bad/$id" "its check failed: $(cat "$case/check")"
	elif [ "$want" -ne 0 ] && [ "$(cat "$w/out/doc.pdf")" != "the previous output" ]; then
		fail "bad/$id" "the previous out/doc.pdf was changed"
	elif [ "$want" -eq 0 ] && ! qpdf --check "$w/out/doc.pdf" >/dev/null 2>&1; then
		fail "bad/$id" "the PDF it built is not sound"
	elif ls -A "$w/out" | grep -vx .gen.lock | grep -q '^\.'; then
		fail "bad/$id" "temporary files left in out/: $(ls -A "$w/out" | tr '\n' ' ')"
	else
		pass "bad/$id"
	fi
done
