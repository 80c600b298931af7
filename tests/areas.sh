#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/areas.sh DIR N: makes DIR a project whose document `doc` is the constituency pack for
# N made-up areas (the real content's template, text and indicators; areas 1 to N with
# figures spread over 0-100). Used by tests/e2e.sh and bench/run.sh. Run from the repo root.
set -eu
w=$1 n=$2
mkdir -p "$w/content/doc/data" "$w/templates"
cp templates/*.xml templates/*.svg "$w/templates/"
ln -sfn "$(pwd)/fonts" "$w/fonts"
cp content/constituencies/index.md "$w/content/doc/"
cp content/constituencies/data/indicators.csv "$w/content/doc/data/"
{ head -1 content/constituencies/data/areas.csv
  for i in $(seq 1 "$n"); do
	echo "Area $i,$((i % 101)),$((i % 13)),$((90 + i % 10)),$((40 + i % 50)),$((20 + i % 15)),$((30 + i % 12)),$((i % 40)),$((i % 15)),$((10 + i % 30))"
  done; } >"$w/content/doc/data/areas.csv"
