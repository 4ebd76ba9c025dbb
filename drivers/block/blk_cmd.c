/*
 * Console command `blk`: the registered block devices, a hex dump of their
 * blocks, and a reset through the driver.
 */
#include <console.h>
#include <device.h>
#include <drivers/blockdev.h>
#include <errno.h>
#include <mm/page_alloc.h>
#include <shell.h>
#include <string.h>

/* `blk read` shows at most this many bytes (8 blocks of 512, 2 of 4096). */
#define BLK_CMD_MAX_BYTES 8192
#define BLK_CMD_BUF_ORDER 1

static void show(const struct blockdev *bd)
{
	char sz[16], rd[16], wr[16];

	kprintf("%s  %s, %llu blocks of %u bytes, %s\n", bd->name,
		shell_size(sz, sizeof(sz), bd->blocks * bd->block_size),
		(unsigned long long)bd->blocks, bd->block_size, bd->dev ? bd->dev->name : "-");
	kprintf("  reads %llu (%s), writes %llu (%s), flushes %llu, errors %llu\n",
		(unsigned long long)bd->stats.reads, shell_size(rd, sizeof(rd), bd->stats.bytes_read),
		(unsigned long long)bd->stats.writes,
		shell_size(wr, sizeof(wr), bd->stats.bytes_written),
		(unsigned long long)bd->stats.flushes, (unsigned long long)bd->stats.errors);
}

static void hexdump(const u8 *p, u64 disk_off, u32 len)
{
	u32 i, j;

	for (i = 0; i < len; i += 16) {
		char ascii[17];

		kprintf("%08llx ", (unsigned long long)disk_off + i);
		for (j = 0; j < 16; j++) {
			kprintf(" %02x", p[i + j]);
			ascii[j] = p[i + j] >= 0x20 && p[i + j] < 0x7f ? (char)p[i + j] : '.';
		}
		ascii[16] = 0;
		kprintf("  |%s|\n", ascii);
	}
}

static int no_such_device(const char *name)
{
	unsigned int i;

	kprintf("blk: no block device '%s'; devices:", name);
	for (i = 0; i < blockdev_count(); i++)
		kprintf(" %s", blockdev_get(i)->name);
	kprintf("%s\n", blockdev_count() ? "" : " none");
	return -ENODEV;
}

static int cmd_blk_read(int argc, char **argv)
{
	struct blockdev *bd;
	struct blk_seg seg;
	u64 lba, count = 1;
	u8 *buf;
	int ret;

	if (argc < 4 || argc > 5)
		return -EINVAL;
	bd = blockdev_find(argv[2]);
	if (!bd)
		return no_such_device(argv[2]);
	if (shell_parse_u64(argv[3], &lba)) {
		kprintf("blk: '%s' is not a block number\n", argv[3]);
		return -EINVAL;
	}
	if (argc == 5 && (shell_parse_u64(argv[4], &count) || !count ||
			  count * bd->block_size > BLK_CMD_MAX_BYTES)) {
		kprintf("blk: count '%s' is not 1..%u\n", argv[4],
			BLK_CMD_MAX_BYTES / bd->block_size);
		return -EINVAL;
	}
	buf = page_alloc(BLK_CMD_BUF_ORDER);
	if (!buf) {
		kprintf("blk: no memory for the buffer\n");
		return -ENOMEM;
	}
	seg = (struct blk_seg){ buf, (u32)(count * bd->block_size) };
	ret = blockdev_rw(bd, false, lba, &seg, 1); /* reports its own errors */
	if (!ret) {
		kprintf("%s: block %llu..%llu (byte 0x%llx):\n", bd->name, (unsigned long long)lba,
			(unsigned long long)(lba + count - 1),
			(unsigned long long)(lba * bd->block_size));
		hexdump(buf, lba * bd->block_size, seg.len);
	}
	page_free(buf);
	return ret;
}

/*
 * blk reset <name>: bring back a disk its driver gave up after a failure
 * (or reset a working one) without rebooting. The driver prints why a
 * reset failed; the shell then prints the error's name.
 */
static int cmd_blk_reset(int argc, char **argv)
{
	struct blockdev *bd;
	int ret;

	if (argc != 3)
		return -EINVAL;
	bd = blockdev_find(argv[2]);
	if (!bd)
		return no_such_device(argv[2]);
	ret = blockdev_reset(bd);
	if (!ret)
		kprintf("blk: %s: reset; usable again\n", bd->name);
	return ret;
}

/* blk [read <name> <lba> [count] | reset <name>]: devices and statistics, a hex dump, a reset. */
static int cmd_blk(int argc, char **argv)
{
	unsigned int i;

	if (argc >= 2 && !strcmp(argv[1], "read"))
		return cmd_blk_read(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "reset"))
		return cmd_blk_reset(argc, argv);
	if (argc > 1)
		return -EINVAL;
	if (!blockdev_count()) {
		kprintf("no block devices\n");
		return 0;
	}
	for (i = 0; i < blockdev_count(); i++)
		show(blockdev_get(i));
	return 0;
}
SHELL_CMD(blk, "blk [read <name> <lba> [count] | reset <name>]",
	  "block devices (size, statistics), a hex dump of blocks, or a device reset", cmd_blk);
