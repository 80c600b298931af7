# SPDX-License-Identifier: GPL-3.0-or-later
# tests/glyph.sh: glyph runs (linebreak.c draws the paragraphs it broke from its own kept
# glyphs, never shaped again by pango). Every document in content/ is built as a PDF with
# them, each such layout compared glyph by glyph with the one pango makes (GEN_GLYPH_CHECK=1,
# which aborts on a difference), and again without them (GEN_NO_GLYPH_RUNS=1): each PDF's
# words with their boxes (pdftotext -bbox-layout) and its structure tree with its text
# (pdfinfo -struct-text) must be the same, and so its bytes. So too tests/glyph/, a document
# of every kind of inline text (links and emphasis across lines, code, notes, strikes, marks,
# other scripts, right to left, invisible characters, a word wider than the column). Sourced
# by tests/run.sh (uses its TMP, GEN, pass and fail).

w=$TMP/glyph
mkdir -p "$w/project/templates"
cp -r content tests/glyph/content "$w/project/"
cp templates/*.xml templates/*.svg "$w/project/templates/"
ln -s "$ROOT/fonts" "$w/project/fonts"
if ! SOURCE_DATE_EPOCH=1700000000 GEN_GLYPH_CHECK=1 "$GEN" -q -C "$w/project" --pdf-only \
    -o "$w/runs" build >"$w/runs.out" 2>&1 || ! sanitized "$w/runs.out"; then
	fail glyph/build "with glyph runs: $(grep -v 'glyph check:' "$w/runs.out" | head -3)"
elif ! SOURCE_DATE_EPOCH=1700000000 GEN_NO_GLYPH_RUNS=1 "$GEN" -q -C "$w/project" \
    --pdf-only -o "$w/pango" build >"$w/pango.out" 2>&1 || ! sanitized "$w/pango.out"; then
	fail glyph/build "without glyph runs: $(head -3 "$w/pango.out")"
else
	# the check ran, over a good part of the text: its counts, summed over the processes
	lines=$(sed -n 's/^gen: glyph check: [0-9]* layouts, \([0-9]*\) lines.*/\1/p' \
	    "$w/runs.out" | awk '{ n += $1 } END { print n + 0 }')
	if [ "$lines" -ge 500 ]; then
		pass glyph/checked
	else
		fail glyph/checked "only $lines lines drawn from kept glyphs and checked"
	fi
	(cd "$w/pango" && find . -name '*.pdf' | sort) >"$w/want"
	(cd "$w/runs" && find . -name '*.pdf' | sort) >"$w/made"
	if [ "$(wc -l <"$w/want")" -lt 8 ] || ! diff -q "$w/want" "$w/made" >/dev/null; then
		fail glyph/files "the PDFs made differ: $(diff "$w/want" "$w/made" | head -5)"
	fi
	while read -r f; do
		name=glyph/${f#./}
		name=${name%.pdf}
		for how in runs pango; do
			pdftotext -bbox-layout "$w/$how/$f" "$w/$how.bbox" 2>/dev/null
			pdfinfo -struct-text "$w/$how/$f" >"$w/$how.struct" 2>/dev/null
		done
		if ! diff "$w/pango.bbox" "$w/runs.bbox" >"$w/diff" || [ ! -s "$w/runs.bbox" ]; then
			fail "$name/words" "words or boxes differ:"$'\n'"$(head -8 "$w/diff")"
		elif ! diff "$w/pango.struct" "$w/runs.struct" >"$w/diff" ||
		    ! grep -q '^ .*"' "$w/runs.struct"; then
			fail "$name/tags" "the structure tree differs:"$'\n'"$(head -8 "$w/diff")"
		elif ! cmp -s "$w/pango/$f" "$w/runs/$f"; then
			fail "$name/bytes" "the PDFs' words, boxes and tags are the same, their bytes not"
		else
			pass "$name"
		fi
	done <"$w/made"
fi
