# SPDX-License-Identifier: GPL-3.0-or-later
# tests/facts.sh: every document made from a source is checked against the facts list of that
# source (tests/facts/DOC.facts: each fact with the source's line), in its PDF and its HTML
# twin, by tests/factcheck.c; a planted change to a fact must fail with the source's line. No
# two words overlap on any page of any document (tests/overlap.c), the progress reports'
# running heads are whole, and the action plans leave at least 35 mm to write in. Sourced by
# tests/run.sh (uses its TMP, GEN_RELEASE, pass and fail).

w=$TMP/facts
"${GEN_RELEASE:-gen/gen}" -q -o "$w" build >"$w.out" 2>&1 ||
	fail facts/build "$(head -3 "$w.out")"

# Each list against its document.
for list in tests/facts/*.facts; do
	doc=$(basename "$list" .facts)
	if build/factcheck "$list" "$w" "$doc" >"$w.$doc" 2>&1; then
		pass "facts/$doc"
	else
		fail "facts/$doc" "$(head -12 "$w.$doc")"
	fi
done

# A fact changed in the data fails, naming the list's line and the source's: the grade of
# racial equality (5.7, poor) in the inspection report's tables, and a figure on the
# strategy's key-figures page.
p=$TMP/facts-planted
mkdir -p "$p/content"
cp -r content/inspection-2004 content/strategy-2022 "$p/content/"
cp -r templates "$p/"
ln -sfn "$ROOT/fonts" "$p/fonts"
sed -i 's/^\(Section 5: Support for social inclusion,5\.7,.*\),6,$/\1,5,/' \
    "$p/content/inspection-2004/data/jrs.csv"
sed -i 's/^\(5\.7,.*\),6,Poor,/\1,5,Unsatisfactory,/' "$p/content/inspection-2004/data/section-5.csv"
sed -i 's/^children,40374,/children,40347,/' "$p/content/strategy-2022/data/key-figures.csv"
"${GEN_RELEASE:-gen/gen}" -q -C "$p" -o "$p/out" build inspection-2004 strategy-2022 \
    >"$p.err" 2>&1
build/factcheck tests/facts/inspection-2004.facts "$p/out" inspection-2004 >"$p.insp" 2>&1
rc=$?
build/factcheck tests/facts/strategy-2022.facts "$p/out" strategy-2022 >"$p.strat" 2>&1
rc2=$?
if [ $rc -eq 1 ] && [ $rc2 -eq 1 ] &&
    grep -q 'lea-inspection-report-2004.txt:654: "5.7 | The effectiveness of the LEA in promoting racial equality | 6" is not in the PDF or the HTML' "$p.insp" &&
    grep -q 'the PDF has "5.7 The effectiveness of the LEA in promoting racial equality" then' \
    "$p.insp" &&
    grep -q 'education-excellence-strategy-2022-2027-draft.txt:141: "40,374" is not in the PDF or the HTML' "$p.strat" &&
    [ "$(grep -c 'is not in' "$p.insp")" -eq 2 ]; then
	pass facts/planted-change
else
	fail facts/planted-change "exit $rc, $rc2: $(head -4 "$p.insp") $(head -2 "$p.strat") $(head -3 "$p.err")"
fi

# No two words overlap on any page: a chart's labels, gaps and keys above all.
for pdf in "$w"/*.pdf "$w"/*/*.pdf; do
	name=${pdf#"$w"/}
	if build/overlap "$pdf" >"$w.overlap" 2>&1; then
		pass "overlap/${name%.pdf}"
	else
		fail "overlap/${name%.pdf}" "$(head -5 "$w.overlap")"
	fi
done
# ... and the checker sees a collision: two labels set on each other.
mkdir -p "$TMP/overlap-bad/content/doc/data"
cp -r templates "$TMP/overlap-bad/"
ln -sfn "$ROOT/fonts" "$TMP/overlap-bad/fonts"
printf '%s\n' '---' 'title: Overlap' 'template: plain' 'date: 2024-01-01' '---' \
    '# Chart' '' '<chart type="line" data="d" x="year" series="a|b" names="A|B" title="Same">' \
    >"$TMP/overlap-bad/content/doc/index.md"
printf 'year,a,b\n2020,5,5.001\n2021,6,6\n' >"$TMP/overlap-bad/content/doc/data/d.csv"
"${GEN_RELEASE:-gen/gen}" -q -C "$TMP/overlap-bad" -o "$TMP/overlap-bad/out" build doc \
    >/dev/null 2>&1
if build/overlap "$TMP/overlap-bad/out/doc.pdf" >/dev/null 2>&1; then
	pass overlap/apart
else
	fail overlap/apart "two lines ending at one value: their end labels overlap"
fi

# The progress reports' running heads are whole: none shortened with an ellipsis.
for doc in progress-2019 progress-2023; do
	n=$(pdfinfo "$w/$doc.pdf" | awk '/^Pages:/ { print $2 }')
	cut=
	for ((i = 2; i <= ${n:-0}; i++)); do
		pdftotext -q -layout -f $i -l $i "$w/$doc.pdf" - | head -1 | grep -q '…' &&
		    cut="$cut $i"
	done
	[ -n "$n" ] && [ -z "$cut" ] && pass "heads/$doc" ||
	    fail "heads/$doc" "running heads shortened on pages:$cut"
done

# The action plans' write-in columns (SIG, School) are at least 35 mm wide: from where the
# word SIG starts to where School starts, and from there to the table's right edge (the
# text column, 476.2 pt of the strategy's A4 page, from where its first column's words
# start, 4 pt in).
n=$(pdfinfo "$w/strategy-2022.pdf" | awk '/^Pages:/ { print $2 }')
seen=0
for ((i = 1; i <= ${n:-0}; i++)); do
	pdftotext -q -f $i -l $i -bbox "$w/strategy-2022.pdf" - >"$w.bbox"
	grep -q '>SIG</word>' "$w.bbox" || continue
	seen=$((seen + 1))
	why=$(awk -F'"' '/<word/ { t = $0; sub(/^[^>]*>/, "", t); sub(/<.*$/, "", t)
		n++; x[n] = $2; y[n] = $4; w[n] = t; if (t == "SIG") { sig = $2; sy = $4 } }
		END { for (i = 1; i <= n; i++) if (y[i] - sy < 1 && sy - y[i] < 1) {
				if (w[i] == "School") school = x[i]; if (w[i] == "How") how = x[i] } mm = 72 / 25.4
			# a glyph starts a hair inside its cell: 0.3 mm allowed
			if (school - sig < 34.7 * mm) printf "SIG %.1f mm", (school - sig) / mm
			else if (how + 476.2 - school < 34.7 * mm)
				printf "School %.1f mm", (how + 476.2 - school) / mm }' "$w.bbox")
	[ -n "$why" ] && { fail facts/write-in "page $i: $why wide"; seen=-100; }
done
[ $seen -ge 4 ] && pass facts/write-in || { [ $seen -ge 0 ] && fail facts/write-in \
    "found the action plans on $seen pages"; }
