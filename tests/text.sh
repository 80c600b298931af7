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

# The words in layers: gen's (the installed templates/words.xml), then the project's own
# templates/words.xml, which gives only the contents' heading, then a template's <words>.
# A project with no other template of its own builds (the strategy, installed), with its word
# in the PDF and on the web page and gen's words for the rest (the date's month, the web
# page's links); its own template's <words> wins over both; `gen check` names both files.
w=$TMP/words-layers
mkdir -p "$w/content/doc" "$w/content/mine" "$w/templates"
ln -s "$ROOT/fonts" "$w/fonts"
printf '<?xml version="1.0"?>\n<template>\n  <words contents="In this report"/>\n</template>\n' \
    >"$w/templates/words.xml"
printf '<?xml version="1.0"?>\n<template>\n  <include file="strategy.xml"/>\n  <words %s/>\n</template>\n' \
    'contents="Inside"' >"$w/templates/mine.xml"
for doc in doc mine; do
	t=$([ $doc = doc ] && echo strategy || echo mine)
	printf -- '---\ntitle: Words\ntemplate: %s\ndate: 2024-01-01\n---\n# One\n\nText.[^1]\n\n[^1]: %s\n' \
	    "$t" 'A note.' >"$w/content/$doc/index.md"
done
(cd "$w" && "$GEN" build && "$GEN" check doc) >"$w.out" 2>&1
rc=$?
pdftotext -q "$w/out/doc.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$w/doc.text"
pdftotext -q "$w/out/mine.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$w/mine.text"
want=$(printf 'doc:\n  words     %s/templates/words.xml (installed)\n  words     templates/words.xml (this project)\n  template  %s/templates/strategy.xml (installed)' \
    "$(realpath "$ROOT")" "$(realpath "$ROOT")")
if [ $rc -ne 0 ] || ! sanitized "$w.out"; then
	fail text/words-layers "exit $rc: $(head -3 "$w.out")"
elif [ "$(head -4 "$w.out")" != "$want" ]; then
	fail text/words-layers "gen check says: $(head -4 "$w.out")"
elif ! grep -qF 'In this report One' "$w/doc.text" || grep -qF Contents "$w/doc.text" ||
    ! grep -qF 'January 2024' "$w/doc.text"; then
	fail text/words-layers "the PDF's words: $(head -c 200 "$w/doc.text")"
elif ! grep -qF '<h2 id="contents-h">In this report</h2>' "$w/out/doc/index.html" ||
    ! grep -qF '>Skip to the content</a>' "$w/out/doc/index.html" ||
    ! grep -qF '>Download the PDF (' "$w/out/doc/index.html" ||
    ! grep -qF '<p class="meta">January 2024</p>' "$w/out/doc/index.html"; then
	fail text/words-layers "the web page's words: $(grep -o '<h2[^<]*</h2>' "$w/out/doc/index.html")"
elif ! grep -qF 'Inside One' "$w/mine.text" ||
    ! grep -qF '<h2 id="contents-h">Inside</h2>' "$w/out/mine/index.html"; then
	fail text/words-layers "a template's <words> did not win: $(head -c 200 "$w/mine.text")"
else
	pass text/words-layers
fi
