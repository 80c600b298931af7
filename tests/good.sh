# SPDX-License-Identifier: GPL-3.0-or-later
# tests/good.sh: template and data features end to end. Each folder in tests/good is a small
# project like those of tests/bad (content/doc/, templates/ of its own beside the project's);
# gen must build it with exactly `expected` on stderr (often nothing), every line of `words`
# must be in the text of the PDF `pdf` names (out/doc.pdf unless it says otherwise), and
# every file `files` lists must be there. Sourced by tests/run.sh; UPDATE=1 records expected.

for case in tests/good/*/; do
	[ -d "$case" ] || continue
	id=$(basename "$case")
	w=$TMP/good/$id
	mkdir -p "$w/templates"
	cp -r "$case/content" "$w/"
	cp templates/*.xml templates/*.svg "$w/templates/"
	[ -d "$case/templates" ] && cp "$case/templates/"* "$w/templates/"
	ln -s "$ROOT/fonts" "$w/fonts"
	args=$(cat "$case/args" 2>/dev/null || echo "build doc")
	# shellcheck disable=SC2086 # args are words
	(cd "$w" && timeout 300 "$GEN" $args) >"$w/stdout" 2>"$w/stderr"
	rc=$?
	[ -n "${UPDATE:-}" ] && cp "$w/stderr" "$case/expected"
	pdf=$(cat "$case/pdf" 2>/dev/null || echo out/doc.pdf)
	missing=
	if [ $rc -eq 0 ] && [ -f "$w/$pdf" ]; then
		pdftotext -q "$w/$pdf" - | tr -s ' \n' '  ' >"$w/text"
		while IFS= read -r line; do
			[ -n "$line" ] && ! grep -qF -- "$line" "$w/text" && missing="$missing '$line'"
		done <"$case/words"
	fi
	if ! sanitized "$w/stderr"; then
		fail "good/$id" "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$w/stderr")"
	elif [ $rc -ne 0 ]; then
		fail "good/$id" "exit $rc: $(head -3 "$w/stderr")"
	elif ! diff -u "$case/expected" "$w/stderr" >"$w/diff"; then
		fail "good/$id" "messages differ:"$'\n'"$(head -12 "$w/diff")"
	elif ! qpdf --check "$w/$pdf" >/dev/null 2>&1; then
		fail "good/$id" "$pdf is not a sound PDF"
	elif [ -n "$missing" ]; then
		fail "good/$id" "not in the PDF:$missing"
	elif [ -f "$case/files" ] && ! (cd "$w" && xargs -a "$ROOT/$case/files" ls >/dev/null 2>&1)
	then
		fail "good/$id" "not all of these were written: $(tr '\n' ' ' <"$case/files")"
	else
		pass "good/$id"
	fi
done
