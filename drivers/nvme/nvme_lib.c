/*
 * NVMe driver logic without MMIO (see <drivers/nvme_lib.h>): PRP
 * construction, status decoding, queue arithmetic, Identify parsing.
 */
#include <bits.h>
#include <drivers/nvme_lib.h>
#include <drivers/nvme_regs.h>
#include <errno.h>
#include <fmt.h>

int nvme_prp_violation(const struct nvme_dma_seg *segs, unsigned int n, u32 page_size)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* PRP1 is dword aligned (NVMe 1.4 4.3: PBAO bits 1:0 are 0); the others start a page. */
		if (!IS_ALIGNED(segs[i].addr, i ? page_size : 4))
			return (int)i;
		if (i + 1 < n && !IS_ALIGNED(segs[i].addr + segs[i].len, page_size))
			return (int)i;
	}
	return -1;
}

/* The segment holding byte @pos of the request, and the offset in it; false if beyond. */
static bool seg_at(const struct nvme_dma_seg *segs, unsigned int n, u64 pos, unsigned int *idx,
		   u64 *off)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (pos < segs[i].len) {
			*idx = i;
			*off = pos;
			return true;
		}
		pos -= segs[i].len;
	}
	return false;
}

u64 nvme_prp_chunk(const struct nvme_dma_seg *segs, unsigned int n, u64 pos, u64 left,
		   u32 page_size, u32 max_pages, u64 max_bytes, u32 block_size)
{
	unsigned int i;
	u64 off, fit;

	if (!left || !max_pages || !seg_at(segs, n, pos, &i, &off))
		return 0;
	/* The first page holds what is left of it; every further page is whole. */
	fit = page_size - ((segs[i].addr + off) & (page_size - 1));
	fit += (u64)(max_pages - 1) * page_size;
	if (fit > left)
		fit = left;
	if (max_bytes && fit > max_bytes)
		fit = max_bytes;
	return fit - fit % block_size;
}

int nvme_prp_build(const struct nvme_dma_seg *segs, unsigned int n, u64 pos, u64 len,
		   u32 page_size, u64 *list, unsigned int list_cap, u64 list_dma, u64 *prp1,
		   u64 *prp2)
{
	u64 off, left = len, second = 0;
	bool page_open = false;		/* the last entry's page is not yet full */
	unsigned int i;
	int count = 0;

	if (!len || !seg_at(segs, n, pos, &i, &off))
		return -EINVAL;
	for (; left && i < n; i++, off = 0) {
		u64 a = segs[i].addr + off;
		u64 l = segs[i].len - off;

		if (l > left)
			l = left;
		while (l) {
			u64 step = page_size - (a & (page_size - 1));

			if (step > l)
				step = l;
			if (count == 0) {
				if (!IS_ALIGNED(a, 4))
					return -EINVAL;
				*prp1 = a;
			} else {
				/* Entries after the first: a page from its start, the previous one full. */
				if (page_open || !IS_ALIGNED(a, page_size))
					return -EINVAL;
				/* Entry k (k >= 1) is list[k - 1]; only a third entry needs the list. */
				if (count >= 2 && (unsigned int)count > list_cap)
					return -E2BIG;
				if ((unsigned int)count <= list_cap)
					list[count - 1] = a;
				if (count == 1)
					second = a;
			}
			count++;
			a += step;
			l -= step;
			left -= step;
			page_open = !IS_ALIGNED(a, page_size);
		}
	}
	if (left)
		return -EINVAL;	/* @len runs past the segments */
	*prp2 = count == 1 ? 0 : count == 2 ? second : list_dma;
	return count;
}

struct nvme_status_desc {
	u8 sct, sc;
	short err;		/* positive errno */
	const char *text;
};

