/*
 * The NVMe driver's pure logic (drivers/nvme/nvme_lib.c): no MMIO, no DMA
 * API, so host tests (tests/host/test_nvme_lib.c) run it natively.
 *
 * PRP rule (NVMe 1.4 4.3, "Physical Region Page Entry and List"): a
 * command's data is a list of memory pages. The first entry (PRP1) may
 * start anywhere in its page (dword aligned); every further entry names a
 * whole page from its start, and the transfer runs through the end of
 * every page but the last. For a list of mapped segments that means:
 *
 *   seg 0:   start dword aligned, end page aligned (unless it is the last)
 *   seg 1..: start page aligned,  end page aligned (unless it is the last)
 *
 *   page  |.......|.......|.......|       (device view, DMA addresses)
 *   seg 0      [==========]               start anywhere (dword), end on a page
 *   seg 1                      [===]      start on a page, end anywhere
 *
 * PRP1 is the first entry; PRP2 is the second entry when the command
 * touches exactly two pages, else the DMA address of a PRP list (one
 * page-aligned page here) holding entries 2..n.
 */
#ifndef DRIVERS_NVME_LIB_H
#define DRIVERS_NVME_LIB_H

#include <types.h>

/* One mapped piece of a request, as the device sees it. */
struct nvme_dma_seg {
	u64 addr;	/* DMA address (an IOVA behind the SMMU) */
	u32 len;	/* bytes, > 0 */
};

/*
 * nvme_prp_violation() - check @n segments against the PRP rule for pages
 * of @page_size bytes (a power of two).
 * Return: -1 when a command may carry them as PRPs, else the index of the
 * first segment that breaks the rule (start not dword aligned for segment
 * 0, not page aligned for the others, or an end that is not page aligned
 * on any but the last).
 */
int nvme_prp_violation(const struct nvme_dma_seg *segs, unsigned int n, u32 page_size);

/*
 * nvme_prp_chunk() - how many bytes of the request one command carries,
 * starting @pos bytes into the segments: at most @left bytes, at most
 * @max_pages pages (from the page @pos falls in), at most @max_bytes
 * (the controller's MDTS; 0: no limit), rounded down to whole
 * @block_size blocks. The segments must follow the PRP rule.
 * Return: the byte count (a multiple of @block_size), or 0 if not even one
 * block fits (@block_size larger than the pages allowed).
 */
u64 nvme_prp_chunk(const struct nvme_dma_seg *segs, unsigned int n, u64 pos, u64 left,
		   u32 page_size, u32 max_pages, u64 max_bytes, u32 block_size);

/*
 * nvme_prp_build() - the data pointer of one command moving @len bytes
 * starting @pos bytes into the segments: PRP1, PRP2 and, when more than two
 * pages are touched, the PRP list entries in @list (capacity @list_cap
 * entries; @list_dma is its DMA address, page aligned).
 * Return: the number of pages (PRP entries) the command touches (>= 1);
 * -EINVAL if @len is 0, runs past the segments, or the segments break the
 * PRP rule inside the range; -E2BIG if the list would need more than
 * @list_cap entries. On error @prp1, @prp2 and @list hold nothing useful.
 */
int nvme_prp_build(const struct nvme_dma_seg *segs, unsigned int n, u64 pos, u64 len,
		   u32 page_size, u64 *list, unsigned int list_cap, u64 list_dma, u64 *prp1,
		   u64 *prp2);

/*
 * Completion status: @dw3 is completion dword 3 (status field in 31:17).
 * nvme_status_ok() - SCT and SC are both 0 (CRD, M, DNR do not matter then).
 * nvme_status_errno() - 0 for success, else the -errno the driver returns:
 *   -ERANGE  LBA Out of Range, Capacity Exceeded (as blockdev_rw's range check)
 *   -EINVAL  Invalid Field, Invalid Namespace or Format, PRP Offset Invalid,
 *            queue creation parameters
 *   -EOPNOTSUPP  Invalid Command Opcode
 *   -ECANCELED   the command was aborted (abort, SQ deletion, preemption, host)
 *   -EROFS   write protected / read-only range
 *   -EBUSY   reservation conflict, format or sanitize in progress
 *   -EAGAIN  namespace not ready, transient errors
 *   -EILSEQ  end-to-end protection errors, compare failure
 *   -EACCES  access denied, operation denied
 *   -EIO     everything else (media, data transfer, internal, path, vendor)
 * nvme_status_text() - the specification's name for the status, e.g.
 *   "LBA Out of Range", or "unknown status" for codes it does not list.
 * nvme_status_format() - "<text> (SCT 0x0, SC 0x80[, more][, DNR])" into
 *   @buf (@size bytes, always terminated). Return: @buf.
 */
