# SPDX-License-Identifier: GPL-3.0-or-later
# tests/html.sh: the HTML twins in a real browser. Every document of content/ is built; each PDF
# must have its HTML twin, every page must pass axe-core's WCAG 2.2 AA rules at 1280 and 320 px
# in Debian's headless Chromium without scrolling sideways, and the PDF's tagged words must be
# the HTML's, block by block; every page links to its PDF, every table region is named, and a
# pack's page leads back to the list of areas. Each check is also shown failing on a planted
# fault. Sourced by tests/run.sh (uses its GEN, TMP, pass and fail); the browser tools are
# tests/browser/.

B=$ROOT/tests/browser
w=$TMP/html
if [ ! -d "$B/node_modules/puppeteer-core" ] || [ ! -x /usr/bin/chromium ]; then
	fail html/setup "tests/browser/node_modules or chromium is missing (make test installs them)"
else
	"$GEN" -o "$w" build >/dev/null 2>"$w.err"
	rc=$?
	missing=
	for pdf in "$w"/*.pdf "$w"/*/*.pdf; do
		[ -f "$pdf" ] || continue
		[ -f "${pdf%.pdf}/index.html" ] || missing="$missing ${pdf#"$w"/}"
	done
	if [ $rc -eq 0 ] && [ -z "$missing" ] && [ -f "$w/strategy-2022/foreword.html" ]; then
		pass html/twins
	else
		fail html/twins "exit $rc; no HTML for:$missing $(head -3 "$w.err")"
	fi

	# WCAG 2.2 AA: every page, both widths
	find "$w" -name '*.html' -not -path '*/assets/*' | sort >"$w.pages"
	# every page says that no script may run
	nocsp=$(xargs -a "$w.pages" grep -L '<meta http-equiv="Content-Security-Policy" content="default-src .none.;')
	[ -z "$nocsp" ] && pass html/every-page-has-a-policy ||
	    fail html/every-page-has-a-policy "no Content-Security-Policy in: $(echo $nocsp | head -c 300)"
	if (cd "$B" && xargs -a "$w.pages" node axe.mjs) >"$w.axe" 2>&1; then
		pass html/axe
	else
		fail html/axe "$(grep -v passed "$w.axe" | head -8)"
	fi

	# the same words: each PDF beside its pages
	for pdf in "$w"/*.pdf "$w"/constituencies/bootle-constituency.pdf; do
		[ -f "$pdf" ] || continue
		name=${pdf#"$w"/}
		if (cd "$B" && node same-words.mjs "$pdf" "${pdf%.pdf}") >"$w.same" 2>&1; then
			pass "html/same-words/${name%.pdf}"
		else
			fail "html/same-words/${name%.pdf}" "$(head -6 "$w.same")"
		fi
	done

	# Publishing: each page links to its PDF with the file's size, and each table that
	# scrolls is a region named by its caption; a list of a document's rows (no PDF of its
	# own) links to pages that are there. A pack's page has the way back to the list, its
	# date and its source; the list names every area.
	args=()
	while read -r f; do
		# the preflight page and the statement are the team's, not the twin's pages
		case ${f##*/} in preflight.html | accessibility.html) continue ;; esac
		if [ "${f##*/}" = index.html ] && [ ! -f "${f%/index.html}.pdf" ]; then
			args+=(--list "$f")
		else
			args+=("$f")
		fi
	done <"$w.pages"
	pack=$w/constituencies/bootle-constituency/index.html
	areas=$(tail -n +2 content/constituencies/data/areas.csv | wc -l)
	if ! (cd "$B" && node publish.mjs "${args[@]}") >"$w.pub" 2>&1; then
		fail html/publish "$(head -5 "$w.pub")"
	elif ! grep -q '<nav class="crumbs"><ol><li><a href="../index.html">If Sefton’s' "$pack" ||
	    ! grep -q '<time datetime="2016-06-30">30 June 2016</time>' "$pack" ||
	    ! grep -q '>Source: Sefton Council, Education and Skills Strategy 2016' "$pack"; then
		fail html/publish "the pack's page lacks the way back, its date or its source"
	elif [ "$(grep -c '<li><a href="[a-z-]*/index.html">' "$w/constituencies/index.html")" \
	    -ne "$areas" ]; then
		fail html/publish "the list of areas does not name all $areas"
	else
		pass html/publish
	fi
	p2=$w/planted-publish
	mkdir -p "$p2"
	cp -r "$w/progress-2023" "$w/progress-2023.pdf" "$p2/"
	sed -i 's|<p class="download">.*</p>||; 0,/aria-labelledby="tcap-3"/s//aria-labelledby="tcap-4"/' \
	    "$p2/progress-2023/index.html"
	(cd "$B" && node publish.mjs "$p2/progress-2023/index.html") >"$w.pub2" 2>&1
	if grep -q '0 links to a PDF' "$w.pub2" && grep -q 'a table region is named' "$w.pub2"; then
		pass html/publish-can-fail
	else
		fail html/publish-can-fail "a page without its PDF's link, or a region misnamed, passed"
	fi

	# the checks can fail: a word changed in a page, and a picture without a name
	p=$w/planted
	mkdir -p "$p"
	cp -r "$w/progress-2023" "$p/"
	cp "$w/progress-2023.pdf" "$p/"
	sed -i '0,/Introduction\/Background/s//Introduction\/Backdrop/' \
	    "$p/progress-2023/index.html"
	if (cd "$B" && node same-words.mjs "$p/progress-2023.pdf" "$p/progress-2023") \
	    >"$w.same" 2>&1; then
		fail html/same-words-can-fail "a changed heading was not found"
	elif grep -q 'only in the HTML (block): Introduction/Backdrop' "$w.same"; then
		pass html/same-words-can-fail
	else
		fail html/same-words-can-fail "$(head -4 "$w.same")"
	fi
	sed -i '0,/<main id="main" tabindex="-1">/s//&<img src="assets\/gen.css">/' \
	    "$p/progress-2023/index.html"
	if (cd "$B" && node axe.mjs "$p/progress-2023/index.html") >"$w.axe2" 2>&1; then
		fail html/axe-can-fail "a picture without alternative text passed"
	elif grep -q 'image-alt' "$w.axe2"; then
		pass html/axe-can-fail
	else
		fail html/axe-can-fail "$(head -4 "$w.axe2")"
	fi
