# SPDX-License-Identifier: GPL-3.0-or-later
# tests/seams.sh: the rules of gen/README.md, checked on the sources. Layout, render, the
# back-ends, the tree and the commands name no component: each reaches one only through
# struct component (components.c's table). No reader of input, no part of the layout and no
# component knows an output: each is reached through backend.c's table or from main.c. A
# copy of the sources with a rule broken must fail. No function is over 150 lines. Sourced
# by tests/run.sh.

# Says what in the sources under $1 (gen/, by folder) breaks a rule, one line each; nothing
# when none does.
seams_broken() {
	local dir=$1 comps tags backs outputs f
	# The components, as the table lists them, and the tags they answer to; `divider` is
	# also a node type of the tree (N_DIVIDER), which the layout knows.
	comps=$(grep -o '&comp_[a-z_]*' "$dir/comp/components.c" | sed 's/^&//' | sort -u |
	    tr '\n' '|')
	tags=$(grep -ho '\.tag = "[a-z-]*"' "$dir"/comp/comp_*.c | sed 's/.*"\(.*\)"/\1/' |
	    grep -vx divider | tr '\n' '|')
	backs=$(grep -o '&backend_[a-z_]*' "$dir/backend/backend.c" | sed 's/^&//' | tr '\n' '|')
	outputs="${backs}render_pdf|html_write|html_make|html_put|backends_write"
	if [ -z "$comps" ] || [ -z "$tags" ] || [ -z "$backs" ]; then
		echo "no components or no back-ends found in $dir"
		return
	fi
	# Outside comp/, no file names a component or its tag.
	for f in "$dir"/*/*.c; do
		case $f in "$dir"/comp/*) continue ;; esac
		grep -nwE "${comps%|}" "$f" | sed "s|^|$f: a component: |"
		# a tag as a string or in a message ("key-figures", <key-figures), not in a comment
		grep -nE "(\"(${tags%|})\"|<(${tags%|})[ >])" "$f" |
		    grep -vE '^[0-9]+:[[:space:]]*(/\*|\*)' | sed "s|^|$f: a component's tag: |"
	done
	# Nothing that reads input, lays out or makes a component knows an output.
	for f in "$dir"/read/*.c "$dir"/tree/*.c "$dir"/layout/*.c "$dir"/comp/*.c; do
		grep -nwE "$outputs" "$f" | sed "s|^|$f: an output: |"
	done
}

seams_broken gen >"$TMP/seams"
if [ -s "$TMP/seams" ]; then
	fail seams/rules "$(head -5 "$TMP/seams")"
else
	pass seams/rules
fi

# The check itself: a component named by the layout, and a back-end by a reader, are found.
rm -rf "$TMP/seams-planted"
cp -r gen "$TMP/seams-planted"
printf 'static const void *p = &comp_chart;\n' >>"$TMP/seams-planted/layout/layout_table.c"
printf 'static const void *q = &backend_text;\n' >>"$TMP/seams-planted/read/csv.c"
seams_broken "$TMP/seams-planted" >"$TMP/seams"
if grep -q 'layout_table.c: a component' "$TMP/seams" && grep -q 'csv.c: an output' "$TMP/seams"
then
	pass seams/planted
else
	fail seams/planted "a planted break was not found: $(head -3 "$TMP/seams")"
fi

# No function over 150 lines, from its name (at the start of a line, as gen writes them) to
# its closing brace.
awk '/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name); start = FNR; next }
    /^\{/ && name != "" { open = 1; next }
    /^\}/ && open { if (FNR - start + 1 > 150) print FILENAME ":" start ": " name " is " \
        FNR - start + 1 " lines"; name = ""; open = 0 }' gen/*/*.c >"$TMP/seams"
if [ -s "$TMP/seams" ]; then
	fail seams/function-length "$(head -5 "$TMP/seams")"
else
	pass seams/function-length
fi
