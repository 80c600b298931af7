# SPDX-License-Identifier: GPL-3.0-or-later
# tests/preflight.sh: the page to read before publishing (out/DOC/preflight.html) and the
# accessibility statement (out/DOC/accessibility.html, .md). A document with one problem of
# each kind planted (an empty cell used, a text colour of weak contrast, a picture without
# alternative text, a picture under 300 ppi) has each on its page with its source line and a
# link the preview opens; a figure changed since `gen build --keep` is listed old and new
# with its CSV cell; a clean document has none and is ready; the statement of a clean
# document and of one with a known issue differ in their compliance status; both pages pass
# axe-core; the preview opens every source link at its line. Sourced by tests/run.sh (uses
# its GEN, TMP, ROOT, pass, fail and sanitized).

# pf_project DIR: a project of one document, content/doc, a figure from data and a picture.
pf_project() {
	rm -rf "$1"
	mkdir -p "$1/content/doc/data" "$1/templates"
	ln -s "$ROOT/fonts" "$1/fonts"
	printf 'name,value\nschools,102\npupils,40374\nabsent,7\n' >"$1/content/doc/data/figures.csv"
	cp tests/layout/features/chart.png "$1/content/doc/chart.png"
	printf -- '---\ntitle: Schools in Anytown\ntemplate: %s\ndate: 2024-03-01\nauthor: %s\n%b---\n' \
	    "${2:-plain}" 'Anytown Council' 'accessibility-contact: access@anytown.example\n' \
	    >"$1/content/doc/index.md"
	printf '# Summary\n\nThere are {{ figures.schools }} schools and {{ figures.pupils | thousands }} pupils.\n\n' \
	    >>"$1/content/doc/index.md"
	printf 'Pupils absent: {{ figures.absent }}.\n\n![%s](chart.png)\n' "${3-Attendance by term}" \
	    >>"$1/content/doc/index.md"
}
# pf_has FILE TEXT: FILE holds TEXT, as it is (its lines together).
pf_has() { [[ "$(cat "$1")" == *"$2"* ]]; }

# ---- one problem of each kind, each on the page at its source line ----
w=$TMP/preflight-planted
pf_project "$w" weak ''
sed -i 's/^absent,7$/absent,/' "$w/content/doc/data/figures.csv"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<template description="Pale text">\n  <page size="A4" margin="20mm"/>\n  <theme>\n    <style role="body" colour="#aaaaaa"/>\n  </theme>\n</template>\n' \
    >"$w/templates/weak.xml"
(cd "$w" && "$GEN" check --report doc) >"$w.out" 2>"$w.err"
rc=$?
p=$w/out/doc/preflight.html
want_out='doc: Not ready: the errors below must be put right first. Errors: 3. Warnings: 2.
  out/doc/preflight.html'
if [ $rc -ne 1 ] || ! sanitized "$w.err" || [ "$(cat "$w.out")" != "$want_out" ]; then
	fail preflight/planted "exit $rc: $(head -3 "$w.out" "$w.err")"
else
	missing=
	while IFS='|' read -r file line col text; do
		row="<a href=\"../../$file#L$line\">$file:$line:$col</a></td><td>$text</td></tr>"
		pf_has "$p" "$row" || missing="$missing; $file:$line:$col"
	done <<'EOF'
