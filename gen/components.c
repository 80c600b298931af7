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
		return xstrndup(v + 2, (size_t)(e - v - 2));
	}
	return NULL;
}

/* <divider title="…">: a part's divider page, an ordinary node the layout knows. */
static struct node *
divider_make(const struct component_call *c)
{
	struct node *x = node_new(N_DIVIDER, c->file, c->line, c->col);
	char *title = component_attr(c->tag, "title");

	if (title == NULL)
		msg(c->g, MSG_ERROR, c->file, c->line, c->col, "<divider> needs title=\"…\"");
	else
		buf_adds(&x->text.text, title);
	free(title);
	return x;
}

const struct component comp_divider = { .tag = "divider", .make = divider_make };
