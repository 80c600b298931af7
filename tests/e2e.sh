# SPDX-License-Identifier: GPL-3.0-or-later
# tests/e2e.sh: the strategy built end to end and checked as a reader and a PDF tool see it.
# Sourced by tests/run.sh (uses its GEN, TMP, pass and fail).

doc=strategy-2022
pdf=$TMP/e2e-1/$doc.pdf
"$GEN" -o "$TMP/e2e-1" build $doc 2>"$TMP/e2e.err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$TMP/e2e.err" ]; then
	fail e2e/build "exit $rc: $(head -5 "$TMP/e2e.err")"
else
	pass e2e/build
fi

if [ -f "$pdf" ]; then
	# qpdf finds no damage, not even a warning.
	if qpdf --check "$pdf" >"$TMP/qpdf.out" 2>&1 && ! grep -qi warning "$TMP/qpdf.out"; then
		pass e2e/qpdf-check
	else
		fail e2e/qpdf-check "$(head -5 "$TMP/qpdf.out")"
	fi

	# Tagged, with its metadata.
	pdfinfo "$pdf" >"$TMP/info"
	if grep -q '^Tagged: *yes' "$TMP/info" &&
	    grep -q '^Title: *Education Excellence Strategy$' "$TMP/info" &&
	    grep -q '^Author: *Sefton Council' "$TMP/info" &&
	    grep -q '^CreationDate: *Thu Jun 30 12:00:00 2022 UTC' "$TMP/info"; then
		pass e2e/pdfinfo
	else
		fail e2e/pdfinfo "$(cat "$TMP/info")"
	fi

	# Every font embedded, and every font one of fonts/.
	pdffonts "$pdf" | tail -n +3 >"$TMP/fonts"
	if [ -s "$TMP/fonts" ] && ! awk '$(NF-4) != "yes"' "$TMP/fonts" | grep -q . &&
	    ! grep -vE '^[A-Z]{6}\+(Inter|FiraCode)-' "$TMP/fonts" | grep -q .; then
		pass e2e/fonts
	else
		fail e2e/fonts "$(cat "$TMP/fonts")"
	fi

	# Each heading of levels 1-2 is in the contents with a page number, and is on that page,
	# and the pages rise in reading order.
	pages=$(sed -n 's/^Pages: *//p' "$TMP/info")
	for p in $(seq 1 "$pages"); do
		pdftotext -q -layout -f "$p" -l "$p" "$pdf" - | tr -s ' \n' '  ' >"$TMP/page.$p"
	done
	contents=$(cat "$TMP/page.2")
	last=0
	ok=1
	while IFS= read -r h; do
		# the entry after the previous one (two headings may read alike), and its number
		n=$(awk -v h="$h" '{ i = index($0, h); if (i) { s = substr($0, i + length(h));
		    if (match(s, /^ *[0-9]+/)) print substr(s, RSTART, RLENGTH) + 0 } }' \
		    <<<"$contents")
		contents=${contents#*"$h"}
		if [ -z "$n" ]; then
			fail e2e/contents "no page number for '$h' in the contents"
			ok=0
		elif ! tr -d ' ' <"$TMP/page.$n" | grep -qF -- "${h// /}"; then
			fail e2e/contents "'$h' is not on page $n, as the contents say"
			ok=0
		elif [ "$n" -lt "$last" ]; then
			fail e2e/contents "'$h' on page $n comes before page $last"
			ok=0
		fi
		last=${n:-$last}
	done < <(cat content/$doc/index.md $(ls content/$doc/*.md | grep -v /index.md) |
	    sed -n 's/^##\{0,1\} \(.*\)$/\1/p' |
	    awk -F, 'FNR == NR { name["{{ priorities." $1 " }}"] = $2; next }	# the names it uses
		{ for (k in name) { i = index($0, k); if (i) $0 = substr($0, 1, i - 1) name[k] \
		    substr($0, i + length(k)) } print }' content/$doc/data/priorities.csv -)
	[ $ok -eq 1 ] && pass e2e/contents

	# The structure tree reads in order, has the kinds of element the text has, and holds
	# no running heads (the title stands once on the cover, not on every page).
	pdfinfo -struct-text "$pdf" >"$TMP/struct" 2>&1
	heads=$(grep -c '"Education Excellence Strategy' "$TMP/struct")
	if grep -q '^  H1' "$TMP/struct" && grep -q '^  H2' "$TMP/struct" &&
	    grep -q '^  L' "$TMP/struct" && grep -q 'LI' "$TMP/struct" &&
	    grep -q 'LBody' "$TMP/struct" && grep -q 'Link' "$TMP/struct" &&
	    grep -q 'BlockQuote' "$TMP/struct" && grep -q 'Note' "$TMP/struct" &&
	    [ "$heads" -le 1 ]; then
		pass e2e/structure
	else
		fail e2e/structure "H1/H2/L/LI/Link/BlockQuote/Note missing or running heads " \
		    "tagged ($heads)"
	fi

	# /Lang, bookmarks and the internal link's destination.
	qpdf --qdf --object-streams=disable "$pdf" "$TMP/qdf.pdf" 2>/dev/null
	nheads=$(cat content/$doc/*.md | grep -cE '^#{1,4} ')
	nmarks=$(grep -ac '/Dest' "$TMP/qdf.pdf")
	if grep -aq '/Lang (en-GB)' "$TMP/qdf.pdf" &&
	    pdfinfo -dests "$pdf" | grep -q 'education-excellence--priorities' &&
	    [ "$nmarks" -ge "$nheads" ]; then
		pass e2e/lang-bookmarks-links
	else
		fail e2e/lang-bookmarks-links "lang, the priorities anchor or bookmarks " \
		    "($nmarks of $nheads) missing"
	fi

	# Two builds are byte-identical.
	"$GEN" -o "$TMP/e2e-2" build $doc 2>/dev/null
	if cmp -s "$pdf" "$TMP/e2e-2/$doc.pdf"; then
		pass e2e/deterministic
	else
		fail e2e/deterministic "two builds differ"
	fi
fi

# Every Markdown feature in one document: its words, its structure, its pictures' /Alt. Its
# two raster pictures are at 96 ppi: a warning each, with the size that would print well.
feat=$TMP/e2e-1/features.pdf
"$GEN" -o "$TMP/e2e-1" build tests/layout/features 2>"$TMP/feat.err"
rc=$?
cat >"$TMP/feat.want" <<'EOF'
tests/layout/features/index.md:43:1: warning: picture `chart.png` (240 × 120 px) prints at 96 ppi; print needs 300 ppi, which it reaches at 20 × 10 mm or less
tests/layout/features/index.md:45:1: warning: picture `photo.jpg` (200 × 100 px) prints at 96 ppi; print needs 300 ppi, which it reaches at 17 × 8 mm or less
EOF
if [ $rc -ne 0 ] || ! cmp -s "$TMP/feat.want" "$TMP/feat.err" ||
    ! qpdf --check "$feat" >/dev/null 2>&1; then
	fail e2e/features-build "exit $rc: $(head -3 "$TMP/feat.err")"
else
	pdftotext -q "$feat" - | tr -s ' \n' '  ' >"$TMP/feat.txt"
	missing=
	for w in "struck text" "inline code" "link to the web" "internal link" "fourth level" \
	    "and a quote inside it" "keeps its spaces" "1,204" "Figure 1: a chart in PNG" \
	    "A photograph in JPEG" "Figure 3: an SVG logo" "The note says where"; do
		grep -qF -- "$w" "$TMP/feat.txt" || missing="$missing '$w'"
	done
	[ -z "$missing" ] && pass e2e/features-text || fail e2e/features-text "missing:$missing"
	pdfinfo -struct-text "$feat" >"$TMP/feat.struct"
	missing=
	for t in H1 H2 H3 H4 P L LI Lbl LBody BlockQuote Table TR TH TD Figure Caption Link Note; do
		grep -qE "^ *$t( |:|$)" "$TMP/feat.struct" || missing="$missing $t"
	done
	[ -z "$missing" ] && pass e2e/features-structure ||
	    fail e2e/features-structure "no$missing in the structure tree"
	qpdf --qdf --object-streams=disable "$feat" "$TMP/feat.qdf" 2>/dev/null
	if grep -aq '/Alt (A gradient chart)' "$TMP/feat.qdf" &&
	    grep -aq '/Alt (A photograph in JPEG)' "$TMP/feat.qdf" &&
	    grep -aq '/Alt (A logo drawn in SVG)' "$TMP/feat.qdf"; then
		pass e2e/features-alt
	else
		fail e2e/features-alt "a figure lacks its /Alt"
	fi
fi

# The constituency packs: a PDF per area, and each panel as two PNGs and an SVG.
timeout 300 "$GEN" -o "$TMP/e2e-c" build constituencies 2>"$TMP/cons.err"
rc=$?
npdf=$(ls "$TMP"/e2e-c/constituencies/*.pdf 2>/dev/null | wc -l)
nfiles=$(ls "$TMP"/e2e-c/constituencies/*/ 2>/dev/null | grep -cE '\.(png|svg)$')
nareas=$(($(wc -l <content/constituencies/data/areas.csv) - 1))
npanels=$(($(wc -l <content/constituencies/data/indicators.csv) - 1))
if [ $rc -eq 0 ] && [ ! -s "$TMP/cons.err" ] && [ "$npdf" -eq "$nareas" ] &&
    [ "$nfiles" -eq $((nareas * npanels * 3)) ] &&
    pdftotext -q "$TMP/e2e-c/constituencies/bootle-constituency.pdf" - |
    grep -q 'If Bootle Constituency had 100 children'; then
	pass e2e/constituencies
else
	fail e2e/constituencies "exit $rc, $npdf PDFs for $nareas areas, $nfiles panel files" \
	    "for $((nareas * npanels * 3)): $(head -3 "$TMP/cons.err")"
fi

# The strategy's key figures and action plans: the tiles' numbers, and a long table's header
# row again on the page it runs on to.
if [ -f "$pdf" ]; then
	kf=$(grep -l '40,374' $(grep -l 'Sefton in Figures' "$TMP"/page.*) /dev/null | head -1)
	[ -n "$kf" ] && pdftotext -q -f "${kf##*.}" -l "${kf##*.}" "$pdf" - | tr -s ' \n' '  ' \
	    >"$TMP/kf.txt" && kf=$TMP/kf.txt
	# (the tiles' text in reading order is the structure tree's; on the page, columns)
	if [ -n "$kf" ] && grep -q '40,374' "$kf" && grep -q 'children and young people' "$kf" &&
	    grep -q '102' "$kf" && grep -q '3 Nursery Schools' "$kf" &&
	    grep -q '86%' "$kf" && grep -q '83% Primary Schools and 63% Secondary' "$kf" &&
	    pdfinfo -struct-text "$pdf" | grep -A3 '"40,374"' | grep -q 'children and young'; then
		pass e2e/key-figures
	else
		fail e2e/key-figures "the key-figures page lacks its tiles"
	fi
	heads=$(cat "$TMP"/page.* | grep -o 'How we will make this happen' | wc -l)
	plans=$(grep -c '^<data-table data="action-plan' content/$doc/07-action-plans.md)
	if [ "$heads" -gt "$plans" ] && qpdf --check "$pdf" >/dev/null 2>&1 &&
	    pdfinfo -struct-text "$pdf" | grep -q '^ *TH' && pdfinfo -struct-text "$pdf" |
	    grep -q '^ *TD'; then
		pass e2e/action-plans
	else
		fail e2e/action-plans "the header row is set $heads times for $plans tables"
	fi
fi

# Charts: each a Figure whose /Alt reads the figures, gaps as "no figure".
chart=$TMP/good/charts/out/doc.pdf
if [ -f "$chart" ]; then
	qpdf --qdf --object-streams=disable "$chart" "$TMP/chart.qdf" 2>/dev/null
	if grep -aq '/Alt (Line chart: Children with a good level of development' "$TMP/chart.qdf" &&
	    grep -aq 'not published in 2020' "$TMP/chart.qdf" &&
	    grep -aq 'Supply and quality of teachers: Grade awarded 1' "$TMP/chart.qdf" &&
	    [ "$(pdfinfo -struct-text "$chart" | grep -c '^ *Figure')" -eq 3 ]; then
		pass e2e/charts
	else
		fail e2e/charts "the charts' figures or their /Alt are missing"
	fi
fi

# Print boxes: the page is the A4 trim box with 3 mm of bleed on every side.
if [ -f "$pdf" ]; then
	pdfinfo -box -f 1 -l 1 "$pdf" >"$TMP/box"
	if grep -q 'MediaBox: *0.00 *0.00 *612.28 *858.90' "$TMP/box" &&
	    grep -q 'TrimBox: *8.50 *8.50 *603.78 *850.39' "$TMP/box" &&
	    grep -q 'BleedBox: *0.00 *0.00 *612.28 *858.90' "$TMP/box"; then
		pass e2e/print-boxes
	else
		fail e2e/print-boxes "$(grep Box "$TMP/box" | tr '\n' ' ')"
	fi
fi

# Interrupted, or out of disk space, part-way: the previous output stays and no temporary
# file is left behind. out/ that cannot be made is an environment failure (exit 3).
w=$TMP/interrupt
mkdir -p "$w/content/doc" "$w/out" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -s "$ROOT/fonts" "$w/fonts"
{ printf -- '---\ntitle: Long\ntemplate: plain\ndate: 2024-01-01\n---\n'
  yes 'A long paragraph keeps gen busy long enough to be interrupted.' | head -c 3000000 |
  tr '\n' ' '; echo; } >"$w/content/doc/index.md"
echo previous >"$w/out/doc.pdf"
(cd "$w" && exec "$GEN" build doc) 2>"$w/err" &
gpid=$!
sleep 1
kill -INT $gpid
wait $gpid
rc=$?
if [ $rc -eq 130 ] && [ "$(cat "$w/out/doc.pdf")" = previous ] &&
    [ "$(ls -A "$w/out" | grep -vx .gen.lock)" = doc.pdf ]
then
	pass e2e/interrupt
else
	fail e2e/interrupt "exit $rc; out/ holds: $(ls -A "$w/out" | tr '\n' ' ')"
fi
printf -- '---\ntitle: Short\ntemplate: plain\ndate: 2024-01-01\n---\n# Words\n\nText.\n' \
    >"$w/content/doc/index.md"
(cd "$w" && ulimit -f 2 && trap '' XFSZ && exec "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
if [ $rc -eq 3 ] && [ "$(cat "$w/out/doc.pdf")" = previous ] &&
    [ "$(ls -A "$w/out" | grep -vx .gen.lock)" = doc.pdf ] && grep -q 'error: ' "$w/err"; then
	pass e2e/disk-full
else
	fail e2e/disk-full "exit $rc; out/ holds: $(ls -A "$w/out" | tr '\n' ' '); $(head -2 "$w/err")"
fi
(cd "$w" && exec "$GEN" -o out/doc.pdf build doc) >/dev/null 2>"$w/err"
rc=$?
if [ $rc -eq 3 ] && grep -q 'cannot make the folder' "$w/err"; then
	pass e2e/out-unwritable
else
	fail e2e/out-unwritable "exit $rc: $(head -2 "$w/err")"
fi
# A read-only out/: root writes anywhere, so as root the build runs as nobody (setpriv).
chmod 755 "$w/out" && chmod -R a+rX "$w" && chmod 711 "$TMP"
chmod 555 "$w/out"
as=()
[ "$(id -u)" = 0 ] && as=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
(cd "$w" && HOME=$w exec "${as[@]}" "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
chmod 755 "$w/out"
if [ $rc -eq 3 ] && [ "$(cat "$w/out/doc.pdf")" = previous ] &&
    [ "$(ls -A "$w/out" | grep -vx .gen.lock)" = doc.pdf ] &&
    grep -q '^out/doc.pdf: error: cannot write: Permission denied$' "$w/err"; then
	pass e2e/out-read-only
else
	fail e2e/out-read-only "exit $rc; out/ holds: $(ls -A "$w/out" | tr '\n' ' '); $(head -2 "$w/err")"
fi

# Scale: a pack for each of 650 areas (PDFs only; the panels' images are the same code as
# the three real areas'). Run with the optimised gen, as users do: this is about capacity.
w=$TMP/areas650
bash tests/areas.sh "$w" 650
(cd "$w" && exec timeout 300 "$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")" -q --pdf-only \
    build doc) 2>"$w/err"
rc=$?
n=$(ls "$w/out/doc/"*.pdf 2>/dev/null | wc -l)
if [ $rc -eq 0 ] && [ "$n" -eq 650 ] && [ ! -s "$w/err" ] &&
    pdftotext -q "$w/out/doc/area-650.pdf" - | grep -q 'If Area 650 had 100 children'; then
	pass e2e/650-areas
else
	fail e2e/650-areas "exit $rc, $n of 650 packs: $(head -2 "$w/err")"
fi

# National batches on an existing engine: GNU parallel runs two shards of the same 650 packs
# into another folder, and the two shares are the whole, byte for byte; `gen jobs` lists them.
rel=$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")
(cd "$w" && timeout 300 parallel "$rel" -q --pdf-only --shard {}/2 -o out-s build doc ::: 1 2) \
    2>"$w/err-s"
rc=$?
n1=$(cd "$w" && "$rel" --shard 1/2 jobs doc | wc -l)
n2=$(cd "$w" && "$rel" --shard 2/2 jobs doc | wc -l)
if [ $rc -eq 0 ] && [ "$n1" -gt 200 ] && [ "$n2" -gt 200 ] && [ $((n1 + n2)) -eq 650 ] &&
    [ "$(cd "$w" && "$rel" jobs doc | sort | uniq | wc -l)" -eq 650 ] &&
    diff -r "$w/out/doc" "$w/out-s/doc" >/dev/null; then
	pass e2e/shards
else
	fail e2e/shards "exit $rc; $n1 + $n2 jobs; $(head -2 "$w/err-s")"
fi

# Progress reports: this year's and an earlier one from the same template files, their
# statuses, phrases and the years with nothing published.
ok=1
for doc in progress-2019 progress-2023; do
	"$GEN" -o "$TMP/e2e-p" build $doc 2>"$TMP/prog.err" || ok=0
	[ -s "$TMP/prog.err" ] && ok=0
	grep -q '^template: progress-report$' content/$doc/index.md || ok=0
done
p23=$TMP/e2e-p/progress-2023.pdf
if [ $ok -eq 1 ] && pdftotext -q "$p23" - | tr -s ' \n' '  ' >"$TMP/p23.txt" &&
    grep -q 'Appendix 1: Nursery and Primary' "$TMP/p23.txt" &&
    grep -qE '(Green|Amber|Red)' "$TMP/p23.txt" && grep -q 'no data' "$TMP/p23.txt" &&
    grep -q 'Some figures are illustrative' "$TMP/p23.txt" &&
    grep -qE $'(up|down) [0-9.]+( |\xc2\xa0)points? on 2022' "$TMP/p23.txt" &&
    cmp -s content/progress-2019/data/indicator-list.csv \
    content/progress-2023/data/indicator-list.csv; then
	pass e2e/progress-reports
else
	fail e2e/progress-reports "the two reports do not build, or lack statuses, phrases" \
	    "or gaps: $(head -2 "$TMP/prog.err")"
fi

# Building on several processes (-j) and, for a long document, on two threads: the same
# bytes as one process and one thread, and the messages of a build with errors in the same
# order, with the same exit status. (Builds with workers run under `timeout`: a worker once
# hung, forked from a process whose library threads held a lock.)
w=$TMP/jobs
mkdir -p "$w/content/long" "$w/content/a-bad" "$w/content/c-bad" "$w/content/rows/data" \
    "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -sfn "$ROOT/fonts" "$w/fonts"
{ printf -- '---\ntitle: Long\ntemplate: strategy\ndate: 2024-01-01\n---\n'
  for i in $(seq 1 40); do
	printf '# Part %d\n\n' "$i"
	for k in 1 2 3; do
		printf 'Paragraph %d of part %d, with **strong** and *emphasised* words, a %s %s\n\n' \
		    "$k" "$i" '[link](#part-1), and enough text to run over several lines of the' \
		    'column so that line breaking and widows both matter here.'
	done
	printf -- '- one item\n- another item with more words in it\n\n'
	printf -- '| Year | Value |\n|---|--:|\n| 2022 | 1,204 |\n| 2023 | 1,317 |\n\n'
  done; } >"$w/content/long/index.md"
printf -- '---\ntitle: A\ntemplate: plain\ndate: 2024-01-01\n---\n%s\n' \
    'A [link](#nowhere) and {{ missing.value }}.' >"$w/content/a-bad/index.md"
printf -- '---\ntitle: C\ntemplate: nosuch\ndate: 2024-01-01\n---\nText.\n' \
    >"$w/content/c-bad/index.md"
cp content/constituencies/index.md "$w/content/rows/"
cp content/constituencies/data/indicators.csv "$w/content/rows/data/"
{ head -1 content/constituencies/data/areas.csv
  for i in 1 2 3 4 5; do echo "Area $i,$((i * 7)),$i,95,50,25,35,$i,5,15"; done
  echo "Area 6,40,6,95,50,25,35,6,5,15"; } >"$w/content/rows/data/areas.csv"
(cd "$w" && exec timeout 300 "$GEN" -j 1 -p -o out1 build) >/dev/null 2>"$w/err1"
rc1=$?
(cd "$w" && exec timeout 300 "$GEN" -j 2 -p -o out2 build) >/dev/null 2>"$w/err2"
rc2=$?
if [ $rc1 -eq 1 ] && [ $rc2 -eq 1 ] && cmp -s "$w/err1" "$w/err2" && [ -s "$w/err1" ] &&
    diff -r "$w/out1" "$w/out2" >/dev/null && [ -f "$w/out2/long.pdf" ] &&
    [ "$(ls "$w/out2/rows" | wc -l)" -eq 6 ] &&
    [ "$(pdfinfo "$w/out2/long.pdf" | sed -n 's/^Pages: *//p')" -gt 20 ]; then
	pass e2e/jobs-same-output
else
	fail e2e/jobs-same-output "exit $rc1 and $rc2; $(diff "$w/err1" "$w/err2" | head -4)" \
	    "$(diff -r "$w/out1" "$w/out2" 2>&1 | head -2)"
fi

# Next year's progress report: the 2023 report with `year: 2024` and 2024 rows for two of its
# indicators. Every latest figure is 2024's, or "not published" for 2024 with a warning; no
# 2023 figure stands in for 2024.
w=$TMP/progress-2024
mkdir -p "$w/content" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -s "$ROOT/fonts" "$w/fonts"
cp -r content/progress-2023 "$w/content/doc"
cp -r content/strategy-2022 "$w/content/"	# whose priorities it names
sed -i 's/^year: 2023$/year: 2024/' "$w/content/doc/index.md"
printf 'gld,Sefton,2024,68,68,66,74,illustrative\nneet,Sefton,2024,4.4,5.0,5.3,,illustrative\n' \
    >>"$w/content/doc/data/indicators.csv"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
pdftotext -q -layout "$w/out/doc.pdf" - 2>/dev/null >"$w/text"
# each row of the status tables: the indicator's name, then its year
years=$(grep -E '(Green|Amber|Red|Better|Similar|Worse|–) *$' "$w/text" |
    grep -oE '^ +[A-Z0-9].* {2,}20[0-9]{2} {2,}' | grep -oE '20[0-9]{2} +$' | tr -d ' ' |
    sort | uniq -c | tr -s ' ')
if [ $rc -eq 0 ] && [ "$(grep -c "warning: no row for .* in 2024, the report's year" \
    "$w/err")" -eq 10 ] && [ "$years" = " 12 2024" ] &&
    grep -q 'was 68%, up 2 points on 2023' "$w/text" &&
    grep -q 'not published for 2024' "$w/text" && ! grep -q 'in 2023 (none' "$w/text"; then
	pass e2e/progress-next-year
else
	fail e2e/progress-next-year "exit $rc; years: $years; $(head -3 "$w/err")"
fi

# `make install PREFIX=DIR` puts gen in DIR/bin, a DIR with a space too; `gen new` starts next
# year's report from this year's, with the year moved on, and it builds.
w="$TMP/install dir"
if make -s install PREFIX="$w" >/dev/null 2>&1 && "$w/bin/gen" --version | grep -q '^gen '; then
	pass e2e/make-install
else
	fail e2e/make-install "no working $w/bin/gen"
fi
w=$TMP/new
mkdir -p "$w/content" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -s "$ROOT/fonts" "$w/fonts"
cp -r content/progress-2023 content/strategy-2022 "$w/content/"
(cd "$w" && "$GEN" new progress-2024 --from progress-2023) >"$w/out.txt" 2>&1
rc=$?
(cd "$w" && "$GEN" build progress-2024) >/dev/null 2>"$w/err"
rc2=$?
if [ $rc -eq 0 ] && [ $rc2 -eq 0 ] && grep -q '^year: 2024$' "$w/content/progress-2024/index.md" &&
    grep -q '^date: 2025-03-19$' "$w/content/progress-2024/index.md" &&
    grep -q '^meeting-date: Wednesday 19 March 2025$' "$w/content/progress-2024/index.md" &&
    grep -q 'data/indicators.csv: add the rows for 2024' "$w/out.txt" &&
    [ -f "$w/out/progress-2024.pdf" ] && cmp -s content/progress-2023/index.md \
    "$w/content/progress-2023/index.md"; then
	pass e2e/gen-new
else
	fail e2e/gen-new "exit $rc, $rc2: $(head -3 "$w/out.txt")"
fi
# Each line it lists for the user is the line it names: the years it left in the front
# matter, and the narrative's lines that name the old year.
why=
grep -qxF '  content/progress-2024/index.md:20: `2020` left as it was (only years 2022 to 2024 move on)' \
    "$w/out.txt" || why="2020 on line 20 not listed"
while IFS=: read -r file line rest; do
	case $rest in
	*"the narrative names 2023"*) sed -n "${line}p" "$w/${file#  }" | grep -q 2023 || why="$file:$line" ;;
	*"left as it was"*) y=$(echo "$rest" | grep -oE '`[0-9]{4}`' | tr -d '`')
		sed -n "${line}p" "$w/${file#  }" | grep -q "$y" || why="$file:$line" ;;
	esac
done < <(grep -E '^  content/.*:[0-9]+: ' "$w/out.txt")
[ "$(grep -c 'the narrative names 2023' "$w/out.txt")" -ge 5 ] || why="${why:-too few narrative lines listed}"
if [ -z "$why" ]; then pass e2e/gen-new-lines; else fail e2e/gen-new-lines "$why"; fi

# `gen new` moves every date once (a strategy's 2022-06-30 to 2023-06-30, not 2024; a leap
# day to the 28th), every weekday it mentions, and academic years whole.
cp -r content/strategy-2022 "$w/content/"
mkdir -p "$w/content/leap"
printf -- '---\ntitle: Progress in 2023/24\ntemplate: plain\ndate: 2024-02-29\nyear: 2023\nmeeting-date: Tuesday 19 March 2024; Thursday 21 March 2024\nsubtitle: Academic year 2023-24, financial year 2024/25\n---\n# Body\n\nText naming 2023.\n' \
    >"$w/content/leap/index.md"
(cd "$w" && "$GEN" new strategy-2023 --from strategy-2022 && "$GEN" new leap-next --from leap) \
    >"$w/out2.txt" 2>&1
rc=$?
n=$w/content/leap-next/index.md
if [ $rc -eq 0 ] && grep -qx 'date: 2023-06-30' "$w/content/strategy-2023/index.md" &&
    grep -qx 'date: 2025-02-28' "$n" && grep -qx 'year: 2024' "$n" &&
    grep -qx 'title: Progress in 2024/25' "$n" &&
    grep -qx 'meeting-date: Wednesday 19 March 2025; Friday 21 March 2025' "$n" &&
    grep -qx 'subtitle: Academic year 2024-25, financial year 2025/26' "$n" &&
    grep -qxF '  content/leap-next/index.md:4: `2024-02-29` moves to the 28th: 2025 has no 29 February' \
    "$w/out2.txt" &&
    grep -qxF '  content/leap-next/index.md:11: the narrative names 2023; write it for 2024' \
    "$w/out2.txt"; then
	pass e2e/gen-new-dates
else
	fail e2e/gen-new-dates "exit $rc: $(grep -E 'date:|year:|title:|meeting|subtitle' "$n" | tr '\n' ' ')"
fi

# `gen new` refuses names outside content/ (exit 2), and a copy that fails (a file it cannot
# read, a link out of content/) leaves no folder, whole or half-made; what a `gen new` that
# was killed left is removed by the next.
mkdir -p "$w/content/big/data"
cp "$w/content/leap/index.md" "$w/content/big/"
truncate -s 70M "$w/content/big/data/big.csv"
ln -s /etc "$w/content/outside"
sleep 0 & wait $!
mkdir -p "$w/content/.gen-new-$!-stale" && touch "$w/content/.gen-new-$!-stale/index.md"
before=$(ls "$w/content" | grep -v '^big$')
why=
for from in '' . .. ../../x /etc a/b outside big; do
	(cd "$w" && "$GEN" new next --from "$from") >"$w/out3.txt" 2>&1
	rc=$?
	case $from in outside | big) want=1 ;; *) want=2 ;; esac
	[ $rc -eq $want ] || why="$why --from '$from' exit $rc, not $want;"
	[ ! -e "$w/content/next" ] || why="$why --from '$from' made content/next;"
	ls -A "$w/content" | grep -q '^\.gen-new-' && [ "$from" != '' ] &&
	    why="$why --from '$from' left $(ls -A "$w/content" | grep '^\.gen-new-');"
done
grep -qxF 'content/big/data/big.csv: error: cannot copy: the file is larger than 64 MB' "$w/out3.txt" ||
    why="$why $(head -1 "$w/out3.txt")"
(cd "$w" && "$GEN" new next --from '') 2>&1 | grep -qxF "gen: --from needs the name of the document to start from, a folder in content/ such as progress-2023" ||
    why="$why no message for --from ''"
(cd "$w" && "$GEN" new next --from progres-2023) 2>&1 | grep -qF '(did you mean `progress-2023`?)' ||
    why="$why no hint for a misspelt --from"
[ "$(ls "$w/content" | grep -v '^big$')" = "$before" ] || why="$why content/ changed"
rm -rf "$w/content/big" "$w/content/outside"
if [ -z "$why" ]; then pass e2e/gen-new-refused; else fail e2e/gen-new-refused "$why"; fi

# Names typed on the command line: a document and a row of it build every row once; one
# named twice, or with a trailing slash, is built once; a row that is not there builds nothing.
w=$TMP/names
mkdir -p "$w/content" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -s "$ROOT/fonts" "$w/fonts"
cp -r content/constituencies "$w/content/"
a=$(cd "$w" && "$GEN" jobs constituencies/bootle-constituency constituencies/ constituencies 2>&1)
b=$(cd "$w" && "$GEN" jobs constituencies/bootle-constituency constituencies/bootle-constituency 2>&1)
(cd "$w" && "$GEN" -p build constituencies/bootle-constituency constituencies/nosuch) \
    >"$w/out.txt" 2>&1
rc=$?
if [ "$a" = "$(cd "$w" && "$GEN" jobs constituencies)" ] && [ "$(echo "$a" | wc -l)" -eq 3 ] &&
    [ "$b" = constituencies/bootle-constituency ] && [ $rc -eq 2 ] && [ ! -e "$w/out/constituencies" ] &&
    grep -qxF 'gen: no output `constituencies/nosuch`: no row of content/constituencies/data/areas.csv makes it (`gen jobs constituencies` lists them)' "$w/out.txt"; then
	pass e2e/names
else
	fail e2e/names "exit $rc; $(echo "$a" | tr '\n' ' '); $b; $(head -2 "$w/out.txt")"
fi

# PDF/UA-1 and PDF/X-4 in one file, for every document of content/ (and its rows): what
# Matterhorn's machine checks and a printer's preflight look for, read with qpdf's JSON and
# poppler. ua_x_check NAME PDF reports one pass or the first failure.
ua_x_check() {
	local id=$1 pdf=$2 why=
	qpdf --json --json-key=qpdf "$pdf" >"$TMP/ux.json" 2>/dev/null
	# Object by object: TH with /Scope, Link annotations with /Contents, Notes with an /ID,
	# pages with TrimBox and BleedBox, and the output intent.
	why=$(awk '
	function done() {
		if (s == "/TH") { th++; if (scope) thscope++ }
		if (s == "/Note") { note++; if (id != "") ids[id]++ }
		if (s == "/Reference") ref++
		if (link) { links++; if (contents) linkc++ }
		if (page) { pages++; if (trim && bleed) boxed++ }
		if (oi && gts && dest) intent++
		s = ""; scope = link = contents = page = trim = bleed = oi = gts = dest = 0; id = ""
	}
	/^      "obj:/ { done() }
	/^          "\/S": / { s = $2; gsub(/[",]/, "", s) }
	/"\/Scope": "\/(Row|Column|Both)"/ { scope = 1 }
	/^          "\/ID": "/ { id = $2 }
	/"\/Subtype": "\/Link"/ { link = 1 }
	/^          "\/Contents": "u:./ { contents = 1 }
	/^          "\/Type": "\/Page",?$/ { page = 1 }
	/^          "\/TrimBox": / { trim = 1 }
	/^          "\/BleedBox": / { bleed = 1 }
	/"\/Type": "\/OutputIntent"/ { oi = 1 }
	/"\/S": "\/GTS_PDFX"/ { gts = 1 }
	/"\/DestOutputProfile": "[0-9]+ 0 R"/ { dest = 1 }
	END {
		done()
		for (i in ids) if (ids[i] > 1) dup = dup " " i
		if (th != thscope) print th - thscope " of " th " TH without /Scope"
		else if (links != linkc) print links - linkc " of " links " links without /Contents"
		else if (length(ids) != note || dup != "") print "Notes without a unique /ID:" dup
		else if (note != ref) print note " Notes but " ref " References"
		else if (pages == 0 || boxed != pages) print boxed " of " pages " pages with TrimBox and BleedBox"
		else if (intent != 1) print "no GTS_PDFX output intent with its profile"
	}' "$TMP/ux.json")
	# One H1, first, and no level skipped, in the structure tree's order.
	[ -z "$why" ] && why=$(pdfinfo -struct "$pdf" | awk '
	$1 ~ /^H[1-6]$/ { l = substr($1, 2) + 0; n++
		if (n == 1 && l != 1) { print "first heading H" l; exit }
		if (l == 1 && n > 1) { print "a second H1"; exit }
		if (l > last + 1) { print "H" last " then H" l; exit }
		last = l }
	END { if (n == 0) print "no headings" }')
	# The identifications, in the Info dictionary and the XMP.
	[ -z "$why" ] && ! pdfinfo "$pdf" | grep -q '^PDF subtype: *PDF/X-4$' &&
	    why="pdfinfo finds no PDF/X-4"
	[ -z "$why" ] && ! qpdf --show-object=trailer "$pdf" >/dev/null 2>&1 && why="qpdf"
	[ -z "$why" ] && ! pdfinfo -meta "$pdf" | grep -q '<pdfxid:GTS_PDFXVersion>PDF/X-4<' &&
	    why="the XMP has no pdfxid:GTS_PDFXVersion"
	[ -z "$why" ] && ! pdfinfo -meta "$pdf" | grep -q '<pdfuaid:part>1<' &&
	    why="the XMP has no pdfuaid:part"
	[ -z "$why" ] && ! grep -q '"/GTS_PDFXVersion": "u:PDF/X-4"' "$TMP/ux.json" &&
	    why="the Info dictionary has no GTS_PDFXVersion"
	[ -z "$why" ] && ! grep -q '"/Trapped": "/False"' "$TMP/ux.json" &&
	    why="the Info dictionary has no /Trapped /False"
	[ -z "$why" ] && pass "e2e/ua-x-$id" || fail "e2e/ua-x-$id" "$pdf: $why"
}
"$GEN" -p -o "$TMP/e2e-all" build 2>"$TMP/e2e-all.err"
rc=$?
if [ $rc -ne 0 ]; then
	fail e2e/ua-x-build "exit $rc: $(head -3 "$TMP/e2e-all.err")"
else
	for pdf in "$TMP"/e2e-all/*.pdf "$TMP"/e2e-all/*/*.pdf; do
		id=${pdf#"$TMP"/e2e-all/}
		ua_x_check "${id%.pdf}" "$pdf"
	done
	# The committee cover table heads its rows, the action plans their columns.
	pdfinfo -struct "$TMP/e2e-all/progress-2023.pdf" | grep -A1 '^      TH' | grep -q 'Scope /Row' &&
	    pdfinfo -struct "$TMP/e2e-all/strategy-2022.pdf" | grep -A1 '  TH' |
	    grep -q 'Scope /Column' && pass e2e/th-scope ||
	    fail e2e/th-scope "cover-block headers are not row headers, or tables' not column"
	# The caveat on every page of a report with illustrative figures is read once.
	n=$(pdfinfo -struct-text "$TMP/e2e-all/progress-2023.pdf" |
	    grep -c 'Some figures are illustrative')
	[ "$n" -eq 1 ] && pass e2e/caveat-once || fail e2e/caveat-once "tagged $n times"
fi

# With --marks: the page grows by the marks' room; TrimBox and BleedBox stay the page and
# its bleed; crop marks are drawn at each corner outside the BleedBox and inside the
# MediaBox, and the slug (document, date, page) below the bleed.
"$GEN" -p --marks -o "$TMP/e2e-marks" build progress-2023 2>"$TMP/marks.err"
rc=$?
mpdf=$TMP/e2e-marks/progress-2023.pdf
if [ $rc -ne 0 ] || [ ! -f "$mpdf" ]; then
	fail e2e/marks "exit: $(head -3 "$TMP/marks.err")"
else
	read -r mw mh <<<"$(pdfinfo -box -f 2 -l 2 "$mpdf" | awk '/MediaBox/ { print $6, $7 }')"
	read -r bx0 by0 bx1 by1 <<<"$(pdfinfo -box -f 2 -l 2 "$mpdf" | awk '/BleedBox/ { print $4, $5, $6, $7 }')"
	read -r tx0 ty0 tx1 ty1 <<<"$(pdfinfo -box -f 2 -l 2 "$mpdf" | awk '/TrimBox/ { print $4, $5, $6, $7 }')"
	pdftoppm -r 72 -gray -f 2 -l 2 "$mpdf" "$TMP/marks" 2>/dev/null
	pgm=$(ls "$TMP"/marks*.pgm | head -1)
	# Ink in each corner's strip outside the BleedBox, on the trim lines; none inside the
	# bleed beside them (the page is white there); the page 1 pt a pixel, y from the top.
	pw=$(sed -n 2p "$pgm" | cut -d' ' -f1)
	why=$(tail -c +$(($(head -3 "$pgm" | wc -c) + 1)) "$pgm" | od -An -tu1 -v |
	    awk -v w="$mw" -v h="$mh" -v pw="$pw" \
	    -v bx0="$bx0" -v by0="$by0" -v bx1="$bx1" -v by1="$by1" -v tx0="$tx0" -v ty0="$ty0" \
	    -v tx1="$tx1" -v ty1="$ty1" '
	{ for (i = 1; i <= NF; i++) px[n++] = $i }
	function at(x, y) { return px[int(y) * pw + int(x)] }
	function dark(x0, x1, y0, y1,   x, y, m) { m = 255
		for (y = y0; y <= y1; y++) for (x = x0; x <= x1; x++) if (at(x, y) < m) m = at(x, y)
		return m < 235 }
	END {
		# PDF y runs up; the picture down.
		top = h - ty1; bot = h - ty0
		if (!(bx0 > 6 && by0 > 6 && bx1 < w - 6 && by1 < h - 6)) print "no room beyond the BleedBox"
		else if (!dark(1, bx0 - 2, top - 1, top + 1)) print "no crop mark left of the top trim line"
		else if (!dark(bx1 + 2, w - 2, bot - 1, bot + 1)) print "no crop mark right of the bottom trim line"
		else if (!dark(tx0 - 1, tx0 + 1, 1, (h - by1) - 2)) print "no crop mark above the left trim line"
		else if (dark(bx0 + 1, tx0 - 2, top - 1, top + 1)) print "ink inside the bleed beside the marks"
	}')
	slug=$(pdftotext -f 2 -l 2 -bbox "$mpdf" - | awk -v lim="$(awk -v h="$mh" -v b="$by0" \
	    'BEGIN { print h - b }')" '/<word/ { split($0, a, "\""); t = $0
	    sub(/^[^>]*>/, "", t); sub(/<.*$/, "", t); if (a[4] > lim) s = s " " t }
	    END { print s }')
	if [ -n "$why" ]; then
		fail e2e/marks "$why"
	elif ! grep -q 'page 2 of' <<<"$slug" || ! grep -q '2024' <<<"$slug"; then
		fail e2e/marks "no slug below the bleed: '$slug'"
	else
		pass e2e/marks
	fi
fi

# <marks/> in a template does what --marks does: the MediaBox 12 mm beyond the BleedBox.
w=$TMP/marks-template
mkdir -p "$w/content/doc" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -sfn "$ROOT/fonts" "$w/fonts"
cat >"$w/templates/marked.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<template>
  <include file="brand.xml"/>
  <marks/>
</template>
EOF
printf -- '---\ntitle: Marked\ntemplate: marked\ndate: 2024-01-01\n---\n# One\n\nText.\n' \
    >"$w/content/doc/index.md"
(cd "$w" && "$GEN" -p build doc) >/dev/null 2>"$w/err"
rc=$?
room=$(pdfinfo -box -f 1 -l 1 "$w/out/doc.pdf" 2>/dev/null | awk '/MediaBox/ { m = $6 - $4 }
    /BleedBox/ { b = $6 - $4 } END { printf "%.0f", (m - b) / 2 * 25.4 / 72 }')
if [ $rc -eq 0 ] && [ ! -s "$w/err" ] && [ "$room" = 12 ]; then
	pass e2e/marks-template
else
	fail e2e/marks-template "exit $rc, ${room:-no} mm beyond the bleed: $(head -2 "$w/err")"
fi

# One component interface: the stages after Markdown (layout, render, the HTML writer, the
# tree and the command line) ask each component through its table and name none; no C file
# holds a document's wording (the panels' headline is the document's).
named=$(grep -nE 'comp_[a-z_]+|hundred_|chart_|tiles?_|N_PANELS|N_CHART|N_TILE|N_HUNDRED' \
    gen/layout/*.c gen/backend/*.c gen/tree/*.c gen/cmd/*.c |
    grep -vE '^[^:]*:[0-9]+:[[:space:]]*(/\*|\*)')
worded=$(grep -n 'had 100 children\|as they grow up' gen/*/*.c | grep -v '^[^:]*:[0-9]*:\s*/\?\*')
defined=$(grep -l '^const struct component comp_' gen/comp/comp_*.c | wc -l | tr -d ' ')
if [ -z "$named" ] && [ -z "$worded" ] && [ "$defined" -gt 0 ] &&
    [ "$(grep -c '^	&comp_' gen/comp/components.c)" -ge "$defined" ]; then
	pass e2e/component-interface
else
	fail e2e/component-interface "$(echo "$named $worded" | head -3)"
fi

# Builds side by side into one out/: every one of them succeeds (each file is written under a
# name of its own and renamed into place), and none leaves a temporary file.
w=$TMP/pairs
rel=$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")	# races, not memory: the quick build
bash tests/areas.sh "$w" 4
bad=
for i in 1 2 3 4 5; do
	(cd "$w" && exec timeout 300 "$rel" -j 2 build) 2>"$w/err-a" & a=$!
	(cd "$w" && exec timeout 300 "$rel" -j 1 build) 2>"$w/err-b" & b=$!
	wait $a || bad="$bad pair $i: $(head -2 "$w/err-a")"
	wait $b || bad="$bad pair $i: $(head -2 "$w/err-b")"
done
left=$(find "$w/out" -name '*.tmp')
if [ -z "$bad" ] && [ -z "$left" ] && [ "$(find "$w/out/doc" -name '*.png' | wc -l)" -gt 8 ]
then
	pass e2e/side-by-side
else
	fail e2e/side-by-side "${bad:-temporary files left: $left}"
fi

# kill -9 during a build on two processes: the workers end with their parent, and the next
# build removes the temporary files the dead one left. Sixty areas, so that the build is
# still running when it is killed.
bash tests/areas.sh "$w" 60
(cd "$w" && exec "$rel" -j 2 build) 2>/dev/null & a=$!
sleep 0.3
kids=$(pgrep -P $a)
kill -9 $a
wait $a 2>/dev/null
touch "$w/out/doc/.area-1.pdf.gen-0123456789ab.tmp"	# as a build killed mid-write leaves
for i in $(seq 20); do	# each ends on its own SIGTERM: within 10 s on a loaded machine
	alive=
	for k in $kids; do	# a zombie (dead, not yet reaped by whoever adopted it) has ended
		[ -r "/proc/$k/stat" ] && [ "$(awk '{ print $3 }' "/proc/$k/stat")" != Z ] &&
		    alive="$alive $k"
	done
	[ -z "$alive" ] && break
	sleep 0.5
done
(cd "$w" && exec timeout 300 "$rel" build) 2>"$w/err" || alive="$alive (rebuild failed)"
left=$(find "$w/out" -name '*.tmp')
if [ -z "$alive" ] && [ -z "$left" ] && [ -n "$kids" ]; then
	pass e2e/killed-build
else
	fail e2e/killed-build "workers ${kids:-none} alive:${alive:-no}; left: $left"
fi

# Out of memory under a limit, at -j 2: said as such, with exit 3 (it was exit 3 and no word:
# the message went to the memory file that holds a loading document's messages).
w=$TMP/oom
mkdir -p "$w/content/doc/data" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -sfn "$ROOT/fonts" "$w/fonts"
{ echo key,value; for i in $(seq 1 1000); do echo "k$i,value $i"; done; } \
    >"$w/content/doc/data/t.csv"
{ printf -- '---\ntitle: A test\ntemplate: plain\ndate: 2024-01-01\n---\n'
  printf '{{#each t}}{{#each t}}{{#each t}}%s {{ value }}{{/each}}{{/each}}{{/each}}\n' \
      "$(head -c 6000 /dev/zero | tr '\0' x)"; } >"$w/content/doc/index.md"
(cd "$w" && ulimit -v 250000 && exec "$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")" -j 2 build doc) \
    >/dev/null 2>"$w/err"
rc=$?
if { [ $rc -eq 3 ] && grep -qx 'gen: error: out of memory' "$w/err"; } ||
    { [ $rc -eq 1 ] && grep -q 'more than 64 MB' "$w/err"; }; then
	pass e2e/out-of-memory
else
	fail e2e/out-of-memory "exit $rc: $(head -2 "$w/err")"
fi
