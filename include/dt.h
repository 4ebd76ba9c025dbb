/*
 * Device-tree helpers over libfdt: header and structure check, cell and
 * `reg` decoding, address translation through `ranges`, /chosen, /memory.
 *
 * Everything here reads a DTB that came from outside the firmware, so
 * every property length is checked and every malformed value is returned
 * as a negative error code, never printed: the caller reports it together
 * with the node's path (dt_path()). Nothing here touches hardware, so the
 * same file is built for the image and for the host tests.
 *
 * Call dt_check() once on a new blob before anything else: the other
 * functions rely on libfdt's read-only accessors, which assume a
 * structurally valid tree.
 *
 * Error codes, unless a function says otherwise:
 *   -EINVAL      a property is malformed (length, value, termination)
 *   -ENOENT      a property or node the caller asked for is absent
 *   -EOPNOTSUPP  a well-formed encoding this code does not handle yet
 *                (3-cell PCI addresses)
 *
 * Reference: Devicetree Specification v0.4, chapter 2.3 (standard
 * properties: status, #address-cells, #size-cells, reg, ranges) and 3.3/3.5
 * (/aliases, /chosen), 3.4 (/memory).
 */
#ifndef DT_H
#define DT_H

#include <types.h>

/*
 * Longest chain of parents the helpers follow. Real trees are under 10
 * deep; a hostile blob can nest thousands of nodes, and every parent step
 * in libfdt is a linear scan, so the walk is cut off here.
 */
#define DT_MAX_DEPTH 32

/* Defaults for a node without the property (DT spec v0.4, 2.3.5). */
#define DT_ADDR_CELLS_DEFAULT 2
#define DT_SIZE_CELLS_DEFAULT 1

/* Largest cell counts accepted: 3 address cells is PCI's phys.hi/mid/lo. */
#define DT_ADDR_CELLS_MAX 3
#define DT_SIZE_CELLS_MAX 2

/* One RAM bank from a /memory node, in CPU physical addresses. */
struct dt_mem_range {
	phys_addr_t base;
	u64 size;
};

/*
 * dt_check() - validate a DTB before any other use.
 * @fdt: the blob, 8-byte aligned (libfdt 1.6.1 refuses anything else
 *       with -FDT_ERR_ALIGNMENT).
 * @max_size: bytes readable at @fdt; nothing past it is read.
 *
 * Checks the header (magic, version, block offsets), that totalsize fits
 * in @max_size, and walks the whole structure block (fdt_check_full():
 * tag sequence, nesting, property name offsets inside the strings block).
 *
 * Return: 0 if the blob is usable, else a negative libfdt code
 * (-FDT_ERR_TRUNCATED, -FDT_ERR_BADMAGIC, -FDT_ERR_BADSTRUCTURE, ...) for
 * the caller to print with fdt_strerror().
 */
int dt_check(const void *fdt, size_t max_size);

/*
 * dt_is_available() - whether a node's `status` lets it be used.
 * @node: node offset.
 *
 * Return: true if `status` is absent, "okay" or "ok" (exact strings,
 * NUL included); false for any other value, a malformed one, or an
 * invalid @node.
 */
bool dt_is_available(const void *fdt, int node);

/*
 * dt_addr_cells() - #address-cells of a bus node.
 * @parent: the bus node whose children's addresses are being decoded.
 *
 * Return: the value (0..DT_ADDR_CELLS_MAX), DT_ADDR_CELLS_DEFAULT if the
 * property is absent, -EINVAL if it is not exactly one cell, is larger
 * than DT_ADDR_CELLS_MAX, or @parent is not a node.
 */
int dt_addr_cells(const void *fdt, int parent);

/*
 * dt_size_cells() - #size-cells of a bus node.
 * @parent: the bus node.
 *
 * Return: the value (0..DT_SIZE_CELLS_MAX), DT_SIZE_CELLS_DEFAULT if
 * absent, -EINVAL if not exactly one cell, larger than DT_SIZE_CELLS_MAX,
 * or @parent is not a node.
 */
int dt_size_cells(const void *fdt, int parent);

/*
 * dt_read_cells() - a 1- or 2-cell big-endian number.
 * @p: first cell; need not be aligned (read with fdt32_ld()).
 * @cells: 1 or 2.
 * @out: the value.
 *
 * The caller has checked that @cells cells are inside the property.
 *
 * Return: 0, or -EINVAL if @cells is not 1 or 2 (@out untouched).
 */
int dt_read_cells(const void *p, int cells, u64 *out);

/*
 * dt_reg() - one (address, size) pair of a node's `reg`.
 * @node: the device node.
 * @index: which pair, from 0.
 * @addr: the address, in the parent bus's address space.
 * @size: the size; 0 when the parent has #size-cells = <0>.
 *
 * The pair is decoded with the parent's #address-cells and #size-cells.
 *
 * Return: 0;
 *   -ENOENT      no `reg`, or @index is past the last pair;
 *   -EINVAL      the parent's cell counts are malformed or #address-cells
 *                is 0, `reg` is not a whole number of pairs, @index < 0,
 *                @node is the root or not a node, or addr + size wraps
 *                past 2^64;
 *   -EOPNOTSUPP  the parent has 3 address cells (PCI).
 * @addr and @size are written only on success.
 */