content/doc/data/figures.csv|4|2|this cell is empty, so the page says &quot;not published&quot; where it is used
templates/weak.xml|5|5|body text #aaaaaa on the page's white #ffffff has a contrast of 2.32:1; text needs 4.5:1
content/doc/index.md|14|1|picture `chart.png` has no alternative text: write what it shows in ![...] for readers who cannot see it
content/doc/index.md|14|1|picture `chart.png` (240 × 120 px) prints at 96 ppi; print needs 300 ppi, which it reaches at 20 × 10 mm or less
EOF
	if [ -n "$missing" ]; then
		fail preflight/planted "not on the page:$missing"$'\n'"$(grep -o '<td>[^<]*</td></tr>' "$p" | head -8)"
	elif ! pf_has "$p" '<p class="verdict bad"><strong>Not ready: the errors below must be put right first.</strong> Errors: 3. Warnings: 2.</p>' ||
	    ! pf_has "$p" '<tr><td>not published</td><td><a href="../../content/doc/data/figures.csv#L4">content/doc/data/figures.csv:4:2</a></td><td><a href="../../content/doc/index.md#L12">content/doc/index.md:12</a></td></tr>' ||
	    ! pf_has "$p" '<td>(none)</td></tr>'; then
		fail preflight/planted "no verdict, figure not published or picture without text"
	else
		pass preflight/planted
	fi
fi
# Every link to a file on the page opens that file where the page is: in out/, and with the
# outputs in a folder outside the project (-o) (gen preview makes them its own /source/ links).
# links_open PAGE: prints each link of PAGE that leads to no file.
links_open() {
	local dir u f
	dir=$(dirname "$1")
	grep -o 'href="[^"#]*' "$1" | cut -d'"' -f2 | sort -u | while read -r u; do
		case $u in http*|'') continue ;; esac
		f=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1]))' "$u")
		[ -f "$dir/$f" ] || echo "$u"
	done
}
o=$TMP/pf-elsewhere
(cd "$w" && "$GEN" -q check --report -o "$o" doc) >/dev/null 2>&1
n=$(grep -c 'href="\.\./' "$p")
broken=$(links_open "$p"; links_open "$o/doc/preflight.html")
if [ "$n" -ge 6 ] && [ -z "$broken" ] && grep -q 'href="\.\./\.\./[^"]*/content/doc/index.md#L12"' "$o/doc/preflight.html"; then
	pass preflight/links-open-the-files
else
	fail preflight/links-open-the-files "$n links, broken: $broken"
