/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_SLAB_H
#define _TESSERA_SLAB_H

#include <tessera/types.h>
#include <tessera/gfp.h>

/*
 * The slab allocator: caches of equally sized objects carved out of
 * pages, and kmalloc() on top of them.
 *
 * Placement invariant: an object of at most PAGE_SIZE bytes never
 * straddles a page boundary; a bigger one starts on a page boundary and
 * covers whole pages.  Drivers may therefore hand any kmalloc()ed buffer
 * of up to a page to hardware as one physically contiguous page range.
 */

/* kmem_cache_create() flags */
#define SLAB_HWCACHE_ALIGN	0x1UL	/* align objects to cache lines (64) */
#define SLAB_PANIC		0x2UL	/* panic if the cache cannot be made */

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_MAX_CACHE_SIZE	8192	/* bigger: whole pages */

/* kmalloc(0) returns this: not NULL, but faults on any access. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

/**
 * kmem_cache_create - make a cache of objects
 * @name: for reports and statistics (copied)
 * @size: object size in bytes
 * @align: minimum alignment (power of two, at most PAGE_SIZE), or 0
 * @flags: SLAB_HWCACHE_ALIGN, SLAB_PANIC
 * @ctor: called on each object when its slab is created, or NULL; freed
 *        objects must be returned in their constructed state
 *
 * Returns the cache, or NULL.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *));
/* Free a cache; all its objects must have been freed. */
void kmem_cache_destroy(struct kmem_cache *s);
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);
/* Give the cache's empty slabs back to the page allocator. */
void kmem_cache_shrink(struct kmem_cache *s);

struct slab_info {
	const char *name;
	unsigned long active_objs;	/* allocated objects */
	unsigned long num_objs;		/* object slots in all slabs */
	unsigned long num_slabs;
	unsigned int object_size;	/* as requested */
	unsigned int stride;		/* distance between objects */
	unsigned int objs_per_slab;
	unsigned int pages_per_slab;
};

void kmem_cache_info(struct kmem_cache *s, struct slab_info *info);

/* General-purpose allocation: 8 .. 8192 bytes from caches, more from pages. */
void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *p);
/* Usable size of a kmalloc()ed object (at least what was asked). */
size_t ksize(const void *p);
/* Resize, keeping the contents; returns p itself when it is big enough. */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/* A kmalloc()ed copy of the NUL-terminated string s. */
static inline char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len = __builtin_strlen(s) + 1;
	char *d = kmalloc(len, gfp);

	if (d)
		__builtin_memcpy(d, s, len);
	return d;
}

/* n * size bytes, or NULL if that overflows. */
static inline void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}

/* The cache kmalloc(size) uses, or NULL for page-sized allocations. */
struct kmem_cache *kmalloc_slab(size_t size);

#endif /* _TESSERA_SLAB_H */
