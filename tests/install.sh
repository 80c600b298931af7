# SPDX-License-Identifier: GPL-3.0-or-later
# tests/install.sh: gen where a council uses it, with no clone. `make install DESTDIR=` into a
# scratch folder, the installed tree copied elsewhere, and there, with the repository out of
# reach (a tmpfs mounted over it in a user namespace of its own), `gen init` of every starter,
# `gen build`, `gen check` and `gen templates` from an empty folder: the PDF's fonts embedded
# and from the installed share, its words, the HTML. `make uninstall` removes exactly what was
# installed. `make deb` builds the package (lintian finding no error), and the gen extracted
# from it by dpkg-deb -x does the same. The manual page renders, with every option of
# `gen --help` and every command; bash completion; a project's own templates and fonts come
# first; the preview's port, chooser and links. Sourced by tests/run.sh.

# The make of the repository, whatever make called the tests with.
make_here() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$ROOT" "$@"; }

# as_user DIR SCRIPT: runs the bash SCRIPT as a new user would, with DIR/bin/gen first on the
# PATH, a home of its own, from an empty folder, and the repository out of reach when this
# machine lets a user namespace mount over it (ROOT is then set; elsewhere, such as a chroot,
# it is not, and the script cannot check). Prints what SCRIPT prints.
as_user() {
	local dir=$1 script=$2 home
	home=$(mktemp -d "$TMP/home.XXXXXX")
	if unshare -rm true 2>/dev/null; then
		env -i PATH="$dir/bin:/usr/bin:/bin" HOME="$home" LANG=C.UTF-8 ROOT="$ROOT" \
		    unshare -rm bash -c 'mount -t tmpfs none "$ROOT" && cd "$HOME" && bash' \
		    <<<"$script"
	else
		(cd "$home" && env -i PATH="$dir/bin:/usr/bin:/bin" HOME="$home" LANG=C.UTF-8 bash) \
		    <<<"$script"
	fi
}

# The new user's session: every starter made and built, then the strategy looked at. Its
# results go to $OUT (outside the hidden repository), one file a check.
new_user_script() {
	cat <<'EOF'
set -u
OUT=__OUT__
[ -n "${ROOT:-}" ] && [ -e "$ROOT/Makefile" ] && echo "the repository can be seen" >"$OUT/hidden"
command -v gen >"$OUT/which"
for kind in plain strategy progress-report committee-report constituency-pack; do
	gen init "$kind-project" --template "$kind" >"$OUT/init-$kind" 2>&1
	echo $? >"$OUT/init-$kind.rc"
	(cd "$kind-project" && gen -j 2 build) >"$OUT/build-$kind" 2>&1
	echo $? >"$OUT/build-$kind.rc"
	ls -A "$kind-project" >"$OUT/ls-$kind"
done
cd strategy-project
gen check >"$OUT/check" 2>&1
gen templates >"$OUT/templates" 2>&1
pdffonts out/strategy-2025.pdf >"$OUT/pdffonts" 2>&1
pdftotext out/strategy-2025.pdf "$OUT/text" 2>&1
cp out/strategy-2025/index.html "$OUT/index.html"
ls out/strategy-2025 >"$OUT/html-files"
ls out/strategy-2025/assets/fonts >"$OUT/html-fonts"
cd ..
gen init strategy-project --template plain >"$OUT/again" 2>&1
echo $? >"$OUT/again.rc"
EOF
}