fi
# Each message is the one gen says on the terminal, word for word.
n=0
while read -r l; do
	m=${l#*: warning: }; m=${m#*: error: }
	m=$(sed 's/&/\&amp;/g; s/"/\&quot;/g; s/</\&lt;/g; s/>/\&gt;/g' <<<"$m")
	pf_has "$p" "<td>$m</td></tr>" && n=$((n + 1))
done <"$w.err"
[ "$n" -eq 5 ] && [ "$(wc -l <"$w.err")" -eq 5 ] && pass preflight/same-as-terminal ||
    fail preflight/same-as-terminal "$n of $(wc -l <"$w.err") messages on the page"

# --json: the same, for tools
(cd "$w" && "$GEN" check --json doc) >"$w.json" 2>/dev/null
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
assert d["verdict"] == "not-ready" and d["errors"] == 3 and d["warnings"] == 2, d
assert [x["level"] for x in f] == ["error"] * 3 + ["warning"] * 2, f
assert f[2] == {"level": "error", "file": "content/doc/index.md", "line": 14, "column": 1,
    "accessibility": True, "message": "picture `chart.png` has no alternative text: write "
    "what it shows in ![...] for readers who cannot see it"}, f[2]
assert not f[3]["accessibility"] and f[3]["file"] == "content/doc/data/figures.csv", f[3]
' "$w.json" 2>"$w.py"; then
	pass preflight/json
else
	fail preflight/json "$(tail -2 "$w.py")"
fi

# ---- a clean document: ready, nothing found, the statement fully compliant ----
c=$TMP/preflight-clean
pf_project "$c"
sed -i 's/^!\[Attendance by term\](chart.png)$/Attendance is good./' "$c/content/doc/index.md"
(cd "$c" && "$GEN" check --report doc) >"$c.out" 2>"$c.err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$c.err" ] &&
    [ "$(cat "$c.out")" = 'doc: Ready to publish. Errors: 0. Warnings: 0.
  out/doc/preflight.html' ] &&
    pf_has "$c/out/doc/preflight.html" '<p class="verdict ok"><strong>Ready to publish.</strong> Errors: 0. Warnings: 0.</p>' &&
    pf_has "$c/out/doc/preflight.html" '<h2>Errors and warnings</h2>
<p>gen found nothing to put right.</p>' &&
    ! grep -q 'class="kind-\|href="\.\./' "$c/out/doc/preflight.html"; then
	pass preflight/clean
else
	fail preflight/clean "exit $rc: $(head -3 "$c.out" "$c.err")"
fi

# ---- the statement: compliance status from the checks, never more ----
full='<h2>Compliance status</h2>
<p>The automated checks named below found no part of this document that fails the Web Content Accessibility Guidelines version 2.2 AA standard. It is fully compliant with that standard only once the team has made the manual checks below and said so here: until then, this status is a draft.</p>'
partial='<h2>Compliance status</h2>
<p>This document is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due to the non-compliances listed below.</p>'
k=$TMP/preflight-issue
pf_project "$k" plain ''
sed -i 's/^absent,7$/absent,/' "$k/content/doc/data/figures.csv"	# not an accessibility issue
(cd "$k" && "$GEN" --draft check --report doc) >"$k.out" 2>"$k.err"
rc=$?
s=$k/out/doc/accessibility.html
if [ $rc -eq 0 ] && pf_has "$c/out/doc/accessibility.html" "$full" &&
    pf_has "$c/out/doc/accessibility.html" '<p>The automated checks found no content that is not accessible.</p>' &&
    pf_has "$s" "$partial" && ! pf_has "$s" "$full" &&
    pf_has "$s" '<li>picture `chart.png` has no alternative text: write what it shows in ![...] for readers who cannot see it (content/doc/index.md:14:1)</li>' &&
    ! pf_has "$s" 'prints at 96 ppi' &&
    pf_has "$s" '<p>access@anytown.example</p>' &&
    pf_has "$s" '<p>This statement was prepared on 1 March 2024.</p>' &&
    pf_has "$k/out/doc/accessibility.md" '## Compliance status

This document is partially compliant' &&
    pf_has "$w/out/doc/accessibility.html" '<p>This document is not compliant with'; then
	pass preflight/statement
else
	fail preflight/statement "exit $rc: $(grep -A1 'Compliance status' "$s" "$c/out/doc/accessibility.html" | head -6)"
fi

# ---- what changed since the kept build: a figure, with its cell; kept byte for byte ----
b=$TMP/preflight-changes
pf_project "$b"
(cd "$b" && "$GEN" -q build --keep doc) >"$b.out" 2>"$b.err"
rc1=$?
cp -r "$b/out/.kept" "$b/kept1"
(cd "$b" && "$GEN" -q build --keep doc) >>"$b.out" 2>>"$b.err"
rc2=$?
kept_same=0
diff -r "$b/kept1" "$b/out/.kept" >/dev/null && cmp -s "$b/out/.kept/doc.txt" "$b/out/doc.txt" &&
    [ "$(ls -A "$b/out/.kept")" = 'doc.facts
doc.txt' ] && kept_same=1
unchanged=$(sed -n '/<h2>What changed/,/<h2>/p' "$b/out/doc/preflight.html")
sed -i 's/^schools,102$/schools,104/' "$b/content/doc/data/figures.csv"
sed -i 's/^# Summary$/# Summary\n\nA new paragraph./' "$b/content/doc/index.md"	# above the figures: their lines move
(cd "$b" && "$GEN" -q build doc) >>"$b.out" 2>>"$b.err"
rc3=$?
p=$b/out/doc/preflight.html
if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] || [ $rc3 -ne 0 ] || ! sanitized "$b.err"; then
	fail preflight/changes "exit $rc1 $rc2 $rc3: $(head -3 "$b.err")"
elif [ $kept_same -ne 1 ]; then
	fail preflight/changes "the kept text differs from one build to the next, or from out/doc.txt"
elif ! grep -q '<p>Nothing changed.</p>' <<<"$unchanged"; then
	fail preflight/changes "a build like the kept one says: $unchanged"
elif ! pf_has "$p" '<tr><td>Figure changed</td><td>102</td><td>104</td><td><a href="../../content/doc/data/figures.csv#L2">content/doc/data/figures.csv:2:2</a></td></tr>' ||
    ! pf_has "$p" '<tr><td>Paragraph added</td><td></td><td>A new paragraph.</td><td></td></tr>' ||
    [ "$(grep -c '<tr><td>\(Figure changed\|Paragraph\|Picture\|Pages\)' "$p")" -ne 2 ]; then
	fail preflight/changes "$(sed -n '/<h2>What changed/,/<h2>What gen/p' "$p" | head -12)"
else
	pass preflight/changes
fi
# A picture changed, and a page more.
cp tests/bad/picture-96ppi/content/doc/photo.png "$b/content/doc/chart.png"
(cd "$b" && "$GEN" -q build --keep doc && "$GEN" -q build --keep doc) >/dev/null 2>"$b.err2"
cp tests/layout/features/chart.png "$b/content/doc/chart.png"
{ printf '\n# More\n\n'; yes 'A line of words to fill a page or two of the document.' | head -300 |
  tr '\n' ' '; echo; } >>"$b/content/doc/index.md"
(cd "$b" && "$GEN" -q build doc) >/dev/null 2>>"$b.err2"
p=$b/out/doc/preflight.html
if pf_has "$p" '<tr><td>Picture changed</td><td>chart.png</td><td>chart.png</td><td></td></tr>' &&
    grep -q '<tr><td>Pages</td><td>1</td><td>[2-9]</td><td></td></tr>' "$p"; then
	pass preflight/changes-pictures-pages
else
	fail preflight/changes-pictures-pages "$(sed -n '/<h2>What changed/,/<h2>What gen/p' "$p" | head -12)"
fi

# A baseline of its own name: kept apart, compared with when named.
(cd "$b" && "$GEN" -q build --keep --baseline approved doc && sed -i 's/^pupils,40374$/pupils,40512/' \
    content/doc/data/figures.csv && "$GEN" check --report --baseline approved doc) >/dev/null 2>"$b.err3"
rc=$?
(cd "$b" && "$GEN" check --baseline ../x doc) >/dev/null 2>"$b.err4"
rc2=$?
if [ $rc -eq 0 ] && [ -f "$b/out/.kept/approved/doc.txt" ] &&
    pf_has "$p" '<tr><td>Figure changed</td><td>40,374</td><td>40,512</td><td><a href="../../content/doc/data/figures.csv#L3">content/doc/data/figures.csv:3:2</a></td></tr>' &&
    [ $rc2 -eq 2 ] && [ "$(head -1 "$b.err4")" = 'gen: --baseline wants a name of letters, digits and hyphens (up to 64), as `approved`, not `../x`' ]; then
	pass preflight/named-baseline
else
	fail preflight/named-baseline "exit $rc, $rc2: $(head -2 "$b.err3" "$b.err4")"
fi
sed -i 's/^pupils,40512$/pupils,40374/' "$b/content/doc/data/figures.csv"

# ---- every build writes them, the same bytes each time ----
(cd "$b" && "$GEN" -q build doc) >/dev/null 2>&1
cp "$p" "$b/pf1.html"
(cd "$b" && "$GEN" -q build doc) >/dev/null 2>&1
if cmp -s "$p" "$b/pf1.html" && [ -f "$b/out/doc/accessibility.md" ]; then
	pass preflight/deterministic
else
	fail preflight/deterministic "preflight.html differs between two builds"
fi

# ---- an indicator's figure changed in its CSV: named as a figure with its cell, wherever
# the report shows it (the phrase, the indicator table, the chart's description), though the
# words around it change too ("up 2" becomes "down 3"); a figure worked out from others is
# never given a cell it does not come from ----
r=$TMP/preflight-indicator
rm -rf "$r" && mkdir -p "$r/content" "$r/templates"
cp templates/*.xml templates/*.svg "$r/templates/"
ln -s "$ROOT/fonts" "$r/fonts"
cp -r content/progress-2023 content/strategy-2022 "$r/content/"
csv=content/progress-2023/data/indicators.csv
cell=$(grep -n '^gld,Sefton,2023,66,' "$r/$csv" | cut -d: -f1)
(cd "$r" && "$GEN" -q build --keep progress-2023) >/dev/null 2>"$r.err"
rc1=$?
sed -i "${cell}s/^gld,Sefton,2023,66,/gld,Sefton,2023,61,/" "$r/$csv"
(cd "$r" && "$GEN" -q build progress-2023) >/dev/null 2>>"$r.err"
rc2=$?
p=$r/out/progress-2023/preflight.html
ch=$(sed -n '/<h2>What changed/,/<h2>What gen/p' "$p")
fig="<tr><td>Figure changed</td><td>66%</td><td>61%</td><td><a href=\"../../$csv#L$cell\">$csv:$cell:4</a></td></tr>"
if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ] || ! sanitized "$r.err"; then
	fail preflight/indicator-changed "exit $rc1 $rc2: $(head -3 "$r.err")"
elif [ "$(grep -cF "$fig" <<<"$ch")" -ne 4 ] ||
    ! grep -q '<tr><td>Paragraph reworded</td><td>2.4 In 2023 .* was 66%, up 2.points on 2022 .*</td><td>2.4 In 2023 .* was 61%, down 3.points on 2022 and 6.points below England\.' <<<"$ch" ||
    ! grep -q '<tr><td>Paragraph reworded</td><td>Good level of development (end of reception) *2023 *66% *↑ +2 *67% *65% *Amber</td><td>Good level of development (end of reception) *2023 *61% *↓ −3 *67% *65% *Red</td><td></td></tr>' <<<"$ch" ||
    grep -q '<td>2</td><td>3</td><td><a' <<<"$ch" ||
    [ "$(grep -c '<tr><td>' <<<"$ch")" -ne 7 ]; then
	fail preflight/indicator-changed "$(sed 's/<a [^>]*>//g; s/<\/a>//g' <<<"$ch" | cut -c1-160 | head -14)"
else
	pass preflight/indicator-changed
fi
# The same figure no longer published: the change, the cell, and the chart's "not published"
# listed among the figures not given.
sed -i "${cell}s/^gld,Sefton,2023,61,/gld,Sefton,2023,,/" "$r/$csv"
(cd "$r" && "$GEN" -q build progress-2023) >/dev/null 2>"$r.err2"
ch=$(sed -n '/<h2>What changed/,/<h2>What gen/p' "$p")
marked=$(sed -n '/<h2>Figures marked/,/<h2>Pictures/p' "$p")
if ! grep -qF "<tr><td>Figure changed</td><td>66%</td><td>not published</td><td><a href=\"../../$csv#L$cell\">$csv:$cell:4</a></td></tr>" <<<"$ch" ||
    ! grep -qF "<a href=\"../../$csv#L$cell\">$cell:4</a>" <<<"$marked" ||
    ! grep -qF '<tr><td>not published</td><td><a href="../../content/progress-2023/data/indicators.csv#L62">content/progress-2023/data/indicators.csv:62:4</a>, <a href="../../content/progress-2023/data/indicators.csv#L63">63:4</a>' <<<"$marked"; then
	fail preflight/indicator-unpublished "$(sed 's/<a [^>]*>//g; s/<\/a>//g' <<<"$ch$marked" | cut -c1-200 | head -14)"
else
	pass preflight/indicator-unpublished
fi

# A comparator suppressed in another year's report: the table's "suppressed" and the chart's
# longer "suppressed to protect confidentiality" each named with the cell, the chart not
# reworded (the shorter word does not take the start of the longer).
cp -r content/progress-2019 "$r/content/"
csv=content/progress-2019/data/indicators.csv
cell=$(grep -n '^phonics,Sefton,2019,83,82,' "$r/$csv" | cut -d: -f1)
(cd "$r" && "$GEN" -q build --keep progress-2019) >/dev/null 2>&1
sed -i "${cell}s/^phonics,Sefton,2019,83,82,/phonics,Sefton,2019,83,[c],/" "$r/$csv"
(cd "$r" && "$GEN" -q build progress-2019) >/dev/null 2>"$r.err4"
ch=$(sed -n '/<h2>What changed/,/<h2>What gen/p' "$r/out/progress-2019/preflight.html")
at="<td><a href=\"../../$csv#L$cell\">$csv:$cell:5</a></td></tr>"
if grep -qF "<tr><td>Figure changed</td><td>82%</td><td>suppressed</td>$at" <<<"$ch" &&
    grep -qF "<tr><td>Figure changed</td><td>82%</td><td>suppressed to protect confidentiality</td>$at" <<<"$ch" &&
    ! grep -q '<tr><td>Paragraph reworded</td><td>\[Line chart' <<<"$ch"; then
	pass preflight/indicator-suppressed
else
	fail preflight/indicator-suppressed "$(sed 's/<a [^>]*>//g; s/<\/a>//g' <<<"$ch" | cut -c1-160 | head -10)"
fi

# ---- a build that stops at an error: the PDF and the twin stay the last good build's, and
# the preflight page (every row's, for a document built once per row) says it stopped, not
# ready; the next good build puts its own back ----
q=$TMP/preflight-stopped
pf_project "$q"
(cd "$q" && "$GEN" -q build doc) >/dev/null 2>&1
cp "$q/out/doc.pdf" "$q/good.pdf"
cp "$q/out/doc/index.html" "$q/good.html"
printf '\nAnd {{ figures.nosuch }}.\n' >>"$q/content/doc/index.md"
(cd "$q" && "$GEN" -q build doc) >/dev/null 2>"$q.err"
rc=$?
qp=$q/out/doc/preflight.html
stopped='<p>This build stopped at the errors below, so the document'
if [ $rc -ne 1 ] || ! cmp -s "$q/out/doc.pdf" "$q/good.pdf" || ! cmp -s "$q/out/doc/index.html" "$q/good.html" ||
    ! pf_has "$qp" '<p class="verdict bad"><strong>Not ready: the errors below must be put right first.</strong> Errors: 1.' ||
    ! pf_has "$qp" "$stopped" || ! pf_has "$qp" '<a href="../../content/doc/index.md#L16">content/doc/index.md:16:5</a>'; then
	fail preflight/stopped "exit $rc: $(grep -o '<p class="verdict[^\n]*' "$qp" | head -2) $(head -2 "$q.err")"
else
	sed -i '$d' "$q/content/doc/index.md"
	(cd "$q" && "$GEN" -q build doc) >/dev/null 2>&1
	if pf_has "$qp" '<p class="verdict warn"><strong>Ready to publish, with warnings' && ! pf_has "$qp" "$stopped"; then
		pass preflight/stopped
	else
		fail preflight/stopped "the good build after it did not put its page back"
	fi
fi
rm -rf "$r/content/strategy-2022" "$r/content/progress-2023"
cp -r content/constituencies "$r/content/"
(cd "$r" && "$GEN" -q build constituencies) >/dev/null 2>&1
# each panel's picture beside its alternative text, the file the build wrote beside the page
bp=$r/out/constituencies/bootle-constituency/preflight.html
if pf_has "$bp" '<tr><td><img src="poverty-1080.png" alt=""><br>will live in poverty<br>' &&
    [ -f "${bp%/*}/poverty-1080.png" ] && [ "$(grep -c '<img src="[a-z0-9-]*-1080.png" alt="">' "$bp")" -eq 9 ]; then
	pass preflight/panel-pictures
else
	fail preflight/panel-pictures "$(grep -o '<tr><td><img[^>]*>' "$bp" | head -3)"
fi
sed -i '2s/^\([^,]*\),[0-9]*,/\1,150,/' "$r/content/constituencies/data/areas.csv"
(cd "$r" && "$GEN" -q build constituencies) >/dev/null 2>"$r.err3"
rc=$?
n=0
for f in "$r"/out/constituencies/*/preflight.html; do pf_has "$f" "$stopped" && n=$((n + 1)); done
if [ $rc -eq 1 ] && [ $n -eq 3 ] && pf_has "$r/out/constituencies/preflight.html" "$stopped"; then
	pass preflight/stopped-rows
else
	fail preflight/stopped-rows "exit $rc, $n of 3 rows' pages say it stopped: $(head -2 "$r.err3")"
fi

# ---- both pages pass axe-core, at 1280 and 320 px ----
B=$ROOT/tests/browser
if [ ! -d "$B/node_modules/puppeteer-core" ] || [ ! -x /usr/bin/chromium ]; then
	fail preflight/axe "tests/browser/node_modules or chromium is missing (make test installs them)"
elif (cd "$B" && node axe.mjs "$w/out/doc/preflight.html" "$w/out/doc/accessibility.html" \
    "$c/out/doc/preflight.html" "$c/out/doc/accessibility.html" "$b/out/doc/preflight.html" \
    "$qp" "$p") \
    >"$w.axe" 2>&1; then
	pass preflight/axe
else
	fail preflight/axe "$(grep -v passed "$w.axe" | head -8)"
fi

# ---- the preview opens each source link of the page at its line (a draft, which builds
# with its picture's alternative text missing) ----
(cd "$k" && exec timeout 60 "$GEN" --draft preview doc --port 0) >"$w.pv" 2>"$w.pverr" </dev/null &
pvpid=$!
port=
for _ in $(seq 300); do
	port=$(grep -o '127\.0\.0\.1:[0-9]*' "$w.pv" | cut -d: -f2)
	[ -n "$port" ] && break
	kill -0 $pvpid 2>/dev/null || break
	sleep 0.2
done
bad=
n=0
if [ -n "$port" ]; then
	page=$(curl -s "http://127.0.0.1:$port/preflight.html")
	for u in $(grep -o 'href="/source/[^"]*"' <<<"$page" | sed 's/^href="//; s/"$//' | sort -u); do
		n=$((n + 1))
		curl -s "http://127.0.0.1:$port${u%%#*}" | grep -q "id=\"${u#*#}\"" || bad="$bad $u"
	done
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/source/content/doc/chart.png")" = 404 ] ||
	    bad="$bad chart.png"
	[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/source/..%2F..%2Fetc%2Fpasswd.csv")" = 404 ] ||
	    bad="$bad outside"
	curl -s "http://127.0.0.1:$port/accessibility.html" | grep -q '<h2>Compliance status</h2>' ||
	    bad="$bad accessibility.html"
fi
kill $pvpid 2>/dev/null
wait $pvpid 2>/dev/null
if [ -n "$port" ] && [ "$n" -eq 3 ] && [ -z "$bad" ]; then
	pass preflight/preview-links
else
	fail preflight/preview-links "port '$port', $n links, broken:$bad $(head -3 "$w.pverr")"
fi

# --report is for check, --keep for build
(cd "$c" && "$GEN" build --report doc) >/dev/null 2>"$c.u1"
rc1=$?
(cd "$c" && "$GEN" check --keep doc) >/dev/null 2>"$c.u2"
rc2=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] &&
    [ "$(head -1 "$c.u1")" = 'gen: --report and --json are for `gen check`, not `build`' ] &&
    [ "$(head -1 "$c.u2")" = 'gen: --keep is for `gen build`, not `check`' ]; then
	pass preflight/options
else
	fail preflight/options "exit $rc1 $rc2: $(head -1 "$c.u1" "$c.u2")"
fi
