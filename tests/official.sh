# SPDX-License-Identifier: GPL-3.0-or-later
# tests/official.sh: published statistics as downloaded. The example document
# content/published-2023 is built with its EES file and its Fingertips export replaced by
# others of the same published shapes (tests/official/: more years, before the report's year
# and after it, more areas and regions, a new filter and a new indicator, Sex and deprivation
# breakdowns, suppressed values), with no other change: it must build without a word and show
# their figures. Sourced by tests/run.sh (uses its GEN, TMP, pass and fail).

w=$TMP/official
mkdir -p "$w/content"
cp -r content/published-2023 "$w/content/"
cp -r templates "$w/"
ln -s "$ROOT/fonts" "$w/fonts"
cp tests/official/ks4-la.csv tests/official/ks4-la.meta.csv tests/official/child-poverty.csv \
    "$w/content/published-2023/data/"
(cd "$w" && "$GEN" build published-2023) >"$w.out" 2>"$w.err"
rc=$?
pdftotext -q "$w/out/published-2023.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$w.txt"
pdftotext -q -layout "$w/out/published-2023.pdf" - 2>/dev/null >"$w.layout"
missing=
while IFS= read -r line; do
	grep -qF -- "$line" "$w.txt" || missing="$missing '$line'"
done <<'EOF'
The average Attainment 8 score was 44.9 (not published in 2021/22), and 1.4 points below England.
for a strong pass, grade 5 or above, it was suppressed to protect confidentiality for 2022/23.
was −0.15, down 0.03 on 2021/22 and 0.12 below England.
2017/18 2018/19 2019/20 2020/21 2021/22 2022/23
2014/15 2015/16 2016/17
was 21.3% (suppressed to protect confidentiality in 2021/22), and 1.2 points above England.
21.3% 2021/22 suppressed
63 will reach grade 4 or above in English and maths at 16
21 will grow up in a family on a relatively low income
EOF
if ! sanitized "$w.err"; then
	fail official/replaced-files "sanitizer: $(grep -m1 -E 'Sanitizer|runtime error' "$w.err")"
elif [ $rc -ne 0 ] || [ -s "$w.err" ]; then
	fail official/replaced-files "exit $rc: $(head -3 "$w.err")"
elif ! grep -qE '20\.1% +23\.4% +Worse' "$w.layout"; then	# a table's row, as set
	fail official/replaced-files "the poverty row does not end 20.1% 23.4% Worse"
elif [ -n "$missing" ]; then
	fail official/replaced-files "not in the PDF:$missing"
elif grep -q '2023/24' "$w.txt"; then
	fail official/replaced-files "a figure after the report's year, 2023/24, is on its pages"
else
	pass official/replaced-files
fi

# The example itself: its figures, each from the published files, and marked illustrative.
(cd "$w" && rm -rf content/published-2023 && cp -r "$ROOT/content/published-2023" content/ &&
    "$GEN" build published-2023) >"$w.out" 2>"$w.err"
rc=$?
pdftotext -q "$w/out/published-2023.pdf" - 2>/dev/null | tr -s ' \n' '  ' >"$w.txt"
pdftotext -q -layout "$w/out/published-2023.pdf" - 2>/dev/null >"$w.layout"
if [ $rc -eq 0 ] && [ ! -s "$w.err" ] &&
    grep -qF 'The average Attainment 8 score was 45.8, down 2.1 points on 2021/22 and 0.4 points below England.' "$w.txt" &&
    grep -qF 'was 18.9%, down 0.3 points on 2021/22 and 0.9 points below England.' "$w.txt" &&
    grep -qF '2022/23 18.9% ↓ −0.3' "$w.txt" && grep -qE '18\.9% +↓ −0\.3 +19\.8% +23\.0% +Better' "$w.layout" &&
    [ "$(grep -o 'Some figures are illustrative' "$w.txt" | wc -l)" -eq 5 ] &&
    grep -q '^illustrative: yes' content/published-2023/data/indicators.source; then
	pass official/example
else
	fail official/example "exit $rc: $(head -3 "$w.err")"
fi