# check_new_user NAME DIR: the checks on what new_user_script left in DIR.
check_new_user() {
	local name=$1 r=$2 share=$3 bad=""
	[ -e "$r/hidden" ] && bad="$bad; $(cat "$r/hidden")"
	for kind in plain strategy progress-report committee-report constituency-pack; do
		[ "$(cat "$r/init-$kind.rc")" = 0 ] || bad="$bad; init $kind: $(head -2 "$r/init-$kind")"
		[ "$(cat "$r/build-$kind.rc")" = 0 ] && [ ! -s "$r/build-$kind" ] ||
		    bad="$bad; build $kind: $(head -3 "$r/build-$kind")"
		[ "$(tr '\n' ' ' <"$r/ls-$kind")" = ".gitignore content out " ] ||
		    bad="$bad; $kind project holds: $(tr '\n' ' ' <"$r/ls-$kind")"
	done
	[ -z "$bad" ] && pass "install/$name-init-build-every-starter" ||
	    fail "install/$name-init-build-every-starter" "${bad#; }"

	# Every font embedded, every one Inter or Fira Code: from the installed share, as
	# `gen check` says and as nothing else is on this machine's fontconfig path for gen.
	if [ -s "$r/pdffonts" ] && ! tail -n +3 "$r/pdffonts" | awk '$(NF-4) != "yes"' | grep -q . &&
	    ! tail -n +3 "$r/pdffonts" | grep -vqE '^[A-Z]{6}\+(Inter|FiraCode)-' &&
	    grep -qx "  font      Inter: $share/fonts/inter (installed)" "$r/check" &&
	    grep -qx "  font      Fira Code: $share/fonts/fira-code (installed)" "$r/check"; then
		pass "install/$name-fonts"
	else
		fail "install/$name-fonts" "$(cat "$r/pdffonts" "$r/check" | head -12)"
	fi
	if grep -qx "  template  $share/templates/strategy.xml (installed)" "$r/check" &&
	    grep -qx "  includes  $share/templates/brand.xml (installed)" "$r/check" &&
	    grep -qx "  logo      $share/templates/logo.svg (installed)" "$r/check"; then
		pass "install/$name-check-says-where"
	else
		fail "install/$name-check-says-where" "$(head -8 "$r/check")"
	fi
	local words="Education Strategy|Anytown 2025–2030|Contents|Anytown in figures|41,200|Our priorities|Delivering our priorities|Cabinet Member for Education"
	local missing
	missing=$(tr '|' '\n' <<<"$words" | while read -r w; do
		grep -qF "$w" "$r/text" || echo "$w"; done)
	[ -z "$missing" ] && pass "install/$name-pdf-words" ||
	    fail "install/$name-pdf-words" "missing: $missing"
	if grep -q '<html lang="en-GB"' "$r/index.html" && grep -q '<title>Education Strategy' \
	    "$r/index.html" && grep -q 'href="anytown-in-figures.html"' "$r/index.html" &&
	    grep -qx 'anytown-in-figures.html' "$r/html-files" &&
	    grep -qx 'Inter-Regular.otf' "$r/html-fonts"; then
		pass "install/$name-html"
	else
		fail "install/$name-html" "$(head -c 300 "$r/index.html"; cat "$r/html-files")"
	fi
	if [ "$(cat "$r/again.rc")" = 2 ] && grep -q "already holds a gen project" "$r/again"; then
		pass "install/$name-init-refuses-a-project"
	else
		fail "install/$name-init-refuses-a-project" "$(cat "$r/again.rc" "$r/again")"
	fi
	if [ "$(wc -l <"$r/templates")" -ge 8 ] && ! grep -q 'says nothing' "$r/templates" &&
	    grep -q '^strategy  *A strategy' "$r/templates" &&
	    grep -q '^Starters (gen init --template NAME): committee-report constituency-pack plain progress-report strategy$' "$r/templates"; then
		pass "install/$name-templates"
	else
		fail "install/$name-templates" "$(head -10 "$r/templates")"
	fi
}

# ---- make install into a scratch folder, copied elsewhere; make uninstall ----
inst=$TMP/install/dest
mkdir -p "$inst/usr/local/bin" "$inst/usr/local/share/man/man1"
echo other >"$inst/usr/local/bin/other"
echo other >"$inst/usr/local/share/man/man1/other.1"
(cd "$inst" && find . -type f | sort) >"$TMP/install/before"
if make_here install DESTDIR="$inst" >"$TMP/install/make.out" 2>&1 &&
    [ -x "$inst/usr/local/bin/gen" ]; then
	pass install/make-install
	copy=$TMP/install/elsewhere
	cp -a "$inst/usr/local" "$copy"
	mkdir -p "$TMP/install/user"
	new_user_script | sed "s|__OUT__|$TMP/install/user|" >"$TMP/install/script"
	as_user "$copy" "$(cat "$TMP/install/script")"
	[ "$(cat "$TMP/install/user/which")" = "$copy/bin/gen" ] ||
	    fail install/installed-gen-on-path "$(cat "$TMP/install/user/which")"
	check_new_user installed "$TMP/install/user" "$copy/share/gen"
