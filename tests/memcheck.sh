# SPDX-License-Identifier: GPL-3.0-or-later
# tests/memcheck.sh: documents with every kind of content built by the optimised gen under
# valgrind memcheck: an invalid read or write, or memory definitely lost, fails. Sourced by
# tests/run.sh (uses its ROOT, TMP, pass and fail).

if command -v valgrind >/dev/null; then
	rel=$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")
	for dir in tests/layout/features tests/good/charts tests/good/progress; do
		name=memcheck/$(basename "$dir")
		w=$TMP/memcheck/$(basename "$dir")
		mkdir -p "$w/templates"
		if [ -d "$dir/content" ]; then cp -r "$dir/content" "$w/"; doc=doc
		else mkdir -p "$w/content" && cp -r "$dir" "$w/content/doc"; doc=doc; fi
		cp templates/*.xml templates/*.svg "$w/templates/"
		ln -s "$ROOT/fonts" "$w/fonts"
		(cd "$w" && valgrind -q --error-exitcode=9 --leak-check=full \
		    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
		    --suppressions="$ROOT/tests/valgrind.supp" "$rel" build $doc) 2>"$w/err"
		rc=$?
		if [ $rc -eq 0 ]; then pass "$name"
		else fail "$name" "exit $rc: $(grep -m3 -E '==[0-9]+==' "$w/err")"; fi
	done
else
	fail memcheck "valgrind is not installed (make installs it)"
fi
