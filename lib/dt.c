/*
 * Device-tree helpers over libfdt. Contracts are in include/dt.h.
 *
 * The blob is untrusted: every property length is checked before a cell
 * is read, cells are read with fdt32_ld() (a property value is only 4-byte
 * aligned, and the blob may sit in Device memory before the MMU is on),
 * and walks up the tree stop after DT_MAX_DEPTH steps.
 */
#include <dt.h>

#include <errno.h>
#include <libfdt.h>
#include <string.h>

#define DT_CELL_SIZE ((int)sizeof(fdt32_t))

/* A single non-empty string: first NUL is the last byte of the value. */
static bool dt_is_string(const char *p, int len)
{
	return p && len >= 2 && strnlen(p, (size_t)len) == (size_t)len - 1;
}

/*
 * A "#...-cells" property of @node: @def if absent, -EINVAL if not one
 * cell or above @max.
 */
static int dt_cells_prop(const void *fdt, int node, const char *name, int def,
			 int max)
{
	const fdt32_t *p;
	u32 val;
	int len;

	p = fdt_getprop(fdt, node, name, &len);
	if (!p)
		return len == -FDT_ERR_NOTFOUND ? def : -EINVAL;
	if (len != DT_CELL_SIZE)
		return -EINVAL;
	val = fdt32_ld(p);
	if (val > (u32)max)
		return -EINVAL;
	return (int)val;
}

