# SPDX-License-Identifier: GPL-3.0-or-later
# tests/output.sh: a document's outputs are replaced whole or not at all. Pages and pictures
# a build did not make are gone; names are unique (pictures by their content, chapters never
# index.html); a full disk, SIGTERM or kill -9 at any moment leaves each PDF with its own
# folder; a link in out/ is replaced, never followed; out of memory is said, never a crash.
# Sourced by tests/run.sh (uses its GEN, GEN_RELEASE, TMP, pass and fail).

rel=$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")	# for timing and address-space limits

# project DIR: an empty project with the repository's templates and fonts.
project() {
	rm -rf "$1"
	mkdir -p "$1/content/doc" "$1/templates"
	cp templates/*.xml templates/*.svg "$1/templates/"
	ln -s "$ROOT/fonts" "$1/fonts"
}

# temps DIR: the temporary files and folders a build left in DIR.
temps() { find "$1" -name '.*.gen-*' 2>/dev/null; }

# ---- renamed chapters leave no page; "Index" is never index.html; long names (a heading's,
# a picture's) are cut ----
w=$TMP/out-chapters
project "$w"
long=$(printf 'Word%02d ' $(seq 1 60))
picture=$(printf 'p%.0s' $(seq 1 240)).png	# a name of 244 bytes
cp tests/layout/features/chart.png "$w/content/doc/$picture"
{ printf -- '---\ntitle: Chapters\ntemplate: strategy\ndate: 2024-01-01\n---\n'
  printf '# Foreword\n\nSee [the index](#index).\n\n![A chart](%s)\n\n' "$picture"
  printf '# Index\n\nAn index.\n\n'
  printf '# Old name\n\nText.\n\n# %s\n\nA long heading.\n' "$long"; } >"$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err1"
rc1=$?
sed -i 's/^# Old name$/# New name/' "$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err2"
rc2=$?
pages=$(cd "$w/out/doc" && ls -A | grep -v '^assets$' | tr '\n' ' ')
longest=$(cd "$w/out/doc" && ls | awk '{ if (length($0) > m) m = length($0) } END { print m }')
links=$(grep -o '<li><a href="[^"]*"' "$w/out/doc/index.html" | sed 's/.*href="//; s/"$//')
broken=
for l in $links; do [ -f "$w/out/doc/$(printf '%b' "${l//%/\\x}")" ] || broken="$broken $l"; done
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -f "$w/out/doc/new-name.html" ] &&
    [ ! -e "$w/out/doc/old-name.html" ] && grep -q '<nav class="contents"' "$w/out/doc/index.html" &&
    grep -q 'An index' "$w/out/doc/index-2.html" &&
    grep -q 'href="index-2.html#index"' "$w/out/doc/foreword.html" &&
    [ "$longest" -le 110 ] && [ -z "$broken" ] && [ -z "$(temps "$w/out")" ] &&
    cmp -s "$w/content/doc/$picture" "$w/out/doc/assets/$(printf 'p%.0s' $(seq 1 40))-"*.png; then
	pass output/renamed-chapters
else
	fail output/renamed-chapters "exit $rc1, $rc2; pages: $pages; longest $longest;" \
	    "broken links:$broken; $(head -2 "$w/err2")"
fi

# ---- pictures of the same name in different folders of a per-row document, each shown ----
w=$TMP/out-pictures
project "$w"
mkdir -p "$w/content/doc/data" "$w/content/doc/north" "$w/content/doc/south"
cp tests/layout/features/chart.png "$w/content/doc/north/map.png"
cp tests/pages/chart.png "$w/content/doc/south/map.png"
printf 'area,dir\nNorth,north\nSouth,south\nWest,south\nAssets,north\n' >"$w/content/doc/data/areas.csv"
cat >"$w/templates/rows.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<template>
  <include file="brand.xml"/>
  <per-row table="areas" name="area"/>
</template>
EOF
printf -- '---\ntitle: Area {{ row.area }}\ntemplate: rows\ndate: 2024-01-01\n---\n# Map\n\n%s\n' \
    '![The map of {{ row.area }}]({{ row.dir }}/map.png)' >"$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
same() {	# same ROW SOURCE: the row's page shows the picture SOURCE
	local src
	src=$(grep -o 'src="../assets/[^"]*"' "$w/out/doc/$1/index.html" | sed 's/src="..\///; s/"$//')
	[ -n "$src" ] && cmp -s "$w/out/doc/$src" "$w/content/doc/$2"
}
# (a row called Assets is written as assets-2, beside the rows' pictures in assets/)
if [ $rc -eq 0 ] && same north north/map.png && same south south/map.png &&
    same west south/map.png && same assets-2 north/map.png &&
    [ "$(ls "$w/out/doc/assets" | grep -c '^map-')" -eq 2 ]; then
	pass output/pictures-named-by-content
else
	fail output/pictures-named-by-content "exit $rc; assets: $(ls "$w/out/doc/assets" | tr '\n' ' ')"
fi

# ---- rows no longer in the data, and pictures no row shows, are removed by a whole build;
# a shard or a named row removes nothing ----
printf 'area,dir\nNorth,north\nEast,north\n' >"$w/content/doc/data/areas.csv"
(cd "$w" && "$GEN" --shard 1/1 build doc) >/dev/null 2>&1
(cd "$w" && "$GEN" build doc/east) >/dev/null 2>&1
kept=$(ls "$w/out/doc" | tr '\n' ' ')
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
left=$(ls "$w/out/doc" | tr '\n' ' ')
# (index.html, the list of the rows, stays, listing the rows there are; each row's text goes
# with its PDF)
if [ $rc -eq 0 ] && [ "$kept" = "assets assets-2 assets-2.pdf assets-2.txt east east.pdf east.txt index.html north north.pdf north.txt south south.pdf south.txt west west.pdf west.txt " ] &&
    [ "$left" = "assets east east.pdf east.txt index.html north north.pdf north.txt " ] &&
    [ "$(grep -o 'href="[a-z-]*/index.html"' "$w/out/doc/index.html" | tr '\n' ' ')" = \
    'href="north/index.html" href="east/index.html" ' ] &&
    [ "$(ls "$w/out/doc/assets" | grep -c '^map-')" -eq 1 ] && same east north/map.png; then
	pass output/rows-removed
