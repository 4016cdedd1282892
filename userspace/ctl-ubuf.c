// SPDX-License-Identifier: GPL-2.0
/*
 * sgblk-ctl biogen's user buffer: iovecs cut by a layout, each in its own
 * page-aligned mapping, filled with or checked against the pattern of
 * sgblk_pattern.h.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sgblk_pattern.h>
#include "ctl.h"

/* ---- the data check (the pattern is sgblk_pattern.h's) ---- */

static void check_range(struct check *ck, const uint8_t *p, uint64_t len,
			uint64_t devoff)
{
	while (len) {
		uint64_t blk = devoff / 512;
		uint64_t n = 512 - devoff % 512;

		if (n > len)
			n = len;
		if (ck->bad_block != blk + 1 && !sgblk_pattern_same(p, n, ck->seed, devoff)) {
			if (!ck->mismatches)
				ck->first = blk * 512;
			ck->mismatches++;
			ck->bad_block = blk + 1;
		}
		p += n;
		devoff += n;
		len -= n;
	}
}

/* ---- the user buffer: iovecs, each in its own page-aligned mapping ---- */

static const struct {
	const char *name;
	const char *spec;
} named_layouts[] = {
	{ "contig", "0@0" },
	{ "subpage", "512@7,512@1000,512@1537,512@2600,512@3584,512@511,512@2047,512@3000" },
	{ "scatter", "4096@512,4096@1024,4096@1536,4096@2048,4096@2560,4096@3072,4096@3584" },
	{ "odd", "100@1,924@4000,3000@333,72@4095" },
	{ "tiny", "512@0" },
};

int parse_layout(const char *arg, struct layout_ent **out, unsigned int *n)
{
	struct layout_ent *ents = NULL;
	unsigned int cnt = 0, i;
	char *copy, *tok, *save = NULL;
	const char *spec = arg;

	for (i = 0; i < sizeof(named_layouts) / sizeof(named_layouts[0]); i++)
		if (!strcmp(arg, named_layouts[i].name))
			spec = named_layouts[i].spec;
	copy = strdup(spec);
	if (!copy)
		return sys_fail("strdup");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *at = strchr(tok, '@');
		struct layout_ent e, *tmp;

		if (!at) {
			free(copy);
			free(ents);
			return usage_fail("iovec layout '%s': want LEN@OFF,...", arg);
		}
		*at = '\0';
		if (!parse_size(tok, &e.len) || !parse_size(at + 1, &e.off) ||
		    (!e.len && spec == arg) || e.off >= (1ULL << 32)) {
			free(copy);
			free(ents);
			return usage_fail("iovec layout '%s': bad LEN@OFF entry", arg);
		}
		tmp = realloc(ents, (cnt + 1) * sizeof(*ents));
		if (!tmp) {
			free(copy);
			free(ents);
			return sys_fail("realloc");
		}
		ents = tmp;
		ents[cnt++] = e;
	}
	free(copy);
	if (!cnt)
		return usage_fail("iovec layout '%s' is empty", arg);
	*out = ents;
	*n = cnt;
	return 0;
}

void ubuf_free(struct ubuf *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->region[i])
			munmap(b->region[i], b->region_len[i]);
	free(b->iov);
	free(b->region);
	free(b->region_len);
	memset(b, 0, sizeof(*b));
}

/* Cut @len bytes into iovecs following the layout, cycling through it. */
int ubuf_build(struct ubuf *b, const struct layout_ent *ents,
		      unsigned int nents, uint64_t len)
{
	uint64_t done = 0;
	unsigned int i = 0;

	memset(b, 0, sizeof(*b));
	while (done < len) {
		const struct layout_ent *e = &ents[i++ % nents];
		uint64_t l = e->len ? e->len : len - done;
		size_t rlen;
		void *r;

		if (l > len - done)
			l = len - done;
		if (b->n % 256 == 0) {
			size_t cap = b->n + 256;
			void *t1 = realloc(b->iov, cap * sizeof(*b->iov));
			void *t2 = t1 ? realloc(b->region, cap * sizeof(*b->region)) : NULL;
			void *t3 = t2 ? realloc(b->region_len, cap * sizeof(*b->region_len)) : NULL;

			if (t1)
				b->iov = t1;
			if (t2)
				b->region = t2;
			if (!t3) {
				ubuf_free(b);
				return sys_fail("realloc");
			}
			b->region_len = t3;
		}
		rlen = (e->off + l + PAGE - 1) & ~(PAGE - 1);
		r = mmap(NULL, rlen, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (r == MAP_FAILED) {
			ubuf_free(b);
			return sys_fail("mmap user buffer");
		}
		b->region[b->n] = r;
		b->region_len[b->n] = rlen;
		b->iov[b->n].base = (uintptr_t)r + e->off;
		b->iov[b->n].len = l;
		b->n++;
		done += l;
	}
	return 0;
}

void ubuf_fill(struct ubuf *b, uint64_t seed, uint64_t devoff)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		sgblk_pattern_fill((void *)(uintptr_t)b->iov[i].base,
				   b->iov[i].len, seed, devoff);
		devoff += b->iov[i].len;
	}
}

void ubuf_poison(struct ubuf *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		memset((void *)(uintptr_t)b->iov[i].base, 0xa5, b->iov[i].len);
}

uint64_t ubuf_checksum(struct ubuf *b)
{
	uint64_t h = SGBLK_FNV_INIT;
	unsigned int i;

	for (i = 0; i < b->n; i++)
		h = sgblk_fnv1a64(h, (const void *)(uintptr_t)b->iov[i].base,
				  b->iov[i].len);
	return h;
}

void ubuf_check(struct ubuf *b, struct check *ck, uint64_t devoff)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		check_range(ck, (const uint8_t *)(uintptr_t)b->iov[i].base,
			    b->iov[i].len, devoff);
		devoff += b->iov[i].len;
	}
}