int dt_check(const void *fdt, size_t max_size)
{
	int ret;

	/* fdt_check_header() reads every header field: keep it inside. */
	if (max_size < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	ret = fdt_check_header(fdt);
	if (ret)
		return ret;
	if (fdt_totalsize(fdt) > max_size)
		return -FDT_ERR_TRUNCATED;
	return fdt_check_full(fdt, max_size);
}

bool dt_is_available(const void *fdt, int node)
{
	const char *status;
	int len;

	status = fdt_getprop(fdt, node, "status", &len);
	if (!status)
		return len == -FDT_ERR_NOTFOUND;
	/* Exact lengths: "okay\0x\0" or an unterminated "okay" is not okay. */
	if (len == sizeof("okay"))
		return !memcmp(status, "okay", sizeof("okay"));
	if (len == sizeof("ok"))
		return !memcmp(status, "ok", sizeof("ok"));
	return false;
}

int dt_addr_cells(const void *fdt, int parent)
{
	return dt_cells_prop(fdt, parent, "#address-cells",
			     DT_ADDR_CELLS_DEFAULT, DT_ADDR_CELLS_MAX);
}

int dt_size_cells(const void *fdt, int parent)
{
	return dt_cells_prop(fdt, parent, "#size-cells", DT_SIZE_CELLS_DEFAULT,
			     DT_SIZE_CELLS_MAX);
}

int dt_read_cells(const void *p, int cells, u64 *out)
{
	const fdt32_t *c = p;

	switch (cells) {
	case 1:
		*out = fdt32_ld(c);
		return 0;
	case 2:
		*out = ((u64)fdt32_ld(c) << 32) | fdt32_ld(c + 1);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * The @index-th pair of @node's `reg`, decoded with @na address cells
 * (1 or 2) and @ns size cells (0..2). Errors as dt_reg().
 */
static int dt_reg_cells(const void *fdt, int node, int index, int na, int ns,
			u64 *addr, u64 *size)
{
	const fdt32_t *reg;
	int len, entry;
	u64 a, s = 0;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len == -FDT_ERR_NOTFOUND ? -ENOENT : -EINVAL;
	entry = (na + ns) * DT_CELL_SIZE;
	if (len % entry)
		return -EINVAL;
	if (index >= len / entry)
		return -ENOENT;

	reg += index * (na + ns);
	if (dt_read_cells(reg, na, &a))
		return -EINVAL;
	if (ns && dt_read_cells(reg + na, ns, &s))
		return -EINVAL;
	if (s && a + (s - 1) < a)
		return -EINVAL;

	*addr = a;
	*size = s;
	return 0;
}

/* Cell counts of a bus for decoding its children's `reg`. */
static int dt_bus_cells(const void *fdt, int bus, int *na, int *ns)
{
	*na = dt_addr_cells(fdt, bus);
	*ns = dt_size_cells(fdt, bus);
	if (*na < 0 || *ns < 0)
		return -EINVAL;
	if (*na == 3)
		return -EOPNOTSUPP;
	if (*na == 0)
		return -EINVAL;
	return 0;
}

int dt_reg(const void *fdt, int node, int index, u64 *addr, u64 *size)
{
	int parent, na, ns, ret;

	if (index < 0)
		return -EINVAL;
	parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return -EINVAL;
	ret = dt_bus_cells(fdt, parent, &na, &ns);
	if (ret)
		return ret;
	return dt_reg_cells(fdt, node, index, na, ns, addr, size);
}

/*
 * Map @addr from @bus's child address space into @parent's through @bus's
 * `ranges`. Each entry is
 *
 *   <child-addr: na cells> <parent-addr: pna cells> <size: ns cells>
 *
 * with na/ns from @bus and pna from @parent (DT spec v0.4, 2.3.8).
 */
static int dt_translate_one(const void *fdt, int bus, int parent, u64 *addr)
{
	const fdt32_t *ranges;
	int len, na, pna, ns, entry, n, i;
	u64 cb, pb, s, off;

	ranges = fdt_getprop(fdt, bus, "ranges", &len);
	if (!ranges)
		return -EINVAL;

	na = dt_addr_cells(fdt, bus);
	pna = dt_addr_cells(fdt, parent);
	ns = dt_size_cells(fdt, bus);
	if (na < 0 || pna < 0 || ns < 0)
		return -EINVAL;
	if (na == 3 || pna == 3)
		return -EOPNOTSUPP;
	if (len == 0)
		return 0;
	if (na == 0 || pna == 0 || ns == 0)
		return -EINVAL;

	entry = (na + pna + ns) * DT_CELL_SIZE;
	if (len % entry)
		return -EINVAL;
	n = len / entry;
	for (i = 0; i < n; i++, ranges += na + pna + ns) {
		dt_read_cells(ranges, na, &cb);
		dt_read_cells(ranges + na, pna, &pb);
		dt_read_cells(ranges + na + pna, ns, &s);
		/* Written as a difference so that cb + s may wrap. */
		if (*addr < cb || *addr - cb >= s)
			continue;
		off = *addr - cb;
		if (pb + off < pb)
			return -EINVAL;
		*addr = pb + off;
		return 0;
	}
	return -ERANGE;
}

int dt_translate(const void *fdt, int node, u64 addr, phys_addr_t *pa)
{
	int bus, parent, steps, ret;

	bus = fdt_parent_offset(fdt, node);
	if (bus < 0)
		return -EINVAL;
	/* libfdt puts the root at structure offset 0. */
	for (steps = 0; bus != 0; steps++) {
		if (steps >= DT_MAX_DEPTH)
			return -EINVAL;
		parent = fdt_parent_offset(fdt, bus);
		if (parent < 0)
			return -EINVAL;
		ret = dt_translate_one(fdt, bus, parent, &addr);
		if (ret)
			return ret;
		bus = parent;
	}
	*pa = addr;
	return 0;
}

int dt_reg_phys(const void *fdt, int node, int index, phys_addr_t *pa,
		u64 *size)
{
	phys_addr_t p;
	u64 a, s;
	int ret;

	ret = dt_reg(fdt, node, index, &a, &s);
	if (ret)
		return ret;
	ret = dt_translate(fdt, node, a, &p);
	if (ret)
		return ret;
	if (s && p + (s - 1) < p)
		return -ERANGE;
	*pa = p;
	*size = s;
	return 0;
}

/*
 * Whether /aliases/@name (first @namelen bytes) is a NUL-terminated
 * absolute path: the checks libfdt 1.6.1's fdt_get_alias_namelen() lacks
 * (an alias naming itself sends fdt_path_offset() into endless recursion).
 */
static bool dt_alias_ok(const void *fdt, const char *name, int namelen)
{
	const char *val;
	int aliases, len;

	aliases = fdt_path_offset(fdt, "/aliases");
	if (aliases < 0)
		return false;
	val = fdt_getprop_namelen(fdt, aliases, name, namelen, &len);
	return dt_is_string(val, len) && val[0] == '/';
}

int dt_stdout_node(const void *fdt, int *node)
{
	const char *path, *end;
	int chosen, len, pathlen, off;

	chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		return -ENOENT;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
	if (!path)
		return -ENOENT;
	if (!dt_is_string(path, len))
		return -EINVAL;

	/* Node names cannot contain ':' (DT spec v0.4, 2.2.1): options. */
	end = memchr(path, ':', (size_t)len - 1);
	pathlen = end ? (int)(end - path) : len - 1;
	if (pathlen == 0)
		return -EINVAL;

	if (path[0] != '/') {
		end = memchr(path, '/', (size_t)pathlen);
		if (!dt_alias_ok(fdt, path, end ? (int)(end - path) : pathlen))
			return -ENODEV;
	}
	off = fdt_path_offset_namelen(fdt, path, pathlen);
	if (off < 0)
		return -ENODEV;
	*node = off;
	return 0;
}

/* Insert @r into the sorted @out[0..*n), keeping at most @max entries. */
static void dt_mem_insert(struct dt_mem_range *out, int max, int *n,
			  struct dt_mem_range r)
{
	int i = *n;

	if (i == max) {
		if (!max || r.base >= out[max - 1].base)
			return;
		i--; /* the largest one drops out */
	} else {
		(*n)++;
	}
	for (; i > 0 && out[i - 1].base > r.base; i--)
		out[i] = out[i - 1];
	out[i] = r;
}

int dt_memory(const void *fdt, struct dt_mem_range *out, int max, int *count,
	      int *bad_node)
{
	struct dt_mem_range r;
	const char *type;
	int node, na, ns, len, i, ret, found = 0, stored = 0;

	*count = 0;
	na = dt_addr_cells(fdt, 0);
	ns = dt_size_cells(fdt, 0);
	if (na < 1 || na > 2 || ns < 1) {
		if (bad_node)
			*bad_node = 0;
		return -EINVAL;
	}

	fdt_for_each_subnode(node, fdt, 0) {
		type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len != sizeof("memory") ||
		    memcmp(type, "memory", sizeof("memory")))
			continue;
		if (!dt_is_available(fdt, node))
			continue;
		for (i = 0;; i++) {
			ret = dt_reg_cells(fdt, node, i, na, ns, &r.base,
					   &r.size);
			if (ret == -ENOENT && i > 0)
				break;
			if (ret) {
				if (bad_node)
					*bad_node = node;
				return -EINVAL;
			}
			if (!r.size)
				continue;
			found++;
			dt_mem_insert(out, max, &stored, r);
		}
	}
	if (node != -FDT_ERR_NOTFOUND) {
		if (bad_node)
			*bad_node = 0;
		return -EINVAL;
	}

	*count = found;
	if (!found)
		return -ENOENT;
	return found > max ? -ENOSPC : 0;
}

bool dt_is_compatible(const void *fdt, int node, const char *compat)
{
	return fdt_node_check_compatible(fdt, node, compat) == 0;
}

int dt_find_compatible(const void *fdt, int start, const char *const *compats)
{
	const char *const *c;
	int node = start;

	/* fdt_next_node() moves strictly forward and stops at FDT_END. */
	for (;;) {
		node = fdt_next_node(fdt, node, NULL);
		if (node < 0)
			return node;
		if (!dt_is_available(fdt, node))
			continue;
		for (c = compats; *c; c++)
			if (dt_is_compatible(fdt, node, *c))
				return node;
	}
}

const char *dt_model(const void *fdt)
{
	const char *model;
	int len;

	model = fdt_getprop(fdt, 0, "model", &len);
	return dt_is_string(model, len) ? model : NULL;
}

int dt_path(const void *fdt, int node, char *buf, int len)
{
	static const char unknown[] = "<unknown>";
	int ret, n;

	if (!buf || len < 1)
		return -FDT_ERR_NOSPACE;
	ret = fdt_get_path(fdt, node, buf, len);
	if (ret) {
		n = (int)sizeof(unknown) - 1;
		if (n > len - 1)
			n = len - 1;
		memcpy(buf, unknown, (size_t)n);
		buf[n] = '\0';
	}
	return ret;
}
