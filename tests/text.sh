# SPDX-License-Identifier: GPL-3.0-or-later
# tests/text.sh: the plain-text back-end. Every document in content/ is built (with the
# sanitizers) and each DOC.txt it writes must be exactly tests/text/DOC.txt (a document built
# per row: tests/text/DOC/ROW.txt), with no file missing or left over; --pdf-only and
# --html-only write none. Sourced by tests/run.sh (uses its TMP, GEN, pass and fail);
# UPDATE=1 records the expected files.

w=$TMP/text
if ! "$GEN" -q -o "$w" build >"$w.out" 2>&1 || ! sanitized "$w.out"; then
	fail text/build "$(head -3 "$w.out")"
else
	[ -n "${UPDATE:-}" ] && (cd "$w" && find . -name '*.txt' ! -name alt-text.txt |
	    while read -r f; do mkdir -p "$ROOT/tests/text/${f%/*}"; cp "$f" "$ROOT/tests/text/$f"; done)
	(cd "$w" && find . -name '*.txt' ! -name alt-text.txt | sort) >"$w.made"
	(cd tests/text && find . -name '*.txt' | sort) >"$w.want"
	if ! diff -u "$w.want" "$w.made" >"$w.diff"; then
		fail text/files "the text files made are not those expected:"$'\n'"$(head -12 "$w.diff")"
	else
		pass text/files
	fi
	while read -r f; do
		name=text/${f#./}
		if [ ! -f "$w/$f" ]; then
			continue	# said above
		elif ! diff -u "tests/text/$f" "$w/$f" >"$w.diff"; then
			fail "${name%.txt}" "differs:"$'\n'"$(head -20 "$w.diff")"
		else
			pass "${name%.txt}"
		fi
	done <"$w.want"
fi

# Only the outputs asked for: the text is not one of the PDF's or the twin's.
for only in --pdf-only --html-only; do
	o=$TMP/text$only
	if "$GEN" -q $only -o "$o" build strategy-2016 >"$o.out" 2>&1 && [ ! -e "$o/strategy-2016.txt" ]
	then
		pass "text/none$only"
	else
		fail "text/none$only" "exit $? or out/strategy-2016.txt written: $(head -3 "$o.out")"
	fi
done
