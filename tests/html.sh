# tests/html.sh: the HTML twins in a real browser. Every document of content/ is built; each PDF
# must have its HTML twin, every page must pass axe-core's WCAG 2.2 AA rules at 1280 and 320 px
# in Debian's headless Chromium without scrolling sideways, and the PDF's tagged words must be
# the HTML's, block by block. Each check is also shown failing on a planted fault. Sourced by
# tests/run.sh (uses its GEN, TMP, pass and fail); the browser tools are tests/browser/.

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
