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

# Every word gen writes itself is the template's: with each word of templates/words.xml in
# capitals (its {names} as they are), no phrase of gen's own words is left in any output
# (the PDF's text, the HTML, the panels' files, the text) but where the document's own
# content or data, or another template, says it.
w=$TMP/words
mkdir -p "$w/project/templates"
cp -r content "$w/project/"
ln -s "$ROOT/fonts" "$w/project/fonts"
sed '/^<?xml/!{s/="\([^"]*\)"/="\U\1\E"/g; s/{\([A-Z]*\)}/{\L\1\E}/g}' templates/words.xml \
    >"$w/project/templates/words.xml"
grep -o '="[^"]*"' templates/words.xml | sed 's/^="//; s/"$//; s/{[a-z]*}/\n/g' |
    sed 's/^[[:space:][:punct:]]*//; s/[[:space:][:punct:]]*$//' | grep -E '[A-Za-z]+ [A-Za-z]+' |
    sort -u >"$w/phrases"
if ! "$GEN" -q -C "$w/project" -o "$w/out" build >"$w.out" 2>&1 || ! sanitized "$w.out"; then
	fail text/words "exit $? with the words in capitals: $(head -3 "$w.out")"
elif [ "$(wc -l <"$w/phrases")" -lt 30 ]; then
	fail text/words "only $(wc -l <"$w/phrases") phrases found in templates/words.xml"
else
	left=
	for doc in content/*/; do
		doc=$(basename "$doc")
		find "$w/out" -path "*/$doc*" -name '*.pdf' -exec pdftotext -q {} - \; >"$w/$doc.text"
		find "$w/out" -path "*/$doc*" -type f ! -name '*.pdf' -exec cat {} + >>"$w/$doc.text"
		while IFS= read -r p; do
			if grep -aqF -- "$p" "$w/$doc.text" && ! grep -rqiF -- "$p" "content/$doc" &&
			    ! grep -qF -- "$p" $(ls templates/*.xml | grep -v words.xml); then
				left="$left $doc: '$p';"
			fi
		done <"$w/phrases"
	done
	if [ -n "$left" ]; then
		fail text/words "gen's own words not from the template:$left"
	else
		pass text/words
	fi
fi