else
	fail install/make-install "$(tail -5 "$TMP/install/make.out")"
fi
make_here uninstall DESTDIR="$inst" >"$TMP/install/uninstall.out" 2>&1
(cd "$inst" && find . -type f | sort) >"$TMP/install/after"
if diff -u "$TMP/install/before" "$TMP/install/after" >"$TMP/install/diff" &&
    [ ! -e "$inst/usr/local/share/gen" ] && [ ! -e "$inst/usr/local/share/doc/gen" ]; then
	pass install/uninstall-exactly
else
	fail install/uninstall-exactly "$(head -12 "$TMP/install/diff")"
fi

# ---- the Debian package, extracted with dpkg-deb -x ----
version=$(sed -n 's/^#define GEN_VERSION "\(.*\)"/\1/p' gen/gen.h)
deb=gen_${version}_$(dpkg --print-architecture).deb
if make_here deb >"$TMP/install/deb.out" 2>&1 && [ -f "$deb" ]; then
	pass install/make-deb-lintian
	x=$TMP/install/deb
	dpkg-deb -x "$deb" "$x"
	dpkg-deb -f "$deb" Depends >"$TMP/install/depends"
	if grep -q 'libpango-1.0-0' "$TMP/install/depends" &&
	    grep -q 'libpoppler-glib' "$TMP/install/depends" &&
	    grep -q 'icc-profiles-free' "$TMP/install/depends" &&
	    [ -f "$x/usr/share/doc/gen/copyright" ] && [ -f "$x/usr/share/man/man1/gen.1.gz" ] &&
	    head -1 "$x/usr/share/doc/gen/copyright" | grep -q 'copyright-format/1.0'; then
		pass install/deb-contents
	else
		fail install/deb-contents "$(cat "$TMP/install/depends")"
	fi
	mkdir -p "$TMP/install/deb-user"
	new_user_script | sed "s|__OUT__|$TMP/install/deb-user|" >"$TMP/install/script"
	as_user "$x/usr" "$(cat "$TMP/install/script")"
	check_new_user deb "$TMP/install/deb-user" "$x/usr/share/gen"
else
	fail install/make-deb-lintian "$(grep -E '^[EW]:|rror' "$TMP/install/deb.out" | head -8)"
fi

# ---- the manual page, the help and the commands ----
page=$inst/man.1
cp doc/gen.1 "$page"
MANWIDTH=100 man -l "$page" 2>"$TMP/install/man.err" | col -b >"$TMP/install/man.txt"
if [ -s "$TMP/install/man.txt" ] && [ ! -s "$TMP/install/man.err" ] &&
    grep -q '^NAME' "$TMP/install/man.txt" && grep -q '^EXIT STATUS' "$TMP/install/man.txt" &&
    grep -q '^EXAMPLES' "$TMP/install/man.txt" && grep -q '^ENVIRONMENT' "$TMP/install/man.txt"; then
	pass install/man-renders
else
	fail install/man-renders "$(head -5 "$TMP/install/man.err" "$TMP/install/man.txt")"
fi
# Every option gen --help lists is in the manual page, and every command gen knows (as its
# message for an unknown one lists them) is in the help, the page and the completion.
"$GEN" --help >"$TMP/install/help"
missing=""
for o in $(sed -n '/^options:/,/^$/p' "$TMP/install/help" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z-]*' |
    tr -d ' ,' | sort -u); do
	grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" "$TMP/install/man.txt" || missing="$missing $o"
done
[ -z "$missing" ] && grep -q -- '--template' "$TMP/install/help" &&
    pass install/man-has-every-option || fail install/man-has-every-option "missing:$missing"
"$GEN" frobnicate 2>"$TMP/install/unknown"
commands=$(sed -n 's/.*unknown command `frobnicate` (\(.*\))$/\1/p' "$TMP/install/unknown" |
    sed 's/ or /, /; s/,//g')
