/*
 * The block-device registry and request checks (see <drivers/blockdev.h>).
 */
#include <console.h>
#include <drivers/blockdev.h>
#include <errno.h>
#include <string.h>

#define BLOCKDEV_MAX 32 /* pointers only: two NVMe controllers with 16 namespaces each */

static struct blockdev *devs[BLOCKDEV_MAX];
static unsigned int nr_devs;

int blockdev_register(struct blockdev *bd)
{
	if (!bd->block_size || bd->block_size < 512 || (bd->block_size & (bd->block_size - 1)) ||
	    !bd->blocks || !bd->ops || !bd->ops->rw) {
		pr_err("blk: %s: bad geometry (block size %u, %llu blocks): not registered\n",
		       bd->name, bd->block_size, (unsigned long long)bd->blocks);
		return -EINVAL;
	}
	if (nr_devs == BLOCKDEV_MAX) {
		pr_err("blk: %s: more than %u block devices: not registered\n", bd->name,
		       BLOCKDEV_MAX);
		return -ENOSPC;
	}
	devs[nr_devs++] = bd;
	kprintf("blk: %s: %llu blocks of %u bytes (%llu MiB)\n", bd->name,
		(unsigned long long)bd->blocks, bd->block_size,
		(unsigned long long)((bd->blocks * bd->block_size) >> 20));
	return 0;
}

unsigned int blockdev_count(void)
{
	return nr_devs;
}

struct blockdev *blockdev_get(unsigned int i)
{
	return i < nr_devs ? devs[i] : NULL;
}

struct blockdev *blockdev_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_devs; i++)
		if (!strcmp(devs[i]->name, name))
			return devs[i];
	return NULL;
}

int blockdev_rw(struct blockdev *bd, bool write, u64 lba, const struct blk_seg *segs,
		unsigned int nsegs)
{
	const char *op = write ? "write" : "read";
	u64 total = 0, nblocks;
	unsigned int i;
	int ret;

	if (!nsegs || nsegs > BLK_MAX_SEGS) {
		pr_err("blk: %s: %s of %u segments: 1..%u allowed\n", bd->name, op, nsegs,
		       BLK_MAX_SEGS);
		return -EINVAL;
	}
	for (i = 0; i < nsegs; i++) {
		if (!segs[i].len || !segs[i].buf) {
			pr_err("blk: %s: %s: segment %u is empty\n", bd->name, op, i);
			return -EINVAL;
		}
		total += segs[i].len;
	}
	if (total % bd->block_size) {
		pr_err("blk: %s: %s of %llu bytes: not a whole number of %u-byte blocks\n", bd->name,
		       op, (unsigned long long)total, bd->block_size);
		return -EINVAL;
	}
	nblocks = total / bd->block_size;
	if (lba >= bd->blocks || nblocks > bd->blocks - lba) {
		pr_err("blk: %s: %s of blocks %llu..%llu: the device has %llu\n", bd->name, op,
		       (unsigned long long)lba, (unsigned long long)(lba + nblocks - 1),
		       (unsigned long long)bd->blocks);
		return -ERANGE;
	}
	ret = bd->ops->rw(bd, write, lba, segs, nsegs);
	if (ret) {
		bd->stats.errors++;
		return ret;
	}
	if (write) {
		bd->stats.writes++;
		bd->stats.bytes_written += total;
	} else {
		bd->stats.reads++;
		bd->stats.bytes_read += total;
	}
	return 0;
}

int blockdev_flush(struct blockdev *bd)
{
	int ret = bd->ops->flush ? bd->ops->flush(bd) : 0;

	if (ret)
		bd->stats.errors++;
	else
		bd->stats.flushes++;
	return ret;
}

int blockdev_reset(struct blockdev *bd)
{
	if (!bd->ops->reset) {
		pr_err("blk: %s: its driver cannot reset it (no reset operation)\n", bd->name);
		return -EOPNOTSUPP;
	}
	return bd->ops->reset(bd);
}
