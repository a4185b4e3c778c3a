// SPDX-License-Identifier: GPL-2.0
/*
 * Shell-style wildcard matching: '*', '?', and classes such as [abc],
 * [a-z], [!x] and [^x]. There is no escape character and '/' is not
 * special.
 *
 * The matcher is iterative and only remembers the most recent '*': any
 * match an earlier '*' could reach by swallowing more text, the later
 * '*' reaches by swallowing that text instead. Worst-case time is
 * O(strlen(pat) * strlen(str)) with constant stack.
 */
#include <tessera/kernel.h>

/*
 * Match c against the class whose body starts at *patp (just after '[').
 * On a well-formed class, advance *patp past the closing ']' and return
 * 1 on a match or 0 otherwise. An unterminated class returns -1 so the
 * caller can treat the '[' as an ordinary character.
 */
static int match_class(const char **patp, u8 c)
{
	const char *p = *patp;
	bool inverted = *p == '!' || *p == '^';
	bool match = false;
	u8 lo, hi;

	if (inverted)
		p++;
	/* A ']' right after the opening bracket is a literal member. */
	lo = *p++;
	do {
		if (!lo)
			return -1;
		hi = lo;
		/* '-' is literal when first or last in the class. */
		if (p[0] == '-' && p[1] && p[1] != ']') {
			hi = p[1];
			p += 2;
		}
		if (lo <= c && c <= hi)
			match = true;
	} while ((lo = *p++) != ']');

	*patp = p;
	return match != inverted;
}

bool glob_match(const char *pat, const char *str)
{
	const char *back_pat = NULL, *back_str = NULL;

	for (;;) {
		u8 c = *str++;
		u8 d = *pat++;
		int m;

		switch (d) {
		case '?':
			if (!c)
				return false;
			continue;
		case '*':
			/* A trailing '*' matches whatever is left. */
			if (!*pat)
				return true;
			/* First try letting it match nothing. */
			back_pat = pat;
			back_str = --str;
			continue;
		case '[':
			/* No class matches the end of the string. */
			if (!c)
				return false;
			m = match_class(&pat, c);
			if (m == 1)
				continue;
			if (m == 0)
				break;
			/* Unterminated: '[' is a literal character. */
			/* fall through */
		default:
			if (c == d) {
				if (!c)
					return true;
				continue;
			}
			break;
		}

		/*
		 * Mismatch: let the last '*' swallow one more character.
		 * At the end of the string no retry can succeed, since the
		 * pattern still needs at least one more character.
		 */
		if (!c || !back_pat)
			return false;
		pat = back_pat;
		str = ++back_str;
	}
}
