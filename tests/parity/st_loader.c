// SPDX-License-Identifier: GPL-2.0
/*
 * Register a BPF congestion control with the libbpf this is linked against
 * (make parity links Debian's libbpf 1.1), read it back, unregister it.
 * Prints one "check OK|FAIL detail" line per step, for scripts/parity-guest.sh.
 *
 * usage: st_loader OBJECT NAME
 *   OBJECT  a BPF object with one struct_ops map of struct tcp_congestion_ops
 *   NAME    the algorithm's name, as in tcp_available_congestion_control
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define AVAIL "/proc/sys/net/ipv4/tcp_available_congestion_control"

/* Is @name a word of the available list? */
static int available(const char *name)
{
	char buf[4096], *tok, *save;
	FILE *f = fopen(AVAIL, "r");

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, name))
			return 1;
	return 0;
}

static int report(const char *check, int ok, const char *detail)
{
	printf("%s %s %s\n", check, ok ? "OK" : "FAIL", detail);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct bpf_map *map, *st_map = NULL;
	struct bpf_link *link;
	struct bpf_object *obj;
	char detail[256];
	__u32 zero = 0, state;
	void *value;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJECT NAME\n", argv[0]);
		return 2;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		snprintf(detail, sizeof(detail), "open %s: %s", argv[1], strerror(errno));
		return report("load", 0, detail);
	}
	err = bpf_object__load(obj);
	snprintf(detail, sizeof(detail), "libbpf %s: %s", libbpf_version_string(),
		 err ? strerror(-err) : "loaded");
	if (report("load", !err, detail))
		goto close;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS)
			st_map = map;
	if (!st_map) {
		report("register", 0, "no struct_ops map in the object");
		goto close;
	}
	link = bpf_map__attach_struct_ops(st_map);
	if (!link) {
		snprintf(detail, sizeof(detail), "attach: %s", strerror(errno));
		report("register", 0, detail);
		goto close;
	}
	report("register", available(argv[2]) == 1, "in the available list");

	/* refcnt, then state (1: BPF_STRUCT_OPS_STATE_INUSE), then the struct. */
	value = calloc(1, bpf_map__value_size(st_map));
	if (value && !bpf_map_lookup_elem(bpf_map__fd(st_map), &zero, value)) {
		memcpy(&state, (char *)value + sizeof(__u32), sizeof(state));
		snprintf(detail, sizeof(detail), "state %u", state);
		report("lookup", state == 1, detail);
	} else {
		snprintf(detail, sizeof(detail), "lookup: %s", strerror(errno));
		report("lookup", 0, detail);
	}
	free(value);

	err = bpf_link__destroy(link);
	snprintf(detail, sizeof(detail), "destroy: %s", err ? strerror(-err) : "done");
	report("unregister", !err && available(argv[2]) == 0, detail);
close:
	bpf_object__close(obj);
	return 0;
}
