/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TESSERA_RBTREE_H
#define _TESSERA_RBTREE_H

/*
 * Red-black trees (lib/rbtree.c), used the Linux way: the node is
 * embedded in the object, the caller walks down to find the link where a
 * new node goes (so the tree needs no comparison callback), links it
 * with rb_link_node() and rebalances with rb_insert_color().  Insertion
 * and erasure are O(log n).  No locking.
 */
#include <tessera/compiler.h>
#include <tessera/types.h>

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_left;
	struct rb_node *rb_right;
	int rb_color;
};

struct rb_root {
	struct rb_node *rb_node;
};

/* A tree that also remembers its leftmost (smallest) node. */
struct rb_root_cached {
	struct rb_root rb_root;
	struct rb_node *rb_leftmost;
};

#define RB_RED		0
#define RB_BLACK	1

#define RB_ROOT		(struct rb_root) { NULL }
#define RB_ROOT_CACHED	(struct rb_root_cached) { { NULL }, NULL }

#define rb_entry(ptr, type, member)	container_of(ptr, type, member)

/* A node that is in no tree points at itself. */
#define RB_CLEAR_NODE(n)	((n)->rb_parent = (n))
#define RB_EMPTY_NODE(n)	((n)->rb_parent == (n))
#define RB_EMPTY_ROOT(root)	((root)->rb_node == NULL)

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	node->rb_color = RB_RED;
	*link = node;
}

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);

struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

/* leftmost: the caller went only left on its way down. */
static inline void rb_insert_color_cached(struct rb_node *node,
					  struct rb_root_cached *root,
					  bool leftmost)
{
	if (leftmost)
		root->rb_leftmost = node;
	rb_insert_color(node, &root->rb_root);
}

static inline void rb_erase_cached(struct rb_node *node,
				   struct rb_root_cached *root)
{
	if (root->rb_leftmost == node)
		root->rb_leftmost = rb_next(node);
	rb_erase(node, &root->rb_root);
}

static inline struct rb_node *rb_first_cached(const struct rb_root_cached *root)
{
	return root->rb_leftmost;
}

#endif /* _TESSERA_RBTREE_H */
