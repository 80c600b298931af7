# SPDX-License-Identifier: GPL-3.0-or-later
# tests/pages.sh: one page of each kind, rendered at 40 dpi and compared with its reference in
# tests/pages/ under a tolerance (tests/pngdiff.c). After a deliberate change to how a page
# looks, `UPDATE=1 bash tests/run.sh` records them anew: look at each new PNG before
# committing it. Sourced by tests/run.sh (uses its TMP, GEN_RELEASE, pass and fail).

# name, document, the first page holding this text (empty: the first page)
pages='cover strategy-2022 -
contents strategy-2022 Contents
body strategy-2022 This strategy arrives at a time
key-figures strategy-2022 40,374
data-table strategy-2022 How we will make this happen
chart progress-2023 Good level of development
panels constituencies/bootle-constituency -
committee-cover progress-2023 -
divider strategy-2022 Our four priorities
outcome-grid strategy-2016 How this will be achieved
judgement-table inspection-2004 Section 1: grades awarded'
w=$TMP/ref-pages
mkdir -p "$w"
for doc in strategy-2022 strategy-2016 progress-2023 constituencies inspection-2004; do
	"${GEN_RELEASE:-gen/gen}" -q -p -o "$w" build $doc 2>>"$w/err"
done
while read -r name doc text; do
	pdf=$w/$doc.pdf
	page=1
	if [ "$text" != - ]; then
		n=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
		page=
		for ((i = 1; i <= ${n:-0}; i++)); do
			if pdftotext -q -f $i -l $i "$pdf" - | tr -s ' \n' '  ' | grep -qF "$text"
			then page=$i; break; fi
		done
	fi
	if [ -z "$page" ]; then
		fail "pages/$name" "no page of $doc holds '$text'"
		continue
	fi
	pdftoppm -q -r 40 -png -f "$page" -l "$page" -singlefile "$pdf" "$w/$name"
	if [ -n "${UPDATE:-}" ] || [ ! -f "tests/pages/$name.png" ]; then
		cp "$w/$name.png" "tests/pages/$name.png"
	fi
	if out=$(build/pngdiff "tests/pages/$name.png" "$w/$name.png"); then
		pass "pages/$name"
	else
		mkdir -p build/pages
		cp "$w/$name.png" "build/pages/$name.png"
		fail "pages/$name" "page $page of $doc: $out (it is in build/pages/$name.png)"
	fi
done <<<"$pages"
