# SPDX-License-Identifier: GPL-3.0-or-later
# tests/hundreds.sh: the hundred-children panels that tests/good/hundreds built, counted.
# Sourced by tests/run.sh after tests/good.sh (uses its TMP, pass and fail).

dir=$TMP/good/hundreds/out/doc/test-area
# A panel's SVG has each kind of child once, a <path> in <defs>, and a <use> of it a cell: the
# filled child's shape must be filled with the accent, and be used as many times as counted.
filled='<path id="child-counted" style="[^"]*fill:rgb(11.372549%,30.980392%,56.862745%)'
outline='<path id="child" style="[^"]*fill:rgb(100%,100%,100%);[^"]*stroke:rgb('
# png_size FILE: "WIDTHxHEIGHT" from the PNG's header.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }'; }
# png_dpi FILE: the resolution its pHYs chunk records, in dots per inch.
png_dpi() {
	od -An -tu1 -v "$1" | tr -s ' \n' '  ' | awk '{ for (i = 1; i < NF - 8; i++)
	    if ($i == 112 && $(i+1) == 72 && $(i+2) == 89 && $(i+3) == 115) {
		print int(($(i+4) * 16777216 + $(i+5) * 65536 + $(i+6) * 256 + $(i+7)) * 0.0254 + 0.5)
		exit } }'
}
if [ -d "$dir" ]; then
	for kv in none:0 one:1 many:29 almost:99 all:100 half:29; do
		key=${kv%%:*} want=${kv#*:}
		got=$(grep -c '^<use xlink:href="#child-counted" ' "$dir/$key.svg")
		all=$(grep -c '^<use xlink:href="#child\(-counted\)\?" ' "$dir/$key.svg")
		if [ "$got" = "$want" ] && [ "$all" = 100 ] && grep -q "$filled" "$dir/$key.svg" &&
		    grep -q "$outline" "$dir/$key.svg"; then pass "hundreds/count-$key"
		else fail "hundreds/count-$key" "$got of $all children filled in $key.svg, not $want"; fi
	done
	# Well-formed XML, and every <use> names a shape the file defines.
	bad=
	for f in "$dir"/*.svg; do
		xmllint --noout "$f" 2>/dev/null || bad="$bad $(basename "$f")"
		for id in $(grep -o 'xlink:href="#[^"]*"' "$f" | sort -u | sed 's/.*#//; s/"$//'); do
			grep -q " id=\"$id\"" "$f" || bad="$bad $(basename "$f")#$id"
		done
	done
	if [ -z "$bad" ]; then pass hundreds/svg-valid
	else fail hundreds/svg-valid "not well-formed or naming a missing shape:$bad"; fi
	if grep -q '<title>If Test Area had 100 children (0–18 yrs), as they grow up…</title>' \
	    "$dir/many.svg" &&
	    grep -q '<desc>29 in every 100 children in Test Area will have many</desc>' \
	    "$dir/many.svg" &&
	    grep -q 'role="img" lang="en-GB" xml:lang="en-GB" aria-label="29 in every 100' \
	    "$dir/many.svg"
	then
		pass hundreds/svg-text
	else
		fail hundreds/svg-text "many.svg lacks its title, description or ARIA label"
	fi
	# The two PNGs are one image at two resolutions: the same size, the same pixel data, and
	# each pHYs chunk with its right checksum (gzip's CRC-32 is PNG's).
	phys=$(grep -obUa pHYs "$dir/many.png" | head -1 | cut -d: -f1)
	phys_crc_ok() {
		[ "$(od -An -tx1 -j$((phys + 13)) -N4 "$1" | tr -d ' \n')" = "$(dd if="$1" bs=1 \
		    skip="$phys" count=13 2>/dev/null | gzip -c | tail -c8 | head -c4 |
		    od -An -tx1 | awk '{ print $4 $3 $2 $1 }')" ]
	}
	if [ -n "$phys" ] && [ "$(png_size "$dir/many.png")" = 1080x1080 ] &&
	    [ "$(png_dpi "$dir/many.png")" = 300 ] &&
	    [ "$(png_size "$dir/many-1080.png")" = 1080x1080 ] &&
	    [ "$(png_dpi "$dir/many-1080.png")" = 144 ] &&
	    phys_crc_ok "$dir/many.png" && phys_crc_ok "$dir/many-1080.png" &&
	    cmp -s <(tail -c +$((phys + 18)) "$dir/many.png") \
	    <(tail -c +$((phys + 18)) "$dir/many-1080.png"); then
		pass hundreds/png-sizes
	else
		fail hundreds/png-sizes "$(png_size "$dir/many.png") at $(png_dpi "$dir/many.png") dpi" \
		    "and $(png_size "$dir/many-1080.png")"
	fi
	# Each file carries its alternative text: the PNGs in an iTXt Description chunk (with
	# an sRGB chunk for their colours), the SVG with its language and its words as text;
	# and the pack has one file of them, a line a panel.
	if grep -aq 'iTXtDescription...en-GB..29 in every 100 children in Test Area will have many' \
	    "$dir/many.png" && grep -aq 'sRGB' "$dir/many.png" &&
	    grep -aq 'iTXtDescription' "$dir/many-1080.png" &&
	    grep -q '<svg role="img" lang="en-GB"' "$dir/many.svg" &&
	    grep -q '<text [^>]*fill-opacity="0">will have many</text>' "$dir/many.svg" &&
	    grep -qP '^many-1080\.png\t29 in every 100 children in Test Area will have many$' \
	    "$dir/alt-text.txt" && [ "$(wc -l <"$dir/alt-text.txt")" -eq 6 ]; then
		pass hundreds/alt-files
	else
		fail hundreds/alt-files "the panels' files lack their alternative text"
	fi
	qpdf --qdf --object-streams=disable "$TMP/good/hundreds/out/doc/test-area.pdf" \
	    "$TMP/hundreds.qdf" 2>/dev/null
	if grep -aq '/Alt (29 in every 100 children in Test Area will have many)' \
	    "$TMP/hundreds.qdf" && [ "$(grep -ac '/Alt (' "$TMP/hundreds.qdf")" -eq 6 ]; then
		pass hundreds/alt
	else
		fail hundreds/alt "the panels' /Alt texts are missing from the PDF"
	fi
else
	fail hundreds/built "tests/good/hundreds made no panels"
fi

# An area whose name is far too long for a panel's title: a warning at its cell, the file
# name cut at a word to 80 characters, the pack built.
w=$TMP/long-name
bash tests/areas.sh "$w" 2
long="Area of$(printf ' Very%.0s' $(seq 60)) Long Name"
sed -i "2s/^[^,]*/$long/" "$w/content/doc/data/areas.csv"
(cd "$w" && exec "$GEN" -p build doc) >/dev/null 2>"$w/err"
rc=$?
slug=area-of$(printf -- '-very%.0s' $(seq 14))
if [ $rc -eq 0 ] && [ "$(cat "$w/err")" = "content/doc/data/areas.csv:2:1: warning: the area's \
name is 317 characters long; a panel's title holds about 60 well, so its children are drawn \
smaller" ] && [ -f "$w/out/doc/$slug.pdf" ] && [ ${#slug} -le 80 ]; then
	pass hundreds/long-name
else
	fail hundreds/long-name "exit $rc: $(head -2 "$w/err"); $(ls "$w/out/doc" 2>&1 | head -2)"
fi
