/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textgen.h - the deterministic text of usr/textgen and of "wordcount -g":
 * lines of made-up words with Zipf-like frequencies, the same bytes for
 * a seed on every machine, libc and thread count.
 *
 * The vocabulary has TG_WORDS words.  Word number n (from 1) is n written
 * in bijective base 70, each digit one consonant-vowel syllable from a
 * seed-shuffled table: every syllable has two letters, so two numbers
 * never spell the same word.  The word of rank r is drawn with a weight
 * proportional to 1 / (r + 1), through a table of 65536 quantiles (every
 * word has at least one): no division or search per word, which matters
 * under an emulator.
 */
#ifndef USR_TEXTGEN_H
#define USR_TEXTGEN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TG_WORDS	4096
#define TG_SYLLABLES	70
#define TG_MAXLEN	16
#define TG_QUANTILES	65536

struct textgen {
	uint64_t rng;
	uint16_t pick[TG_QUANTILES];	/* quantile -> word */
	char word[TG_WORDS][TG_MAXLEN];
	uint8_t len[TG_WORDS];
};

static inline uint64_t tg_next(struct textgen *g)
{
	uint64_t x = g->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return g->rng = x;
}

static inline void textgen_init(struct textgen *g, uint64_t seed)
{
	static const char cons[] = "bdfgklmnprstvz", vow[] = "aeiou";
	static uint64_t cdf[TG_WORDS];	/* cumulative weights */
	char syl[TG_SYLLABLES][2];
	uint64_t acc = 0;
	int i, j, n;

	/* splitmix of the seed: never 0, which would stop xorshift */
	g->rng = seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	g->rng ^= g->rng >> 31;
	if (!g->rng)
		g->rng = 1;
	for (i = 0; i < TG_SYLLABLES; i++) {
		syl[i][0] = cons[i / 5];
		syl[i][1] = vow[i % 5];
	}
	for (i = TG_SYLLABLES - 1; i > 0; i--) {
		char t0, t1;

		j = tg_next(g) % (i + 1);
		t0 = syl[i][0];
		t1 = syl[i][1];
		syl[i][0] = syl[j][0];
		syl[i][1] = syl[j][1];
		syl[j][0] = t0;
		syl[j][1] = t1;
	}
	for (i = 0; i < TG_WORDS; i++) {
		char tmp[TG_MAXLEN];
		int k = 0;

		for (n = i + 1; n > 0; n = (n - 1) / TG_SYLLABLES) {
			int d = (n - 1) % TG_SYLLABLES;

			tmp[k++] = syl[d][1];
			tmp[k++] = syl[d][0];
		}
		for (j = 0; j < k; j++)
			g->word[i][j] = tmp[k - 1 - j];
		g->len[i] = k;
		acc += 1000000u / (i + 1);
		cdf[i] = acc;
	}
	/* Quantile b is the word whose weight covers the middle of bucket b. */
	for (i = 0, j = 0; i < TG_QUANTILES; i++) {
		uint64_t point = ((uint64_t)i * acc + acc / 2) / TG_QUANTILES;

		while (cdf[j] <= point)
			j++;
		g->pick[i] = j;
	}
}

/* One word's index, Zipf-like. */
static inline int textgen_pick(struct textgen *g)
{
	return g->pick[tg_next(g) >> 48];
}

/*
 * textgen_fill(g, buf, size): the next size bytes of text: lines of 4 to
 * 15 words separated by one space; when the next word does not fit, the
 * rest is newlines.  Calls continue the stream where the last one ended
 * only at a line boundary, so fill whole buffers.
 */
static inline void textgen_fill(struct textgen *g, char *buf, size_t size)
{
	size_t pos = 0;

	for (;;) {
		int words = 4 + (int)(((tg_next(g) >> 32) * 12) >> 32), w;

		for (w = 0; w < words; w++) {
			int i = textgen_pick(g);

			if (pos + g->len[i] + 1 > size) {
				memset(buf + pos, '\n', size - pos);
				return;
			}
			memcpy(buf + pos, g->word[i], g->len[i]);
			pos += g->len[i];
			buf[pos++] = w + 1 == words ? '\n' : ' ';
		}
	}
}

#endif /* USR_TEXTGEN_H */
