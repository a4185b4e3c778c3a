// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/rbtree.c: random insertions and erasures checked
 * against a sorted reference, with every red-black invariant, parent
 * link and the cached leftmost node verified along the way.
 */
#include <stdbool.h>
#include <stdlib.h>
#include "check.h"

struct rb_node {
	struct rb_node *rb_parent, *rb_left, *rb_right;
	int rb_color;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_RED		0
#define RB_BLACK	1

void k_rb_insert_color(struct rb_node *node, struct rb_root *root);
void k_rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *k_rb_first(const struct rb_root *root);
struct rb_node *k_rb_last(const struct rb_root *root);
struct rb_node *k_rb_next(const struct rb_node *node);
struct rb_node *k_rb_prev(const struct rb_node *node);

struct item {
	struct rb_node node;	/* first: a node pointer is an item pointer */
	int key;
	bool in_tree;
};

#define NITEMS	2000

static struct item items[NITEMS];
static struct rb_root root;
static struct rb_node *leftmost;
static int bad;

static void insert(struct item *it)
{
	struct rb_node **link = &root.rb_node, *parent = NULL;
	bool left = true;

	while (*link) {
		parent = *link;
		/* Equal keys go right, as the scheduler's tree does. */
		if (it->key < ((struct item *)parent)->key) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			left = false;
		}
	}
	it->node.rb_parent = parent;
	it->node.rb_left = it->node.rb_right = NULL;
	it->node.rb_color = RB_RED;
	*link = &it->node;
	if (left)
		leftmost = &it->node;
	k_rb_insert_color(&it->node, &root);
	it->in_tree = true;
}

static void erase(struct item *it)
{
	if (leftmost == &it->node)
		leftmost = k_rb_next(&it->node);
	k_rb_erase(&it->node, &root);
	it->in_tree = false;
}

/* Black height of the subtree, or -1 if an invariant is broken. */
static int check_subtree(struct rb_node *n, struct rb_node *parent,
			 int *count)
{
	int l, r;

	if (!n)
		return 1;
	(*count)++;
	if (n->rb_parent != parent)
		return -1;
	if (n->rb_color == RB_RED &&
	    ((n->rb_left && n->rb_left->rb_color == RB_RED) ||
	     (n->rb_right && n->rb_right->rb_color == RB_RED)))
		return -1;
	if (n->rb_left && ((struct item *)n->rb_left)->key > ((struct item *)n)->key)
		return -1;
	if (n->rb_right && ((struct item *)n->rb_right)->key < ((struct item *)n)->key)
		return -1;
	l = check_subtree(n->rb_left, n, count);
	r = check_subtree(n->rb_right, n, count);
	if (l < 0 || r < 0 || l != r)
		return -1;
	return l + (n->rb_color == RB_BLACK);
}

static void check_tree(int expect_count)
{
	struct rb_node *n, *prev = NULL;
	int count = 0, walked = 0;

	if (root.rb_node && root.rb_node->rb_color != RB_BLACK)
		bad++;
	if (check_subtree(root.rb_node, NULL, &count) < 0)
		bad++;
	if (count != expect_count)
		bad++;
	if (k_rb_first(&root) != leftmost)
		bad++;
	/* In-order walk forwards is sorted and complete; backwards mirrors it. */
	for (n = k_rb_first(&root); n; n = k_rb_next(n)) {
		if (prev && ((struct item *)prev)->key > ((struct item *)n)->key)
			bad++;
		if (n && k_rb_prev(n) != prev)
			bad++;
		prev = n;
		walked++;
	}
	if (walked != expect_count || k_rb_last(&root) != prev)
		bad++;
}

int main(void)
{
	int i, round, in = 0;

	srand(12345);
	CHECK_PTR(k_rb_first(&root), NULL);
	for (round = 0; round < 20; round++) {
		/* Fill with random keys (many duplicates), check, drain. */
		for (i = 0; i < NITEMS; i++) {
			items[i].key = rand() % (round & 1 ? 50 : 100000);
			insert(&items[i]);
			in++;
			if (i % 97 == 0)
				check_tree(in);
		}
		check_tree(in);
		for (i = 0; i < 4 * NITEMS; i++) {
			struct item *it = &items[rand() % NITEMS];

			if (it->in_tree) {
				erase(it);
				in--;
			} else {
				it->key = rand() % 1000;
				insert(it);
				in++;
			}
			if (i % 101 == 0)
				check_tree(in);
		}
		check_tree(in);
		for (i = 0; i < NITEMS; i++) {
			if (items[i].in_tree) {
				erase(&items[i]);
				in--;
			}
		}
		check_tree(0);
		CHECK_PTR(root.rb_node, NULL);
	}
	/* Draining always from the left, as the scheduler's pick does. */
	for (i = 0; i < NITEMS; i++) {
		items[i].key = rand();
		insert(&items[i]);
	}
	for (i = 0; i < NITEMS; i++) {
		struct item *first = (struct item *)leftmost;
		int j;

		for (j = 0; j < NITEMS; j++)
			if (items[j].in_tree && items[j].key < first->key)
				bad++;
		erase(first);
	}
	check_tree(0);
	CHECK_INT(bad, 0);
	return check_report();
}