missing=""
for c in $commands; do
	grep -qE "^ *(usage: )?gen \[options\] $c( |$)" "$TMP/install/help" || missing="$missing help:$c"
	grep -qE "^ +gen \[options\] $c( |$)" "$TMP/install/man.txt" || missing="$missing man:$c"
	grep -qE "^\s*local commands=\".*\\<$c\\>" completion/gen.bash || missing="$missing completion:$c"
done
[ "$(wc -w <<<"$commands")" -ge 7 ] && [ -z "$missing" ] && pass install/help-lists-every-command ||
    fail install/help-lists-every-command "commands: $commands; missing:$missing"

# ---- bash completion, in a project of documents and rows ----
cp_proj=$TMP/install/complete
mkdir -p "$cp_proj"
(cd "$cp_proj" && "$GEN" init packs --template constituency-pack >/dev/null &&
    "$GEN" init report --template plain >/dev/null)
complete_words() {	# complete_words DIR WORD... : what completing the last word offers
	local dir=$1
	shift
	(cd "$dir" && PATH="$ROOT/gen:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _gen
		printf "%s\n" "${COMPREPLY[@]}"' _ "$ROOT/completion/gen.bash" "$@")
}
got=$(complete_words "$cp_proj" gen bu; complete_words "$cp_proj/packs" gen build co;
    complete_words "$cp_proj/packs" gen build constituencies/anytown-s;
    complete_words "$cp_proj" gen init --template pro; complete_words "$cp_proj" gen --pr;
    complete_words "$cp_proj" gen -C packs check con; complete_words "$cp_proj/report" gen preview r)
want='build
constituencies
constituencies/anytown-south-constituency
progress-report
--project
constituencies
report'
[ "$got" = "$want" ] && pass install/bash-completion ||
    fail install/bash-completion "got: $(tr '\n' ' ' <<<"$got")"

# ---- a project's own templates and fonts come first ----
own=$cp_proj/report
mkdir -p "$own/templates" "$own/fonts"
sed 's/margin="20mm"/margin="30mm"/' templates/plain.xml >"$own/templates/plain.xml"
cp -r fonts/inter "$own/fonts/"
(cd "$own" && "$GEN" check) >"$TMP/install/own" 2>&1
if grep -qx '  template  templates/plain.xml (this project)' "$TMP/install/own" &&
    grep -qx '  font      Inter: fonts/inter (this project)' "$TMP/install/own" &&
    grep -qE '^  font      Fira Code: /.*/fonts/fira-code \(installed\)$' "$TMP/install/own"; then
	pass install/project-first
else
	fail install/project-first "$(cat "$TMP/install/own")"
fi

GEN_RELEASE_ABS=$(realpath "$ROOT/${GEN_RELEASE:-gen/gen}")

# ---- the preview: the chosen document, a port of the project's own, every link working ----
pv=$cp_proj/preview
"$GEN" init "$pv" --template strategy >/dev/null
cp -r "$cp_proj/report/content/report" "$pv/content/"
(cd "$pv" && "$GEN_RELEASE_ABS" -q build)	# the twin links a PDF that is there
# preview_start NAME ARGS...: starts gen preview in $pv, prints its port (0: it never said).
preview_start() {
	local name=$1 port=0
	shift
	(cd "$pv" && exec timeout 120 "$GEN" preview "$@") >"$TMP/install/$name.out" \
	    2>"$TMP/install/$name.err" </dev/null &
	echo $! >"$TMP/install/$name.pid"
	for _ in $(seq 300); do
		port=$(grep -o '127\.0\.0\.1:[0-9]*' "$TMP/install/$name.out" | cut -d: -f2)
		[ -n "$port" ] && break
		kill -0 "$(cat "$TMP/install/$name.pid")" 2>/dev/null || break
		sleep 0.2
	done
	echo "${port:-0}"
}
# preview_stop NAME: stops it and waits until it is gone, port and all (it was started in a
# command substitution's subshell, so `wait` alone cannot wait for it)
preview_stop() {
	local pid
	pid=$(cat "$TMP/install/$1.pid")
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
p1=$(preview_start pv1 strategy-2025)
# Every link and picture of the page, and of its stylesheet: a fragment names an element of
# the page, anything else is answered (the PDF, the pages, the assets, the fonts).
bad=""
page_html=$(curl -s "http://127.0.0.1:$p1/")
links=$(grep -o '\(href\|src\)="[^"]*"' <<<"$page_html" | sed 's/^[a-z]*="//; s/"$//' | sort -u)
links="$links"$'\n'$(curl -s "http://127.0.0.1:$p1/assets/gen.css" | grep -o 'url("[^"]*")' |
    sed 's|url("|/assets/|; s|")||' | sort -u)
n=0
while read -r u; do
	[ -n "$u" ] || continue
	n=$((n + 1))
	case $u in
	\#*) grep -q "id=\"${u#\#}\"" <<<"$page_html" || bad="$bad $u" ;;
	*) p=$u
	   while [[ $p == ../* ]]; do p=${p#../}; done
	   [[ $p == /* ]] || p=/$p
	   [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p1${p%%#*}")" = 200 ] ||
	       bad="$bad $u" ;;
	esac
done <<<"$links"
if [ "$p1" -ge 8100 ] && [ "$p1" -le 8999 ] && [ -z "$bad" ] && [ "$n" -ge 20 ] &&
    grep -q 'href="#anytown-in-figures"' <<<"$page_html" &&
    grep -q 'href="../strategy-2025.pdf"' <<<"$page_html"; then
	pass install/preview-every-link-works
else
	fail install/preview-every-link-works "port $p1, $n links, broken:$bad $(head -3 "$TMP/install/pv1.err")"
fi
# A second preview of the project takes the next port and says why; --port on a port in use
# is an error that says so and how to choose, never libmicrohttpd's words.
p2=$(preview_start pv2 strategy-2025)
(cd "$pv" && timeout 60 "$GEN" preview strategy-2025 --port "$p1") >/dev/null 2>"$TMP/install/busy"
rc=$?
preview_stop pv2
preview_stop pv1
p3=$(preview_start pv3 strategy-2025)
preview_stop pv3
if [ "$p2" -eq $((p1 + 1)) ] && grep -q "port $p1, this project's usual one, is in use" \
    "$TMP/install/pv2.out" && [ $rc -eq 3 ] && [ "$p3" = "$p1" ] &&
    grep -qx "gen: error: port $p1 on 127.0.0.1 is in use (another preview, or another program): choose another with --port, e.g. --port $((p1 + 1))" "$TMP/install/busy" &&
    ! grep -qi 'failed to bind' "$TMP/install/busy" "$TMP/install/pv2.err"; then
	pass install/preview-port
else
	fail install/preview-port "ports $p1 $p2 $p3, exit $rc: $(cat "$TMP/install/busy" "$TMP/install/pv2.out")"
fi
# Without a document, the documents are listed and the one chosen is previewed.
(cd "$pv" && printf '2\n' | timeout 120 "$GEN" preview --port 0) >"$TMP/install/choose.out" \
    2>"$TMP/install/choose.err" &
cpid=$!
for _ in $(seq 300); do grep -q 'Preview at' "$TMP/install/choose.out" && break; sleep 0.2; done
cport=$(grep -o '127\.0\.0\.1:[0-9]*' "$TMP/install/choose.out" | cut -d: -f2)
ctitle=$(curl -s "http://127.0.0.1:${cport:-1}/" | grep -o '<title>[^<]*')
kill $cpid 2>/dev/null
wait $cpid 2>/dev/null
(cd "$pv" && "$GEN" preview </dev/null) >"$TMP/install/none.out" 2>"$TMP/install/none.err"
rc=$?
if grep -q '^   1  report  *School places in Anytown$' "$TMP/install/choose.out" &&
    grep -q '^   2  strategy-2025  *Education Strategy$' "$TMP/install/choose.out" &&
    [ "$ctitle" = "<title>Preview: Education Strategy" ] && [ $rc -eq 2 ] &&
    grep -q 'say which document to preview' "$TMP/install/none.err" &&
    sanitized "$TMP/install/choose.err" && sanitized "$TMP/install/pv1.err"; then
	pass install/preview-chooses
else
	fail install/preview-chooses "title '$ctitle', exit $rc: $(head -4 "$TMP/install/choose.out" "$TMP/install/choose.err")"
fi
