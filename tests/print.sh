# SPDX-License-Identifier: GPL-3.0-or-later
# tests/print.sh: colour for the press. Text, rules and black in black ink alone (Ghostscript's
# ink coverage of a page of body text), the brand's colours in exactly their CMYK on pages and
# in the panels' forms, the output intent the template chooses (FOGRA39 unless it asks for
# SWOP), crop marks in black ink, an SVG picture's fills in the inks too. Sourced by
# tests/run.sh (uses its GEN, ROOT, TMP, pass and fail).

# press_project DIR [THEME-XML]: a project with the repository's templates and fonts, and a
# document of body text in the brand two pages long (running heads; paragraphs with emphasis,
# a quote with its bar, code on its tint, a rule between sections), in the template `press`:
# brand.xml without its running foot (the page number is in the accent, as links, bullets
# and table headings are) and THEME-XML in a <theme> of its own.
press_project() {
	local w=$1
	rm -rf "$w"
	mkdir -p "$w/content/doc" "$w/templates"
	cp templates/*.xml templates/*.svg "$w/templates/"
	ln -s "$ROOT/fonts" "$w/fonts"
	cat >"$w/templates/press.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<template>
  <include file="brand.xml"/>
  <footer/>
  <theme>${2:-}</theme>
</template>
EOF
	{
		printf -- '---\ntitle: Black ink\ntemplate: press\ndate: 2024-01-01\n---\n'
		printf '# Text\n\n'
		for i in $(seq 1 24); do
			printf 'Paragraph %s sets *body text* in **black ink alone**, ' "$i"
			printf 'as a press wants small type: one plate, nothing to register. '
			printf 'It runs on to fill the column, line after line of it.\n\n'
			[ "$i" = 20 ] && printf '> A quotation, with its bar.\n\n```\ncode on its tint\n```\n\n---\n\n'
		done
	} >"$w/content/doc/index.md"
}

# inkcov PDF PAGE: Ghostscript's ink coverage of one page, "C M Y K".
inkcov() {
	gs -q -o - -sDEVICE=inkcov -dFirstPage="$2" -dLastPage="$2" "$1" 2>/dev/null |
	    awk 'NF >= 4 { print $1, $2, $3, $4; exit }'
}

# A page of body text is black ink only: no cyan, magenta or yellow, and some black. The same
# page with its text in a colour given no CMYK is rich black, and the check says so.
w=$TMP/press
press_project "$w"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
pages=$(pdfinfo "$w/out/doc.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
read -r c m y k <<<"$(inkcov "$w/out/doc.pdf" 2)"
if [ $rc -ne 0 ] || [ -s "$w/err" ] || [ "${pages:-0}" -lt 2 ]; then
	fail print/black-ink "exit $rc, ${pages:-no} pages: $(head -3 "$w/err")"
elif [ -z "$k" ] || awk -v c="$c" -v m="$m" -v y="$y" -v k="$k" \
    'BEGIN { exit !(c > 0 || m > 0 || y > 0 || k == 0) }'; then
	fail print/black-ink "page 2's ink is C $c M $m Y $y K $k, not black alone"
else
	pass print/black-ink
fi
press_project "$w-rich" '<style role="body" colour="#1f2431"/>'
(cd "$w-rich" && "$GEN" build doc) >/dev/null 2>&1
read -r c m y k <<<"$(inkcov "$w-rich/out/doc.pdf" 2)"
if awk -v c="$c" -v m="$m" -v y="$y" 'BEGIN { exit !(c > 0 && m > 0 && y > 0) }'; then
	pass print/black-ink-planted
else
	fail print/black-ink-planted "text in an RGB colour with no CMYK gave C $c M $m Y $y K $k"
fi

# output_intent PDF: the output intent's identifier, registry, condition and profile name,
# then the class and colour space of its profile ("prtr CMYK"), one a line.
output_intent() {
	local prof
	qpdf --json --json-key=qpdf "$1" >"$TMP/oi.json" 2>/dev/null
	prof=$(awk '
	function value(line) { sub(/^[^:]*: "(u:)?/, "", line); sub(/",?$/, "", line); return line }
	/^      "obj:/ { if (gts) exit; id = reg = cond = info = dest = "" }
	/"\/OutputConditionIdentifier"/ { id = value($0) }
	/"\/RegistryName"/ { reg = value($0) }
	/"\/OutputCondition"/ { cond = value($0) }
	/"\/Info"/ { info = value($0) }
	/"\/DestOutputProfile"/ { dest = value($0) }
	/"\/S": "\/GTS_PDFX"/ { gts = 1 }
	END { if (gts) { print id; print reg; print cond; print info; print dest } }' "$TMP/oi.json")
	head -4 <<<"$prof"
	qpdf --show-object="$(tail -1 <<<"$prof" | cut -d' ' -f1)" --filtered-stream-data "$1" \
	    2>/dev/null | od -An -c -j 12 -N 8 | tr -d ' \n'
	echo
}
out=$(output_intent "$w/out/doc.pdf" | tr '\n' '|')
want="FOGRA39|http://www.color.org|Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM,"
want="$want paper type 1 or 2 = coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)"
if [ "$out" = "$want|Coated FOGRA39 (ISO 12647-2:2004)|prtrCMYK|" ]; then
	pass print/intent-fogra39
else
	fail print/intent-fogra39 "the output intent is $out"
fi
press_project "$w-swop" '<print intent="SWOP"/>'
(cd "$w-swop" && "$GEN" build doc) >/dev/null 2>"$w-swop/err"
out=$(output_intent "$w-swop/out/doc.pdf" | tr '\n' '|')
want="CGATS TR 001|http://www.color.org|SWOP (Publication) Grade 1 Paper|SWOP (Publication)"
if [ "$out" = "$want Grade 1 Paper, Artifex CMYK SWOP Profile|prtrCMYK|" ]; then
	pass print/intent-swop
else
	fail print/intent-swop "a theme asking for SWOP got $out $(head -2 "$w-swop/err")"
fi

# With crop marks, the page is still black ink alone: the marks and the slug are in black,
# not in RGB black (which a press separates into four inks). Two builds are byte-identical.
(cd "$w" && "$GEN" --marks -o out-marks build doc && "$GEN" --marks -o out-again build doc) \
    >/dev/null 2>"$w/err-marks"
qpdf --qdf --object-streams=disable "$w/out-marks/doc.pdf" "$TMP/marks.qdf.pdf" 2>/dev/null
read -r c m y k <<<"$(inkcov "$w/out-marks/doc.pdf" 2)"
if [ -s "$w/err-marks" ] || ! grep -aq '^0 0 0 1 K' "$TMP/marks.qdf.pdf" ||
    grep -aqE '(^| )(rg|RG)( |$)' "$TMP/marks.qdf.pdf"; then
	fail print/marks-black "crop marks not in black ink: $(head -2 "$w/err-marks")"
elif [ -z "$k" ] || awk -v c="$c" -v m="$m" -v y="$y" 'BEGIN { exit !(c > 0 || m > 0 || y > 0) }'
then
	fail print/marks-black "page 2 with its marks is C $c M $m Y $y K $k"
elif ! cmp -s "$w/out-marks/doc.pdf" "$w/out-again/doc.pdf"; then
	fail print/marks-black "two builds differ"
else
	pass print/marks-black
fi

# The brand's documents: every colour the brand gives for print is drawn in exactly its CMYK,
# on the pages and inside the forms that draw the panels' children, and no RGB colour is
# left; the accent is the brand's "94 65 0 19".
"$GEN" -p -o "$TMP/press-all" build strategy-2022 constituencies 2>"$TMP/press-all.err"
bad=
for pdf in "$TMP/press-all/strategy-2022.pdf" "$TMP"/press-all/constituencies/*.pdf; do
	qpdf --qdf --object-streams=disable "$pdf" "$TMP/brand.qdf.pdf" 2>/dev/null
	grep -aqE '(^| )(rg|RG)( |$)' "$TMP/brand.qdf.pdf" && bad="$bad ${pdf##*/}: RGB left;"
	grep -aq '0.94 0.65 0 0.19 k' "$TMP/brand.qdf.pdf" || bad="$bad ${pdf##*/}: no accent;"