fi

# Safe to host: a document whose pictures are a PNG named with a space, #, ? and %, a JPEG, and
# an SVG holding a script, event attributes, a javascript: link and a picture from another
# site. The twin's copy of the SVG holds none of them; the page shows every picture, its
# stylesheet and its fonts under its Content-Security-Policy, and a script planted in it, or
# in the SVG opened by itself, does not run.
if [ -d "$B/node_modules/puppeteer-core" ]; then
	h=$TMP/hostile-html
	mkdir -p "$h/content/doc/pictures" "$h/templates"
	cp templates/*.xml templates/*.svg "$h/templates/"
	ln -s "$ROOT/fonts" "$h/fonts"
	cp tests/layout/features/chart.png "$h/content/doc/pictures/chart #1?v=2%.png"
	cp tests/layout/features/photo.jpg "$h/content/doc/pictures/"
	cat >"$h/content/doc/pictures/logo.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120"
  height="60" onload="window.__ran = 'onload'; alert(1)">
  <script>window.__ran = 'script'; alert(document.cookie)</script>
  <rect width="120" height="60" fill="#1d4f91" onclick="window.__ran = 'onclick'"/>
  <image href="https://example.org/tracker.png" width="10" height="10"/>
  <a xlink:href="javascript:window.__ran = 'link'"><circle cx="90" cy="30" r="20" fill="#fff"/></a>
</svg>
SVG
	cat >"$h/content/doc/index.md" <<'MD'
---
title: Pictures
template: plain
date: 2024-01-01
---
# Pictures

![A chart](<pictures/chart #1?v=2%.png>)

![A photograph](pictures/photo.jpg)

![A logo](pictures/logo.svg)
MD
	(cd "$h" && "$GEN" build doc) >/dev/null 2>"$h/err"
	rc=$?
	svg=$(ls "$h"/out/doc/assets/logo-*.svg 2>/dev/null | head -1)
	bad=$(grep -oiE '.{0,20}(script|onload|onclick|javascript|example\.org).{0,20}' "$svg" \
	    2>/dev/null | head -2)
	if [ $rc -ne 0 ] || [ -z "$svg" ]; then
		fail html/csp-build "exit $rc, no SVG copied: $(grep -v ppi "$h/err" | head -3)"
	elif [ -n "$bad" ]; then
		fail html/svg-sanitised "the copied SVG holds: $bad"
	else
		pass html/svg-sanitised
		planted='<script>window.__ran = "script"; alert(1)</script>'
		planted+="<img src=\"x\" onerror=\"window.__ran = 'onerror'\">"
		planted+="<svg onload=\"window.__ran = 'svg'\"></svg>"
		planted+="<a id=\"planted-link\" href=\"javascript:window.__ran = 'link'\">x</a>"
		awk -v p="$planted" '{ i = index($0, "<main id=\"main\" tabindex=\"-1\">")
		    if (i) $0 = $0 p; print }' "$h/out/doc/index.html" >"$h/out/doc/planted.html"
		(cd "$B" && node csp.mjs "$h/out/doc/index.html" "$h/out/doc/planted.html" "$svg") \
		    >"$TMP/csp.out" 2>&1
		while read -r word name rest; do
			case $word in
			PASS) pass "$name" ;;
			FAIL) fail "$name" "$rest" ;;
			esac
		done <"$TMP/csp.out"
		grep -q '^PASS html/csp-no-script-runs' "$TMP/csp.out" ||
		    fail html/csp-run "$(tail -5 "$TMP/csp.out")"
	fi
fi

# `gen preview` in the browser: it follows a save of a CSV, shows an error over the last good
# text and clears it, and answers nothing but its own address and files.
if [ -d "$B/node_modules/puppeteer-core" ]; then
	pv=$TMP/preview
	mkdir -p "$pv"
	cp -r content templates "$pv/"
	ln -s "$ROOT/fonts" "$pv/fonts"
	(cd "$B" && timeout 300 node preview.mjs "$pv" strategy-2022 key-figures.csv 40,374 \
	    41,234 "$GEN") >"$TMP/preview.out" 2>&1
	while read -r word name rest; do
		case $word in
		PASS) pass "$name" ;;
		FAIL) fail "$name" "$rest" ;;
		esac
	done <"$TMP/preview.out"
	grep -q '^PASS preview/serves-nothing-outside' "$TMP/preview.out" ||
	    fail preview/run "$(tail -5 "$TMP/preview.out")"
fi