/* Names as NVMe 1.4 4.6.1.2 gives them (Figures 128..133). */
static const struct nvme_status_desc status_table[] = {
	{ NVME_SCT_GENERIC, NVME_SC_SUCCESS, 0, "Successful Completion" },
	{ NVME_SCT_GENERIC, NVME_SC_INVALID_OPCODE, EOPNOTSUPP, "Invalid Command Opcode" },
	{ NVME_SCT_GENERIC, NVME_SC_INVALID_FIELD, EINVAL, "Invalid Field in Command" },
	{ NVME_SCT_GENERIC, NVME_SC_CID_CONFLICT, EIO, "Command ID Conflict" },
	{ NVME_SCT_GENERIC, NVME_SC_DATA_XFER_ERROR, EIO, "Data Transfer Error" },
	{ NVME_SCT_GENERIC, NVME_SC_POWER_LOSS, EIO,
	  "Commands Aborted due to Power Loss Notification" },
	{ NVME_SCT_GENERIC, NVME_SC_INTERNAL, EIO, "Internal Error" },
	{ NVME_SCT_GENERIC, NVME_SC_ABORT_REQ, ECANCELED, "Command Abort Requested" },
	{ NVME_SCT_GENERIC, NVME_SC_ABORT_SQ_DELETED, ECANCELED,
	  "Command Aborted due to SQ Deletion" },
	{ NVME_SCT_GENERIC, NVME_SC_FUSED_FAIL, ECANCELED,
	  "Command Aborted due to Failed Fused Command" },
	{ NVME_SCT_GENERIC, NVME_SC_FUSED_MISSING, ECANCELED,
	  "Command Aborted due to Missing Fused Command" },
	{ NVME_SCT_GENERIC, NVME_SC_INVALID_NS, EINVAL, "Invalid Namespace or Format" },
	{ NVME_SCT_GENERIC, NVME_SC_CMD_SEQ_ERROR, EIO, "Command Sequence Error" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_LAST, EINVAL, "Invalid SGL Segment Descriptor" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_COUNT, EINVAL,
	  "Invalid Number of SGL Descriptors" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_DATA, EINVAL, "Data SGL Length Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_METADATA, EINVAL, "Metadata SGL Length Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_TYPE, EINVAL, "SGL Descriptor Type Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_CMB_INVALID_USE, EINVAL,
	  "Invalid Use of Controller Memory Buffer" },
	{ NVME_SCT_GENERIC, NVME_SC_PRP_INVALID_OFFSET, EINVAL, "PRP Offset Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_ATOMIC_WU_EXCEEDED, EIO, "Atomic Write Unit Exceeded" },
	{ NVME_SCT_GENERIC, NVME_SC_OP_DENIED, EACCES, "Operation Denied" },
	{ NVME_SCT_GENERIC, NVME_SC_SGL_INVALID_OFFSET, EINVAL, "SGL Offset Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_HOST_ID_INCONSISTENT, EIO, "Host Identifier Inconsistent Format" },
	{ NVME_SCT_GENERIC, NVME_SC_KA_EXPIRED, EIO, "Keep Alive Timer Expired" },
	{ NVME_SCT_GENERIC, NVME_SC_KA_INVALID, EINVAL, "Keep Alive Timeout Invalid" },
	{ NVME_SCT_GENERIC, NVME_SC_ABORT_PREEMPT, ECANCELED,
	  "Command Aborted due to Preempt and Abort" },
	{ NVME_SCT_GENERIC, NVME_SC_SANITIZE_FAILED, EIO, "Sanitize Failed" },
	{ NVME_SCT_GENERIC, NVME_SC_SANITIZE_IN_PROGRESS, EBUSY, "Sanitize In Progress" },
	{ NVME_SCT_GENERIC, NVME_SC_NS_WRITE_PROTECTED, EROFS, "Namespace is Write Protected" },
	{ NVME_SCT_GENERIC, NVME_SC_CMD_INTERRUPTED, EAGAIN, "Command Interrupted" },
	{ NVME_SCT_GENERIC, NVME_SC_TRANSIENT_TRANSPORT, EAGAIN, "Transient Transport Error" },
	{ NVME_SCT_GENERIC, NVME_SC_LBA_RANGE, ERANGE, "LBA Out of Range" },
	{ NVME_SCT_GENERIC, NVME_SC_CAP_EXCEEDED, ERANGE, "Capacity Exceeded" },
	{ NVME_SCT_GENERIC, NVME_SC_NS_NOT_READY, EAGAIN, "Namespace Not Ready" },
	{ NVME_SCT_GENERIC, NVME_SC_RESERVATION_CONFLICT, EBUSY, "Reservation Conflict" },
	{ NVME_SCT_GENERIC, NVME_SC_FORMAT_IN_PROGRESS, EBUSY, "Format In Progress" },

	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_CQ_INVALID, EINVAL, "Completion Queue Invalid" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_QID_INVALID, EINVAL, "Invalid Queue Identifier" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_QUEUE_SIZE, EINVAL, "Invalid Queue Size" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_ABORT_LIMIT, EBUSY, "Abort Command Limit Exceeded" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_AER_LIMIT, EBUSY,
	  "Asynchronous Event Request Limit Exceeded" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_VECTOR, EINVAL, "Invalid Interrupt Vector" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_LOG_PAGE, EINVAL, "Invalid Log Page" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_FORMAT, EINVAL, "Invalid Format" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_QUEUE_DELETION, EINVAL, "Invalid Queue Deletion" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_FEATURE_NOT_SAVEABLE, EINVAL,
	  "Feature Identifier Not Saveable" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_FEATURE_NOT_CHANGEABLE, EINVAL, "Feature Not Changeable" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_FEATURE_NOT_PER_NS, EINVAL,
	  "Feature Not Namespace Specific" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_NS_INSUFFICIENT_CAP, ENOSPC,
	  "Namespace Insufficient Capacity" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_NS_ID_UNAVAILABLE, EBUSY,
	  "Namespace Identifier Unavailable" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_NS_ALREADY_ATTACHED, EBUSY, "Namespace Already Attached" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_NS_IS_PRIVATE, EINVAL, "Namespace Is Private" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_NS_NOT_ATTACHED, EINVAL, "Namespace Not Attached" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_BAD_ATTRIBUTES, EINVAL, "Conflicting Attributes" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_INVALID_PI, EINVAL, "Invalid Protection Information" },
	{ NVME_SCT_CMD_SPECIFIC, NVME_SC_READ_ONLY, EROFS, "Attempted Write to Read Only Range" },

	{ NVME_SCT_MEDIA, NVME_SC_WRITE_FAULT, EIO, "Write Fault" },
	{ NVME_SCT_MEDIA, NVME_SC_READ_ERROR, EIO, "Unrecovered Read Error" },
	{ NVME_SCT_MEDIA, NVME_SC_GUARD_CHECK, EILSEQ, "End-to-end Guard Check Error" },
	{ NVME_SCT_MEDIA, NVME_SC_APPTAG_CHECK, EILSEQ, "End-to-end Application Tag Check Error" },
	{ NVME_SCT_MEDIA, NVME_SC_REFTAG_CHECK, EILSEQ, "End-to-end Reference Tag Check Error" },
	{ NVME_SCT_MEDIA, NVME_SC_COMPARE_FAILED, EILSEQ, "Compare Failure" },
	{ NVME_SCT_MEDIA, NVME_SC_ACCESS_DENIED, EACCES, "Access Denied" },
	{ NVME_SCT_MEDIA, NVME_SC_UNWRITTEN_BLOCK, EIO, "Deallocated or Unwritten Logical Block" },

	{ NVME_SCT_PATH, NVME_SC_INTERNAL_PATH_ERROR, EIO, "Internal Path Error" },
	{ NVME_SCT_PATH, NVME_SC_ANA_PERSISTENT_LOSS, EIO, "Asymmetric Access Persistent Loss" },
	{ NVME_SCT_PATH, NVME_SC_ANA_INACCESSIBLE, EAGAIN, "Asymmetric Access Inaccessible" },
	{ NVME_SCT_PATH, NVME_SC_ANA_TRANSITION, EAGAIN, "Asymmetric Access Transition" },
	{ NVME_SCT_PATH, NVME_SC_CTRL_PATH_ERROR, EIO, "Controller Pathing Error" },
	{ NVME_SCT_PATH, NVME_SC_HOST_PATH_ERROR, EIO, "Host Pathing Error" },
	{ NVME_SCT_PATH, NVME_SC_HOST_ABORTED, ECANCELED, "Command Aborted By Host" },
};

static const struct nvme_status_desc *status_find(u32 dw3)
{
	unsigned int sct = FIELD_GET(NVME_CQE3_SCT, dw3), sc = FIELD_GET(NVME_CQE3_SC, dw3);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(status_table); i++)
		if (status_table[i].sct == sct && status_table[i].sc == sc)
			return &status_table[i];
	return NULL;
}

