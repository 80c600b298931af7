# SPDX-License-Identifier: GPL-3.0-or-later
# bash completion for gen: its commands and options, the documents of the project (the
# folders of content/ that hold index.md), the rows of a document built once per row
# (DOC/ROW, as `gen jobs DOC` lists them) and the starters of `gen init --template`.
# Installed as PREFIX/share/bash-completion/completions/gen.

_gen_documents()
{
	local root=$1 index
	for index in "$root"/content/*/index.md; do
		[ -f "$index" ] || continue
		index=${index%/index.md}
		printf '%s\n' "${index##*/}"
	done
}

_gen()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=
	local root=. cmd= i w
	local opts="-C --project -o --out -q --quiet -v --verbose -p --pdf-only --html-only
		-m --marks --report --json --keep --baseline --shard -j --jobs -d --draft -T --trace
		--from --port --template -h --help -V --version"
	local commands="build check init jobs new preview templates"

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# The project (-C) and the command: the first word that is neither an option nor an
	# option's argument.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-C | --project) root=${COMP_WORDS[i + 1]}; ((i++)) ;;
		--project=*) root=${w#--project=} ;;
		-o | --out | -j | --jobs | --shard | --from | --port | --template | --baseline) ((i++)) ;;
		-*) ;;
		*) [ -z "$cmd" ] && cmd=$w ;;
		esac
	done
	root=${root/#\~/$HOME}

	COMPREPLY=()
	case $prev in
	-C | --project | -o | --out)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--from)
		mapfile -t COMPREPLY < <(compgen -W "$(_gen_documents "$root")" -- "$cur")
		return ;;
	--template)
		local starters
		starters=$(gen templates 2>/dev/null | sed -n 's/^Starters ([^)]*): //p')
		mapfile -t COMPREPLY < <(compgen -W "$starters" -- "$cur")
		return ;;
	-j | --jobs | --shard | --port)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return
	fi
	case $cmd in
	"")
		mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur") ;;
	build | check | jobs | preview)
		if [[ $cur == */* ]]; then	# a row of a document built once per row
			mapfile -t COMPREPLY < <(compgen -W \
			    "$(gen -C "$root" jobs "${cur%%/*}" 2>/dev/null)" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_gen_documents "$root")" -- "$cur")
		fi ;;
	init)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	esac
}

complete -F _gen gen