bool nvme_status_ok(u32 dw3);
int nvme_status_errno(u32 dw3);
const char *nvme_status_text(u32 dw3);
const char *nvme_status_format(char *buf, size_t size, u32 dw3);

/*
 * Queue arithmetic (NVMe 1.4 4.1): a queue of @depth entries is full when
 * the tail is one behind the head; a completion entry is new when its
 * phase tag equals the phase the host expects, which inverts every time
 * the host's head wraps to 0.
 */
struct nvme_cq_pos {
	u16 head;
	u16 depth;
	u8 phase;	/* 1 after the queue's memory was zeroed and the queue created */
};

u16 nvme_q_next(u16 idx, u16 depth);
bool nvme_sq_full(u16 tail, u16 head, u16 depth);
bool nvme_cqe_is_new(u32 dw3, const struct nvme_cq_pos *p);
void nvme_cq_advance(struct nvme_cq_pos *p);

/*
 * nvme_db_offset() - BAR0 offset of queue @qid's doorbell: the SQ tail
 * doorbell, or with @cq the CQ head doorbell, for CAP.DSTRD @dstrd.
 */
u32 nvme_db_offset(u16 qid, bool cq, u32 dstrd);

/* CAP.TO in milliseconds (units of 500 ms; a controller reporting 0 gets 500). */
u32 nvme_cap_timeout_ms(u64 cap);

/*
 * nvme_mdts_bytes() - the largest transfer Identify Controller's MDTS
 * allows: 2^MDTS pages of CAP.MPSMIN's size. Return: bytes, or 0 for no
 * limit (MDTS 0) or a limit beyond 2^40 bytes (treated as none).
 */
u64 nvme_mdts_bytes(u8 mdts, u64 cap);

/*
 * nvme_id_string() - an Identify ASCII field (space padded, not
 * terminated) of @len bytes as a C string in @out (@len + 1 bytes):
 * trailing spaces and NULs dropped, bytes outside printable ASCII shown
 * as '?'. Return: @out.
 */
char *nvme_id_string(char *out, const u8 *field, size_t len);

/* The namespace's formatted LBA size and metadata, from Identify Namespace. */
struct nvme_ns_format {
	unsigned int index;	/* FLBAS format index */
	u32 block_size;		/* 2^LBADS bytes */
	u32 meta_size;		/* LBAF.MS bytes per block */
	bool meta_extended;	/* FLBAS bit 4: metadata inline with the data */
	u64 blocks;		/* NSZE */
};

/*
 * nvme_ns_parse() - decode a 4096-byte Identify Namespace structure.
 * Return: 0; -ENODEV for an inactive namespace (NSZE 0); -EINVAL for a
 * format index beyond NLBAF or an LBADS below 9 (512 bytes) or above 31.
 */
int nvme_ns_parse(const u8 *id_ns, struct nvme_ns_format *out);

/*
 * nvme_ns_unusable() - why a driver that moves whole blocks of at most
 * @max_block bytes, with no metadata, cannot use namespace format @f:
 * writes the reason ("LBA format 1 carries 8 bytes of metadata per
 * block") into @why (@size bytes).
 * Return: 0 if usable; -EOPNOTSUPP with @why filled in if not.
 */
int nvme_ns_unusable(const struct nvme_ns_format *f, u32 max_block, char *why, size_t size);

/*
 * nvme_ns_list_parse() - the entries of an Active Namespace ID list
 * (Identify CNS 02h for NSID @after, NVMe 1.4 Figure 243: up to 1024
 * NSIDs above @after, ascending, the unused rest zero): the first
 * @cap of them into @nsids. *@total: the entries of the list (up to
 * the first zero; NVME_NS_LIST_ENTRIES means more may follow above the
 * last). Return: how many were stored (<= @cap); -EINVAL if an entry is
 * not above the previous one (or @after) or is the broadcast FFFFFFFFh,
 * with *@total the index of that entry.
 */
int nvme_ns_list_parse(const u8 *list, u32 after, u32 *nsids, unsigned int cap,
		       unsigned int *total);

/* Little-endian loads from Identify data (any alignment). */
u16 nvme_get_le16(const u8 *p);
u32 nvme_get_le32(const u8 *p);
u64 nvme_get_le64(const u8 *p);

#endif /* DRIVERS_NVME_LIB_H */