int dt_reg(const void *fdt, int node, int index, u64 *addr, u64 *size);

/*
 * dt_translate() - bus address to CPU physical address.
 * @node: the node whose `reg` holds @addr; @addr is in the address space
 *        of @node's parent.
 * @addr: the bus address.
 * @pa: the CPU physical address.
 *
 * Walks up from @node's parent to the root. Each bus on the way maps its
 * children's addresses into its own parent's space through `ranges`
 * (child-addr parent-addr size, in the bus's #address-cells, its parent's
 * #address-cells and the bus's #size-cells): an empty `ranges` is the
 * identity, a missing one means the bus is not memory-mapped (DT spec
 * v0.4, 2.3.8). The root's address space is the CPU physical one.
 *
 * Return: 0;
 *   -EINVAL      a bus on the way has no `ranges`, malformed cell counts,
 *                a `ranges` that is not a whole number of entries or has
 *                #size-cells = <0>, a translated address that wraps past
 *                2^64, or the tree is deeper than DT_MAX_DEPTH;
 *   -ERANGE      @addr falls in none of a bus's `ranges` entries;
 *   -EOPNOTSUPP  a bus or its parent uses 3 address cells (PCI).
 * @pa is written only on success.
 */
int dt_translate(const void *fdt, int node, u64 addr, phys_addr_t *pa);

/*
 * dt_reg_phys() - dt_reg() then dt_translate(): a `reg` pair as CPU
 * physical address and size.
 *
 * Return: 0, any error of dt_reg() or dt_translate(), or -ERANGE if the
 * translated region wraps past 2^64. @pa and @size are written only on
 * success.
 */
int dt_reg_phys(const void *fdt, int node, int index, phys_addr_t *pa,
		u64 *size);

/*
 * dt_stdout_node() - the console node named by /chosen.
 * @node: its offset.
 *
 * Reads /chosen/stdout-path, or the older linux,stdout-path. The value is
 * a full path ("/pl011@9000000") or an alias with an optional rest of
 * path ("serial0", "uarts/uart@0"), either followed by an optional
 * ":options" (baud rate etc.) that is ignored here. The alias's own value
 * is checked to be a NUL-terminated absolute path before libfdt resolves
 * it: libfdt 1.6.1 does not check, and recurses forever on an alias that
 * names itself.
 *
 * Return: 0;
 *   -ENOENT  no /chosen, or neither property;
 *   -EINVAL  the value is not one NUL-terminated string, or its path part
 *            is empty;
 *   -ENODEV  the path or alias names no node (or the alias's value is not
 *            an absolute path).
 * @node is written only on success.
 */
int dt_stdout_node(const void *fdt, int *node);

/*
 * dt_memory() - the RAM banks described by /memory nodes.
 * @out: array for the banks, sorted by base.
 * @max: entries in @out.
 * @count: number of non-empty banks found (also on -ENOSPC).
 * @bad_node: NULL, or where to store the offset of the node at fault on
 *            -EINVAL so the caller can report its path.
 *
 * Takes every available child of the root whose device_type is "memory"
 * and every pair of its `reg`, decoded with the root's cell counts (the
 * root has no parent bus, so no translation). Zero-size pairs are skipped.
 *
 * Return: 0;
 *   -ENOENT  no non-empty bank at all;
 *   -ENOSPC  more than @max banks; @out holds the @max lowest ones,
 *            sorted, and @count says how many there are;
 *   -EINVAL  the root's cell counts are malformed, 3-cell or
 *            #size-cells = <0>, or a memory node has an absent, empty or
 *            malformed `reg`, or a bank that wraps past 2^64 (@bad_node
 *            is then that node, or the root for the cell counts).
 */
int dt_memory(const void *fdt, struct dt_mem_range *out, int max, int *count,
	      int *bad_node);

/*
 * dt_is_compatible() - whether a node's `compatible` list contains
 * @compat (exact string match, any position).
 *
 * Return: true if it does; false if not, or if `compatible` is absent or
 * @node is invalid.
 */
bool dt_is_compatible(const void *fdt, int node, const char *compat);

/*
 * dt_find_compatible() - next available node matching any of @compats.
 * @start: search after this node offset; -1 to start from the root.
 * @compats: NULL-terminated list of compatible strings.
 *
 * Disabled nodes (dt_is_available() false) are skipped.
 *
 * Return: the node offset, -FDT_ERR_NOTFOUND when no further node
 * matches, or another negative libfdt code if the walk failed.
 */
int dt_find_compatible(const void *fdt, int start, const char *const *compats);

/*
 * dt_model() - the root's `model` string.
 *
 * Return: the string inside the blob, or NULL if absent, empty, or not a
 * single NUL-terminated string.
 */
const char *dt_model(const void *fdt);

/*
 * dt_path() - a node's full path, for messages.
 * @buf: output, always NUL-terminated when @len > 0.
 * @len: size of @buf.
 *
 * On failure (bad offset, @buf too small for the path) @buf holds
 * "<unknown>", truncated to fit.
 *
 * Return: 0, or the negative libfdt code from fdt_get_path()
 * (-FDT_ERR_NOSPACE if @len < 1).
 */
int dt_path(const void *fdt, int node, char *buf, int len);

#endif /* DT_H */
