// SPDX-License-Identifier: GPL-2.0
/*
 * The mirrored VMAs of a user address space (include/tessera/user_mm.h):
 * an rbtree of struct vm_area by start address, under mm->lock.
 */
#include <tessera/kernel.h>
#include <tessera/rbtree.h>
#include <tessera/user_mm.h>

struct vm_area *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *n = mm->vmas.rb_node;

	while (n) {
		struct vm_area *vma = rb_entry(n, struct vm_area, rb);

		if (addr < vma->start)
			n = n->rb_left;
		else if (addr >= vma->end)
			n = n->rb_right;
		else
			return vma;
	}
	return NULL;
}

void vma_link(struct mm_struct *mm, struct vm_area *vma)
{
	struct rb_node **link = &mm->vmas.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (vma->start < rb_entry(parent, struct vm_area, rb)->start)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&vma->rb, parent, link);
	rb_insert_color(&vma->rb, &mm->vmas);
}