bool nvme_status_ok(u32 dw3)
{
	return !(dw3 & (NVME_CQE3_SCT | NVME_CQE3_SC));
}

int nvme_status_errno(u32 dw3)
{
	const struct nvme_status_desc *d;

	if (nvme_status_ok(dw3))
		return 0;
	d = status_find(dw3);
	return d ? -d->err : -EIO;
}

const char *nvme_status_text(u32 dw3)
{
	const struct nvme_status_desc *d = status_find(dw3);

	if (d)
		return d->text;
	switch (FIELD_GET(NVME_CQE3_SCT, dw3)) {
	case NVME_SCT_VENDOR:
		return "vendor specific status";
	default:
		return "unknown status";
	}
}

const char *nvme_status_format(char *buf, size_t size, u32 dw3)
{
	fmt_snprintf(buf, size, "%s (SCT 0x%x, SC 0x%02x%s%s)", nvme_status_text(dw3),
		     (unsigned int)FIELD_GET(NVME_CQE3_SCT, dw3),
		     (unsigned int)FIELD_GET(NVME_CQE3_SC, dw3),
		     (dw3 & NVME_CQE3_M) ? ", more" : "", (dw3 & NVME_CQE3_DNR) ? ", DNR" : "");
	return buf;
}

u16 nvme_q_next(u16 idx, u16 depth)
{
	return (u16)(idx + 1 == depth ? 0 : idx + 1);
}