done
forms=$(awk '/\/Subtype \/Form/ { form = 1 } /^endobj/ { form = 0 }
    form && /0\.94 0\.65 0 0\.19 k/ { n++ } END { print n + 0 }' "$TMP/brand.qdf.pdf")
if [ -s "$TMP/press-all.err" ] || [ -n "$bad" ] || [ "$forms" -eq 0 ]; then
	fail print/brand-inks "${bad:-no panel form in the accent in CMYK} $(head -2 "$TMP/press-all.err")"
else
	pass print/brand-inks
fi

# A picture's vector fills print as the theme's inks too: an SVG in the accent and the text
# colour is drawn in their CMYK, with no RGB left; a PNG stays an image in sRGB, which the
# printer converts.
w=$TMP/press-pictures
press_project "$w"
cat >"$w/content/doc/mark.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><rect width="100" height="100" fill="#1d4f91"/><circle cx="150" cy="50" r="40" fill="none" stroke="#1f2430" stroke-width="4"/></svg>
SVG
cp "$ROOT/tests/pages/panels.png" "$w/content/doc/photo.png"
printf '\n![A blue square beside a black ring](mark.svg "A mark")\n\n![A page of panels](photo.png "A picture")\n' \
    >>"$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
qpdf --qdf --object-streams=disable "$w/out/doc.pdf" "$TMP/pictures.qdf.pdf" 2>/dev/null
if ! grep -aq '0.94 0.65 0 0.19 k' "$TMP/pictures.qdf.pdf" ||
    ! grep -aq '^0 0 0 1 K' "$TMP/pictures.qdf.pdf" ||
    grep -aqE '(^| )(rg|RG)( |$)' "$TMP/pictures.qdf.pdf"; then
	fail print/picture-inks "the SVG's fills are not in the inks' CMYK: $(head -2 "$w/err")"
elif ! qpdf --json --json-key=qpdf "$w/out/doc.pdf" 2>/dev/null |
    grep -B12 '"/Subtype": "/Image"' | grep -q '"/ColorSpace": "[0-9]* 0 R"'; then
	fail print/picture-inks "the PNG is not in an ICC colour space"
else
	pass print/picture-inks
fi
