// SPDX-License-Identifier: GPL-2.0
/*
 * make demo's live replacement: register a struct_ops congestion control
 * through a BPF link, then move the link to a second implementation of the
 * same name while traffic runs, with BPF_LINK_UPDATE (libbpf's
 * bpf_link__update_map()).  Built against the series' in-tree libbpf.
 *
 * usage: st_swap OBJ_A OBJ_B LINK_PIN
 *   Loads the first struct_ops map of each object as a BPF_F_LINK map,
 *   registers OBJ_A's through a link pinned at LINK_PIN, and prints the
 *   ids.  Each line read on stdin then does one step: the first moves the
 *   link to OBJ_B's map, the second exits (the pinned link keeps OBJ_B's
 *   registered; unpin it to unregister).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static struct bpf_map *load(const char *path, struct bpf_object **obj)
{
	struct bpf_map *map;

	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		return NULL;
	bpf_object__for_each_map(map, *obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		if (bpf_map__set_map_flags(map, BPF_F_LINK) ||
		    bpf_object__load(*obj))
			return NULL;
		return map;
	}
	errno = ENOENT;
	return NULL;
}

static unsigned int map_id(const struct bpf_map *map)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len) ? 0 : info.id;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj_a = NULL, *obj_b = NULL;
	struct bpf_link_info info = {};
	struct bpf_map *a, *b;
	struct bpf_link *link;
	__u32 len = sizeof(info);
	char line[64];

	if (argc != 4) {
		fprintf(stderr, "usage: %s OBJ_A OBJ_B LINK_PIN\n", argv[0]);
		return 2;
	}
	a = load(argv[1], &obj_a);
	b = load(argv[2], &obj_b);
	if (!a || !b) {
		fprintf(stderr, "st_swap: loading the objects: %s\n", strerror(errno));
		return 1;
	}
	link = bpf_map__attach_struct_ops(a);
	if (!link || bpf_link__pin(link, argv[3])) {
		fprintf(stderr, "st_swap: registering through a link: %s\n", strerror(errno));
		return 1;
	}
	bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len);
	printf("st_swap: registered map id %u through link id %u, pinned at %s\n",
	       map_id(a), info.id, argv[3]);
	fflush(stdout);

	if (!fgets(line, sizeof(line), stdin))
		return 0;
	if (bpf_link__update_map(link, b)) {
		fprintf(stderr, "st_swap: link update: %s\n", strerror(errno));
		return 1;
	}
	memset(&info, 0, sizeof(info));
	bpf_obj_get_info_by_fd(bpf_link__fd(link), &info, &len);
	printf("st_swap: link id %u now registers map id %u (was map id %u)\n",
	       info.id, info.struct_ops.map_id, map_id(a));
	fflush(stdout);

	fgets(line, sizeof(line), stdin);
	/* The pin keeps the link, and with it map B, registered. */
	bpf_link__disconnect(link);
	bpf_link__destroy(link);
	bpf_object__close(obj_a);
	bpf_object__close(obj_b);
	return 0;
}