bool nvme_sq_full(u16 tail, u16 head, u16 depth)
{
	return nvme_q_next(tail, depth) == head;
}

bool nvme_cqe_is_new(u32 dw3, const struct nvme_cq_pos *p)
{
	return !!(dw3 & NVME_CQE3_P) == !!p->phase;
}

void nvme_cq_advance(struct nvme_cq_pos *p)
{
	p->head = nvme_q_next(p->head, p->depth);
	if (!p->head)
		p->phase = !p->phase;
}

u32 nvme_db_offset(u16 qid, bool cq, u32 dstrd)
{
	return NVME_REG_DBS + (2U * qid + (cq ? 1U : 0U)) * (4U << dstrd);
}

u32 nvme_cap_timeout_ms(u64 cap)
{
	u32 to = (u32)FIELD_GET(NVME_CAP_TO, cap);

	return (to ? to : 1) * NVME_CAP_TO_UNIT_MS;
}

u64 nvme_mdts_bytes(u8 mdts, u64 cap)
{
	unsigned int shift = 12 + (unsigned int)FIELD_GET(NVME_CAP_MPSMIN, cap) + mdts;

	if (!mdts || shift > 40)
		return 0;
	return 1ULL << shift;
}

char *nvme_id_string(char *out, const u8 *field, size_t len)
{
	size_t i, end = len;

	while (end && (field[end - 1] == ' ' || field[end - 1] == '\0'))
		end--;
	for (i = 0; i < end; i++)
		out[i] = (field[i] >= 0x20 && field[i] < 0x7f) ? (char)field[i] : '?';
	out[end] = '\0';
	return out;
}

u16 nvme_get_le16(const u8 *p)
{
	return (u16)(p[0] | (p[1] << 8));
}

u32 nvme_get_le32(const u8 *p)
{
	return (u32)nvme_get_le16(p) | ((u32)nvme_get_le16(p + 2) << 16);
}

u64 nvme_get_le64(const u8 *p)
{
	return (u64)nvme_get_le32(p) | ((u64)nvme_get_le32(p + 4) << 32);
}

int nvme_ns_parse(const u8 *id_ns, struct nvme_ns_format *out)
{
	u8 flbas = id_ns[NVME_ID_NS_FLBAS];
	unsigned int nlbaf = id_ns[NVME_ID_NS_NLBAF] + 1U, index, lbads;
	u32 lbaf;

	out->blocks = nvme_get_le64(id_ns + NVME_ID_NS_NSZE);
	if (!out->blocks)
		return -ENODEV;
	index = FIELD_GET(NVME_FLBAS_LOW, flbas);
	/* FLBAS bits 6:5 are the index's bits 5:4 only when there are more than 16 formats. */
	if (nlbaf > 16)
		index |= (unsigned int)FIELD_GET(NVME_FLBAS_HIGH, flbas) << 4;
	if (index >= nlbaf || index >= NVME_ID_NS_LBAF_MAX)
		return -EINVAL;
	lbaf = nvme_get_le32(id_ns + NVME_ID_NS_LBAF + 4 * index);
	lbads = FIELD_GET(NVME_LBAF_LBADS, lbaf);
	if (lbads < 9 || lbads > 31)
		return -EINVAL;
	out->index = index;
	out->block_size = 1U << lbads;
	out->meta_size = FIELD_GET(NVME_LBAF_MS, lbaf);
	out->meta_extended = !!(flbas & NVME_FLBAS_EXT);
	return 0;
}

int nvme_ns_unusable(const struct nvme_ns_format *f, u32 max_block, char *why, size_t size)
{
	if (f->meta_size) {
		fmt_snprintf(why, size, "LBA format %u carries %u bytes of metadata per block%s",
			     f->index, f->meta_size, f->meta_extended ? " (extended LBA)" : "");
		return -EOPNOTSUPP;
	}
	if (f->block_size > max_block) {
		fmt_snprintf(why, size, "LBA format %u has %u-byte blocks, larger than %u bytes",
			     f->index, f->block_size, max_block);
		return -EOPNOTSUPP;
	}
	return 0;
}

int nvme_ns_list_parse(const u8 *list, u32 after, u32 *nsids, unsigned int cap,
		       unsigned int *total)
{
	unsigned int i, n = 0;
	u32 prev = after;

	for (i = 0; i < NVME_NS_LIST_ENTRIES; i++) {
		u32 nsid = nvme_get_le32(list + 4 * i);

		if (!nsid)
			break;
		if (nsid <= prev || nsid == NVME_NSID_ALL) {
			*total = i;
			return -EINVAL;
		}
		if (n < cap)
			nsids[n++] = nsid;
		prev = nsid;
	}
	*total = i;
	return (int)n;
}
