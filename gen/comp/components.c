/* SPDX-License-Identifier: GPL-3.0-or-later */
/* components.c: every component in one table, and the reading of a component's tag. A new
 * component is a file comp_NAME.c, defining `const struct component comp_NAME`, and a line
 * here; markdown.c finds a tag's component here, and the later stages (layout, render, html,
 * the panels' files) ask the component, never name it. */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

static const struct component *const components[] = {
	&comp_divider,
	&comp_hundreds,
	&comp_data_table,
	&comp_key_figures,
	&comp_chart,
	&comp_indicator_table,
	&comp_outcomes,
};

#define NCOMPONENTS	(sizeof(components) / sizeof(components[0]))

const struct component *
component_find(const char *tag, const char **near)
{
	const char *tags[NCOMPONENTS];

	for (size_t i = 0; i < NCOMPONENTS; i++) {
		if (strcmp(tag, components[i]->tag) == 0)
			return components[i];
		tags[i] = components[i]->tag;
	}
	if (near != NULL)
		*near = nearest_word(tag, tags, NCOMPONENTS);
	return NULL;
}

const struct component *
component_nth(size_t i)
{
	return i < NCOMPONENTS ? components[i] : NULL;
}

/* s[0, n) with HTML's character references for markup read as the characters (&amp; &quot;
 * &#39; &apos; &lt; &gt;), as a value from data is written in a tag. The caller frees. */
static char *
unescape(const char *s, size_t n)
{
	static const struct { const char *ref; char c; } refs[] = {
		{ "&amp;", '&' }, { "&quot;", '"' }, { "&#39;", '\'' }, { "&apos;", '\'' },
		{ "&lt;", '<' }, { "&gt;", '>' },
	};
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; ) {
		size_t k = 0;

		while (s[i] == '&' && k < sizeof(refs) / sizeof(refs[0]) &&
		    (strlen(refs[k].ref) > n - i || strncmp(s + i, refs[k].ref,
		    strlen(refs[k].ref)) != 0))
			k++;
		if (s[i] == '&' && k < sizeof(refs) / sizeof(refs[0])) {
			*o++ = refs[k].c;
			i += strlen(refs[k].ref);
		} else
			*o++ = s[i++];
	}
	*o = '\0';
	return out;
}

char *
component_attr(const char *tag, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = tag; (p = strstr(p, name)) != NULL; p += n) {
		const char *v = p + n;
		char q;
		const char *e;

		if (p == tag || (p[-1] != ' ' && p[-1] != '\t') || *v != '=')
			continue;
		q = v[1];
		if ((q != '"' && q != '\'') || (e = strchr(v + 2, q)) == NULL)
			return NULL;
		return unescape(v + 2, (size_t)(e - v - 2));
	}
	return NULL;
}

void
component_items(struct buf *b, const char *text)
{
	const char *p = text, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if ((e = strstr(p, "; ")) == NULL)
			e = p + strlen(p);
		if (e > p) {
			if (b->len > 0)
				buf_addc(b, '\n');
			buf_adds(b, "\xe2\x80\xa2\xc2\xa0");	/* a bullet and a no-break space */
			buf_add(b, p, (size_t)(e - p));
		}
		p = *e ? e + 2 : e;
	}
}

void
component_figure(const struct component_call *c, const struct table *t, const struct cell *ce,
    const char *shown)
{
	if (t != NULL && ce != NULL && shown != NULL)
		bind_note(c->figs, shown, t->path, ce->line, ce->col, ce->kind, c->file, c->line);
}