else
	fail output/rows-removed "exit $rc; after a shard and a row: $kept; after the whole: $left"
fi

# ---- a full disk in the twin: the PDF is written, the fonts are not; nothing changes ----
w=$TMP/out-full
project "$w"
printf -- '---\ntitle: Full\ntemplate: plain\ndate: 2024-01-01\n---\n# One\n\nText.\n' \
    >"$w/content/doc/index.md"
mkdir -p "$w/out/doc"
printf 'the previous PDF\n' >"$w/out/doc.pdf"
printf 'the previous page\n' >"$w/out/doc/index.html"
(cd "$w" && ulimit -f 200 && trap '' XFSZ && exec "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
if [ $rc -eq 3 ] && grep -q 'cannot write: File too large' "$w/err" &&
    [ "$(cat "$w/out/doc.pdf")" = 'the previous PDF' ] &&
    [ "$(ls -A "$w/out/doc")" = index.html ] &&
    [ "$(cat "$w/out/doc/index.html")" = 'the previous page' ] && [ -z "$(temps "$w/out")" ]; then
	pass output/full-disk-in-the-twin
else
	fail output/full-disk-in-the-twin "exit $rc; out/: $(ls -A "$w/out" "$w/out/doc" | tr '\n' ' ');" \
	    "$(head -2 "$w/err")"
fi

# ---- --pdf-only leaves the folder, --html-only the PDF ----
(cd "$w" && "$GEN" build doc) >/dev/null 2>&1
cp -r "$w/out" "$w/before"
sed -i 's/^Text\.$/Other text./' "$w/content/doc/index.md"
(cd "$w" && "$GEN" --pdf-only build doc) >/dev/null 2>&1
pdfonly=$(diff -r "$w/before/doc" "$w/out/doc" >/dev/null && ! cmp -s "$w/before/doc.pdf" \
    "$w/out/doc.pdf" && echo ok)
cp "$w/out/doc.pdf" "$w/pdf"
(cd "$w" && "$GEN" --html-only build doc) >/dev/null 2>&1
if [ "$pdfonly" = ok ] && cmp -s "$w/pdf" "$w/out/doc.pdf" &&
    grep -q 'Other text' "$w/out/doc/index.html"; then
	pass output/pdf-only-html-only
else
	fail output/pdf-only-html-only "--pdf-only changed the folder, or --html-only the PDF"
fi

# ---- the text is one of the job's files: when the job cannot be put in place after the text
# was made (a folder where its PDF goes), the previous text stays, byte for byte ----
w=$TMP/out-text
project "$w"
printf -- '---\ntitle: Text\ntemplate: plain\ndate: 2024-01-01\n---\n# One\n\nText.\n' \
    >"$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>&1
cp "$w/out/doc.txt" "$w/before.txt"
rm "$w/out/doc.pdf"
mkdir -p "$w/out/doc.pdf/in-the-way"
sed -i 's/^Text\.$/Other text./' "$w/content/doc/index.md"
(cd "$w" && "$GEN" build doc) >/dev/null 2>"$w/err"
rc=$?
if [ $rc -eq 3 ] && grep -q "out/doc.pdf: .*cannot write" "$w/err" &&
    cmp -s "$w/before.txt" "$w/out/doc.txt" && ! grep -q 'Other text' "$w/out/doc/index.html" &&
    [ -z "$(temps "$w/out")" ]; then
	pass output/text-with-its-job
else
	fail output/text-with-its-job "exit $rc; text: $(head -c 200 "$w/out/doc.txt"); $(head -2 "$w/err")"
fi

# ---- links in out/: out/doc, and a per-row document's shared assets/, link outside; the
# build replaces the links and writes nothing outside ----
w=$TMP/out-links
project "$w"
mkdir -p "$w/outside/assets" "$w/content/rows/data"
printf 'not to be changed\n' >"$w/outside/victim"
printf 'not to be changed\n' >"$w/outside/assets/gen.css"
printf -- '---\ntitle: Linked\ntemplate: plain\ndate: 2024-01-01\n---\n# One\n\nText.\n' \
    >"$w/content/doc/index.md"
cp "$TMP/out-pictures/templates/rows.xml" "$w/templates/"
printf 'area,dir\nNorth,north\n' >"$w/content/rows/data/areas.csv"
printf -- '---\ntitle: Area {{ row.area }}\ntemplate: rows\ndate: 2024-01-01\n---\n# Text\n\nWords.\n' \
    >"$w/content/rows/index.md"
mkdir -p "$w/out/rows"
ln -s "$w/outside" "$w/out/doc"
ln -s "$w/outside/assets" "$w/out/rows/assets"
(cd "$w" && "$GEN" build) >/dev/null 2>"$w/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(ls "$w/outside" | tr '\n' ' ')" = 'assets victim ' ] &&
    [ "$(ls "$w/outside/assets")" = gen.css ] &&
    [ "$(cat "$w/outside/victim" "$w/outside/assets/gen.css")" = \
      "$(printf 'not to be changed\nnot to be changed')" ] &&
    [ ! -L "$w/out/doc" ] && [ -f "$w/out/doc/index.html" ] && [ ! -L "$w/out/rows/assets" ] &&
    [ -f "$w/out/rows/assets/gen.css" ]; then
	pass output/links-in-out-replaced
