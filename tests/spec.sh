#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/spec.sh: every example of tests/commonmark/spec.txt builds to a PDF with no error and no
# sanitizer report, and the PDF's text holds the example's words. Run by tests/run.sh with GEN,
# ROOT, TMP and SPECSPLIT set; prints "FAIL spec/exNNNN: why" per failure, else one PASS line.
set -u
: "${GEN:?}" "${ROOT:?}" "${TMP:?}" "${SPECSPLIT:?}"
SAN='AddressSanitizer|UndefinedBehaviorSanitizer|runtime error|LeakSanitizer'
BATCH=100
HUNT_MAX=200	# gen runs spent splitting failing batches, at most
spec=$TMP/spec
out=$TMP/spec-out
text=$TMP/spec-text
mkdir -p "$TMP" "$out" "$text" || exit 1
if [ ! -x "$GEN" ]; then
	echo "FAIL spec: $GEN is not an executable"
	exit 1
fi

if ! "$SPECSPLIT" "$ROOT/tests/commonmark/spec.txt" "$spec" 2>"$TMP/specsplit.err"; then
	echo "FAIL spec: $(head -1 "$TMP/specsplit.err")"
	exit 1
fi
dirs=("$spec"/ex*)
count=$(cat "$spec/count")
if [ "${#dirs[@]}" -ne "$count" ]; then
	echo "FAIL spec: specsplit wrote ${#dirs[@]} folders for $count examples"
	exit 1
fi

declare -A failed=()
# fail ID REASON: reports an example once.
fail() {
	[ -n "${failed[$1]:-}" ] && return
	failed[$1]=1
	echo "FAIL spec/$1: $2"
}

# build ERR DIR...: runs gen on the folders, stderr to ERR; prints why it failed, if it did.
build() {
	local err=$1 rc
	shift
	"$GEN" -C "$ROOT" -o "$out" --draft build "$@" 2>"$err"
	rc=$?
	if grep -qE "$SAN" "$err"; then
		echo "sanitizer: $(grep -m1 -E "$SAN" "$err")"
	elif [ $rc -gt 128 ]; then
		echo "gen killed by signal $((rc - 128)): $(grep . "$err" | tail -1)" \
			"$(grep -m1 'error' "$err" | sed 's/^/(first error: /; s/$/)/')"
	elif [ $rc -ne 0 ]; then
		echo "gen exit $rc: $(grep -m1 'error' "$err" || grep -m1 . "$err")"
	fi
}

# fail_all WHY DIR...: reports the folders as one failure.
fail_all() {
	local why=$1 last
	shift
	last=${!#}
	fail "${1##*/}-${last##*/}" "$why"
	for dir in "$@"; do failed[${dir##*/}]=1; done
}

# hunt WHY DIR...: the folders fail together (WHY); splits them in halves down to the culprits.
hunts=0
hunt() {
	local why=$1 half wa wb
	shift
	if [ $# -eq 1 ]; then
		fail "${1##*/}" "$why"
		return
	elif [ $hunts -ge $HUNT_MAX ]; then
		fail_all "$why (too many failures to split further)" "$@"
		return
	fi
	half=$(($# / 2))
	hunts=$((hunts + 2))
	local a=("${@:1:half}") b=("${@:half+1}")
	wa=$(build "$TMP/spec-hunt.err" "${a[@]}")
	wb=$(build "$TMP/spec-hunt.err" "${b[@]}")
	[ -n "$wa" ] && hunt "$wa" "${a[@]}"
	[ -n "$wb" ] && hunt "$wb" "${b[@]}"
	[ -z "$wa$wb" ] && fail_all "fails only when built together: $why" "$@"
}

for ((i = 0; i < ${#dirs[@]}; i += BATCH)); do
	batch=("${dirs[@]:i:BATCH}")
	why=$(build "$TMP/spec-batch.err" "${batch[@]}")
	[ -n "$why" ] && hunt "$why" "${batch[@]}"
done

# Extract each PDF's text once, then check every example's words in one awk run.
ids=()
for dir in "${dirs[@]}"; do
	id=${dir##*/}
	[ -n "${failed[$id]:-}" ] && continue
	if [ ! -s "$out/$id.pdf" ]; then
		fail "$id" "no PDF at $out/$id.pdf"
	elif ! pdftotext -q "$out/$id.pdf" "$text/$id.txt"; then
		fail "$id" "pdftotext cannot read $id.pdf"
	else
		ids+=("$id")
	fi
done
checked=0
if [ ${#ids[@]} -gt 0 ]; then
	while read -r id reason; do
		if [ "$id" = "#checked" ]; then checked=$reason; else fail "$id" "$reason"; fi
	done < <(printf '%s\n' "${ids[@]}" | LC_ALL=C awk -v spec="$spec" -v text="$text" '
	{
		id = $1; t = ""; f = text "/" id ".txt"
		while ((getline line < f) > 0)
			t = t line
		close(f)
		gsub(/[[:space:]]+/, "", t)
		missing = 0; first = ""; f = spec "/" id "/words"
		while ((getline w < f) > 0) {
			gsub(/[[:space:]]+/, "", w)
			if (w != "" && index(t, w) == 0 && missing++ == 0)
				first = w
		}
		close(f)
		if (missing == 1)
			print id, "missing word \047" first "\047"
		else if (missing > 1)
			print id, "missing word \047" first "\047 and " missing - 1 " more"
	}
	END { print "#checked", NR }')
fi
if [ "$checked" -ne ${#ids[@]} ]; then
	echo "FAIL spec: the word check read $checked of ${#ids[@]} PDFs' text"
	failed[check]=1
fi

if [ ${#failed[@]} -gt 0 ]; then
	exit 1
fi
echo "PASS spec ($count examples)"
exit 0
