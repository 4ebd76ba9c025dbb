/*
 * Block devices: the small interface virtio-blk and NVMe implement, so the
 * self-tests and the console command are written once (drivers/block/).
 *
 * A request is a list of CPU buffers of any alignment ("segments") whose
 * total is a whole number of blocks; the driver maps them with the DMA API
 * for the one request (dma_map_sg), and unmaps them when it completes.
 * blockdev_rw() checks the request before the driver sees it.
 *
 * The QEMU runner's disks carry a known pattern (tests/qemu/disk.py):
 * byte at offset o, sector s = o / 512, i = o % 512:
 *   before: (s * 13 + i * 7 + 0x11) & 0xff
 *   after the self-test writes [BLK_TEST_WRITE_OFF, + BLK_TEST_WRITE_LEN):
 *           (s * 29 + i * 11 + 0xa5 + (s >> 8)) & 0xff inside that range,
 *           everything else unchanged.
 */
#ifndef DRIVERS_BLOCKDEV_H
#define DRIVERS_BLOCKDEV_H

#include <types.h>

struct blockdev;
struct device;
struct selftest_ctx;

struct blk_seg {
	void *buf;
	u32 len;
};

struct blockdev_ops {
	/*
	 * rw() - transfer @nsegs buffers (already checked: total a multiple of
	 * the block size, in range, each segment non-empty) at block @lba.
	 * Return: 0, or -errno after printing the device's status.
	 */
	int (*rw)(struct blockdev *bd, bool write, u64 lba, const struct blk_seg *segs,
		  unsigned int nsegs);
	/* flush() - make every completed write durable. Return: 0 or -errno. */
	int (*flush)(struct blockdev *bd);
	/*
	 * reset() - optional: reset the device and start it again, so a disk
	 * the driver gave up after a failure (its requests refused) is usable
	 * again. No request may be in flight.
	 * Return: 0 (usable again), or -errno after printing why (the device
	 * then stays given up).
	 */
	int (*reset)(struct blockdev *bd);
};

struct blockdev_stats {
	u64 reads, writes, flushes, errors;
	u64 bytes_read, bytes_written;
};

struct blockdev {
	char name[16];			/* "vblk0", "nvme0n1" */
	u32 block_size;			/* bytes, a power of two >= 512 */
	u64 blocks;			/* capacity */
	struct device *dev;		/* what the driver maps buffers for */
	const struct blockdev_ops *ops;
	void *priv;			/* the driver's */
	struct blockdev_stats stats;
};

/* Requests a driver must accept: at most this many segments. */
#define BLK_MAX_SEGS 16

/* The self-tests' write region on the runner's disks (bytes; disks are >= 1 MiB). */
#define BLK_TEST_WRITE_OFF 0x8000
#define BLK_TEST_WRITE_LEN 0x5000

static inline u8 blk_pattern_before(u64 off)
{
	u64 s = off >> 9, i = off & 511;

	return (u8)(s * 13 + i * 7 + 0x11);
}

static inline u8 blk_pattern_after(u64 off)
{
	u64 s = off >> 9, i = off & 511;

	return (u8)(s * 29 + i * 11 + 0xa5 + (s >> 8));
}

/*
 * blockdev_register() - make @bd known (by name) to the tests and console.
 * Return: 0, -ENOSPC (table full), -EINVAL (bad geometry).
 */
int blockdev_register(struct blockdev *bd);
unsigned int blockdev_count(void);
struct blockdev *blockdev_get(unsigned int i);
struct blockdev *blockdev_find(const char *name);

/*
 * blockdev_rw() - read or write the segments at block @lba after checking
 * the request: -EINVAL with a message for no segments, more than
 * BLK_MAX_SEGS, an empty segment, a total that is not whole blocks;
 * -ERANGE for blocks beyond the capacity. Counts the request.
 * Return: 0 or -errno (the driver's, reported by it).
 */
int blockdev_rw(struct blockdev *bd, bool write, u64 lba, const struct blk_seg *segs,
		unsigned int nsegs);
int blockdev_flush(struct blockdev *bd);

/*
 * blockdev_reset() - reset @bd through its driver's reset op.
 * Return: 0 (usable again), -EOPNOTSUPP with a message if the driver has
 * no reset op, or the driver's -errno (reported by it).
 */
int blockdev_reset(struct blockdev *bd);

/*
 * For the drivers' self-tests of a device that fails to reset (nvme.*,
 * virtio.*): what such a failure must leave as it found it. @live: the
 * device's live streaming mappings and coherent allocations (dma-debug);
 * @free_bytes: the free bytes of every coherent pool and of the firmware's
 * pages together (the pools dma_alloc_coherent() draws from).
 */
struct blk_test_dma_state {
	unsigned int live;
	u64 free_bytes;
};

void blk_test_dma_state(const struct device *dev, struct blk_test_dma_state *s);

/*
 * blk_test_dma_changed() - whether @dev's state differs from @before; if
 * so, @ctx's test is failed with what differs, after @when ("vblk0: after
 * the failed reset"). Return: true if it differs (the test returns ST_FAIL).
 */
bool blk_test_dma_changed(struct selftest_ctx *ctx, const struct device *dev,
			  const struct blk_test_dma_state *before, const char *when);

#endif /* DRIVERS_BLOCKDEV_H */