else
	fail output/links-in-out-replaced "exit $rc; outside: $(ls -R "$w/outside" | tr '\n' ' ');" \
	    "$(head -2 "$w/err")"
fi

# ---- SIGTERM and kill -9 at any moment of a pack's build: each row's PDF and folder are
# both the old or both the new, and the next build leaves no temporary file ----
w=$TMP/out-signals
bash tests/areas.sh "$w" 40
(cd "$w" && "$rel" -q build doc) 2>/dev/null
# mixed: the rows whose PDF's title and page's title are not the same version
mixed() {
	local bad= r
	for r in "$w"/out/doc/*.pdf; do
		r=${r%.pdf}
		[ "$(pdfinfo "$r.pdf" 2>/dev/null | grep -c '^Title: *Version B')" = \
		  "$(grep -c '<title>Version B' "$r/index.html" 2>/dev/null)" ] ||
		    bad="$bad ${r##*/}"
	done
	echo "$bad"
}
sed -i 's/^title: /title: Version A: /' "$w/content/doc/index.md"
(cd "$w" && "$rel" -q build doc) 2>/dev/null
bad=
version=A
for t in 0.3 0.6 0.9 1.2 1.5 0.4 0.8; do
	next=$([ $version = A ] && echo B || echo A)
	sed -i "s/^title: Version $version: /title: Version $next: /" "$w/content/doc/index.md"
	version=$next
	(cd "$w" && exec "$rel" -q -j 2 build doc) 2>/dev/null & pid=$!
	sleep "$t"
	kill -TERM $pid 2>/dev/null
	wait $pid
	m=$(mixed)
	[ -n "$m" ] && bad="$bad SIGTERM at $t s:$m;"
	[ -n "$(temps "$w/out")" ] && bad="$bad SIGTERM at $t s left $(temps "$w/out" | head -2);"
done
for t in 0.3 0.7 1.1 0.5 0.9; do
	next=$([ $version = A ] && echo B || echo A)
	sed -i "s/^title: Version $version: /title: Version $next: /" "$w/content/doc/index.md"
	version=$next
	(cd "$w" && exec "$rel" -q -j 2 build doc) 2>/dev/null & pid=$!
	sleep "$t"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	sleep 0.3	# the workers end with their parent
	m=$(mixed)
	[ -n "$m" ] && bad="$bad kill -9 at $t s:$m;"
