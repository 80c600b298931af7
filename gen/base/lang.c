/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lang.c: the `lang:` of a document, a language tag as BCP 47 (RFC 5646) writes one, checked
 * and put in its canonical case before it reaches the PDF's /Lang and the HTML's lang. Called
 * by document.c. The languages and regions are ISO 639-1's and ISO 3166-1's, held here:
 * liblangtag reads the whole IANA registry at start, about 1.5 s a run. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* ISO 639-1: the two-letter languages, which BCP 47 prefers to any three-letter code. */
static const char iso639_1[] =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu "
    "cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi "
    "ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks "
    "ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl "
    "nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl "
    "sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve "
    "vi vo wa wo xh yi yo za zh zu";

/* ISO 3166-1 alpha-2, and the codes kept for private use (AA, QM-QZ, XA-XZ, ZZ). */
static const char iso3166_1[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET EU FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN "
    "GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE "
    "KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA "
    "PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK "
    "SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG "
    "UM UN US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW AA ZZ";

/* Languages a council writes in, by name and by their three-letter codes, for a hint. */
static const struct { const char *tag, *names; } known[] = {
	{ "en-GB", "english eng" }, { "cy", "welsh cymraeg cym wel" },
	{ "gd", "gaelic gla" }, { "ga", "irish gle" }, { "fr", "french fra fre" },
	{ "de", "german deu ger" }, { "es", "spanish spa" }, { "it", "italian ita" },
	{ "pl", "polish pol" }, { "pt", "portuguese por" }, { "ro", "romanian ron rum" },
	{ "lt", "lithuanian lit" }, { "lv", "latvian lav" }, { "ru", "russian rus" },
	{ "uk", "ukrainian ukr" }, { "ar", "arabic ara" }, { "ur", "urdu urd" },
	{ "pa", "punjabi panjabi pan" }, { "bn", "bengali bangla ben" },
	{ "gu", "gujarati guj" }, { "hi", "hindi hin" }, { "zh", "chinese zho chi" },
	{ "so", "somali som" }, { "tr", "turkish tur" }, { "fa", "persian farsi fas per" },
	{ "ku", "kurdish kur" }, { "ps", "pashto pus" }, { "ti", "tigrinya tir" },
	{ "am", "amharic amh" }, { "ta", "tamil tam" },
};

/* Whether the word `w` (n bytes, compared without regard to case) is in the list `list`. */
static int
listed(const char *list, const char *w, size_t n)
{
	for (const char *p = list; *p; p += strcspn(p, " "), p += *p == ' ') {
		size_t k = strcspn(p, " ");

		if (k == n && strncasecmp(p, w, n) == 0)
			return 1;
	}
	return 0;
}

/* The tag a language's name or three-letter code stands for, or NULL. */
static const char *
known_tag(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (listed(known[i].names, w, n))
			return known[i].tag;
	return NULL;
}

static int
all(const char *s, size_t n, int (*is)(int))
{
	for (size_t i = 0; i < n; i++)
		if (!is((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Puts subtag s[0, n) in its canonical case: `how` 'l' lower, 'u' upper, 't' title. */
static void
set_case(char *s, size_t n, char how)
{
	for (size_t i = 0; i < n; i++)
		s[i] = (char)(how == 'u' || (how == 't' && i == 0) ? toupper((unsigned char)s[i]) :
		    tolower((unsigned char)s[i]));
}

char *
lang_check(char *tag, char **why)
{
	char *s = tag, *near;
	size_t n;
	int state = 0;	/* 0 language, 1 extlang, 2 script, 3 region, 4 variant, 5 extension */
	const char *hint;

	*why = NULL;
	if (*s == '\0' || strchr(s, '_') != NULL || strchr(s, ' ') != NULL) {
		char *dash = xstrdup(s);

		for (char *p = dash; *p; p++)
			*p = *p == '_' || *p == ' ' ? '-' : *p;
		*why = *s == '\0' ? xstrdup("`lang:` is empty: give a language tag, such as en-GB") :
		    xasprintf("`%s` is not a language tag: its parts are joined by `-` (%s)", s,
		    dash);
		free(dash);
		return NULL;
	}
	if (s[strlen(s) - 1] == '-') {
		*why = xasprintf("`%s` is not a language tag: it ends with `-`", tag);
		return NULL;
	}
	if ((s[0] == 'x' || s[0] == 'X') && s[1] == '-') {	/* private use, whole */
		state = 6;
		s += 2;
	}
	for (; *s && state < 6; s += n + (s[n] == '-')) {
		n = strcspn(s, "-");
		if (n == 0 || n > 8 || !all(s, n, isalnum)) {
			*why = xasprintf("`%s` is not a language tag: `%.*s` cannot be part of "
			    "one", tag, (int)n, s);
			return NULL;
		}
		if (state == 0) {
			hint = known_tag(s, n);
			if (n == 2 && all(s, n, isalpha) && listed(iso639_1, s, n)) {
				set_case(s, n, 'l');
				state = 1;
				continue;
			}
			if (n == 3 && all(s, n, isalpha) && hint == NULL) {
				set_case(s, n, 'l');	/* ISO 639-2/3: too many to list */
				state = 1;
				continue;
			}
			*why = hint ? xasprintf("`%s` is not a language tag (did you mean `%s`?)",
			    tag, hint) : xasprintf("`%s` is not a language tag: it starts with a "
			    "language of ISO 639, such as en, cy or fr", tag);
			return NULL;
		}
		if (state == 1 && n == 3 && all(s, n, isalpha)) {	/* an extended language */
			set_case(s, n, 'l');
			state = 2;
		} else if (state <= 2 && n == 4 && all(s, n, isalpha)) {
			set_case(s, n, 't');
			state = 3;
		} else if (state <= 3 && n == 2 && all(s, n, isalpha)) {
			if (!listed(iso3166_1, s, n) && !(toupper((unsigned char)s[0]) == 'Q' &&
			    toupper((unsigned char)s[1]) >= 'M') &&
			    toupper((unsigned char)s[0]) != 'X') {
				near = xstrndup(tag, (size_t)(s - tag));
				*why = strncasecmp(s, "uk", 2) == 0 ? xasprintf("`%s`: the United "
				    "Kingdom's code is GB, not UK (%sGB)", tag, near) : xasprintf("`%s` "
				    "is not a language tag: `%.*s` is not a region of ISO 3166-1", tag,
				    (int)n, s);
				free(near);
				return NULL;
			}
			set_case(s, n, 'u');
			state = 4;
		} else if (state <= 3 && n == 3 && all(s, n, isdigit)) {
			state = 4;		/* a UN M.49 region, such as 419 */
		} else if (state <= 4 && ((n >= 5 && n <= 8) || (n == 4 && isdigit((unsigned
		    char)s[0])))) {
			set_case(s, n, 'l');
			state = 4;
		} else if (n == 1 && (*s == 'x' || *s == 'X')) {
			state = 6;		/* private use to the end */
		} else if (n == 1) {
			size_t m = strcspn(s + 2, "-");

			if (s[1] != '-' || m < 2 || m > 8 || !all(s + 2, m, isalnum)) {
				*why = xasprintf("`%s` is not a language tag: the extension `%c` needs "
				    "a part of 2 to 8 letters or digits after it", tag, *s);
				return NULL;
			}
			set_case(s, 1, 'l');
			state = 5;
		} else if (state == 5 && n >= 2) {
			set_case(s, n, 'l');
		} else {
			*why = xasprintf("`%s` is not a language tag: `%.*s` is out of place "
			    "(its parts go language, script, region, variants: en-Latn-GB)", tag,
			    (int)n, s);
			return NULL;
		}
	}
	if (state == 6) {		/* x-sefton-1: parts of 1 to 8 letters or digits */
		for (char *p = s, *first = s; *p || p == first; p += n + (p[n] == '-')) {
			n = strcspn(p, "-");
			if (n == 0 || n > 8 || !all(p, n, isalnum)) {
				*why = xstrdup("after `x-`, a language tag's private parts are 1 to 8 "
				    "letters or digits each (x-sefton)");
				return NULL;
			}
			set_case(p, n, 'l');
			s = p + n;
		}
	}
	return tag;
}