done
(cd "$w" && "$rel" -q build doc) 2>/dev/null || bad="$bad the last build failed"
[ -n "$(temps "$w/out")" ] && bad="$bad left after a build: $(temps "$w/out" | head -2)"
[ -n "$(mixed)" ] && bad="$bad mixed after a build: $(mixed)"
[ -z "$bad" ] && pass output/signals-leave-no-mix || fail output/signals-leave-no-mix "$bad"

# ---- a build killed while it puts a document in place: the next build finishes the commit
# from its record when the new folder is in place (the PDF and the text join it), and drops
# it when it is not (the old ones stay) ----
for state in before after; do
	w=$TMP/out-record-$state
	project "$w"
	mkdir -p "$w/content/other" "$w/out/doc" "$w/out/.doc.gen-0123456789ab.tmp"
	printf -- '---\ntitle: Other\ntemplate: plain\ndate: 2024-01-01\n---\n# One\n\nText.\n' \
	    >"$w/content/other/index.md"
	printf 'old PDF\n' >"$w/out/doc.pdf"
	printf 'old page\n' >"$w/out/doc/index.html"
	printf 'old text\n' >"$w/out/doc.txt"
	printf 'new PDF\n' >"$w/out/.doc.gen-abcdefabcdef.tmp"
	printf 'new text\n' >"$w/out/.doc.gen-fedcbafedcba.tmp"
	printf 'new page\n' >"$w/out/.doc.gen-0123456789ab.tmp/index.html"
	ino=$(stat -c %i "$w/out/.doc.gen-0123456789ab.tmp")
	if [ $state = after ]; then	# the folders were exchanged
		mv "$w/out/doc" "$w/out/old" && mv "$w/out/.doc.gen-0123456789ab.tmp" "$w/out/doc" &&
		    mv "$w/out/old" "$w/out/.doc.gen-0123456789ab.tmp"
	fi
	printf 'gen commit 2\0%s\0doc\0.doc.gen-abcdefabcdef.tmp\0.pdf\0%s\0.txt\0' "$ino" \
	    .doc.gen-fedcbafedcba.tmp >"$w/out/.doc.gen-0123456789ab.commit"
	(cd "$w" && "$GEN" build other) >/dev/null 2>"$w/err"
	rc=$?
	want=new
	[ $state = before ] && want=old
	if [ $rc -eq 0 ] && [ "$(cat "$w/out/doc.pdf")" = "$want PDF" ] &&
	    [ "$(cat "$w/out/doc.txt")" = "$want text" ] &&
	    [ "$(cat "$w/out/doc/index.html")" = "$want page" ] && [ -z "$(temps "$w/out")" ]; then
		pass "output/commit-record-$state-the-exchange"
	else
		fail "output/commit-record-$state-the-exchange" "exit $rc; out/: $(ls -A "$w/out" |
		    tr '\n' ' '); PDF: $(cat "$w/out/doc.pdf"); page: $(cat "$w/out/doc/index.html")"
	fi
done

# ---- out of memory anywhere, from the libraries' start-up on: under an address-space limit
# every 10 MB from 88 MB to 300 MB, gen builds, or says "out of memory" last (exit 3) and
# leaves the previous outputs; never a crash ----
w=$TMP/out-memory
project "$w"
rmdir "$w/content/doc" && cp -r content/strategy-2016 "$w/content/doc"
(cd "$w" && "$rel" -q build doc) 2>/dev/null
cp -r "$w/out" "$w/before"
bad=
for kb in $(seq 88000 10000 300000); do
	(cd "$w" && ulimit -v $kb && exec "$rel" -q build doc) >/dev/null 2>"$w/err"
	rc=$?
	# (a library may say first what failed it: pango, fontconfig)
	if [ $rc -eq 3 ] && [ "$(tail -1 "$w/err")" = 'gen: error: out of memory' ] &&
	    [ "$(grep -c '^[^ ]*: error: ' "$w/err")" -eq 1 ]; then
		diff -r "$w/before" "$w/out" >/dev/null || bad="$bad ${kb} KB: out/ changed;"
	elif [ $rc -ne 0 ]; then
		bad="$bad ${kb} KB: exit $rc $(head -c 80 "$w/err");"
	fi
done
[ -z "$bad" ] && pass output/out-of-memory-anywhere || fail output/out-of-memory-anywhere "$bad"
