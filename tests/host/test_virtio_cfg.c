/*
 * Host tests for drivers/virtio/virtio_cfg.c: the virtio vendor
 * capabilities in configuration space (virtio 1.2, 4.1.4) as QEMU's
 * virtio-blk-pci presents them and as broken devices might, the doorbell
 * offset (4.1.4.4), and feature negotiation (2.2, 6).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include <drivers/pci_regs.h>
#include <drivers/virtio_cfg.h>
#include <drivers/virtio_regs.h>

static u8 cfg[256];
static struct virtio_bar_info bars[6];
static char why[200];

static void put32(unsigned int off, u32 v)
{
	cfg[off] = (u8)v;
	cfg[off + 1] = (u8)(v >> 8);
	cfg[off + 2] = (u8)(v >> 16);
	cfg[off + 3] = (u8)(v >> 24);
}

/* A capability of @len bytes at @at linked to @next. */
static void cap(unsigned int at, u8 id, u8 next, u8 len)
{
	cfg[at] = id;
	cfg[at + 1] = next;
	cfg[at + 2] = len;
}

static void vcap(unsigned int at, u8 next, u8 type, u8 bar, u32 off, u32 length)
{
	cap(at, PCI_CAP_ID_VNDR, next, type == VIRTIO_PCI_CAP_NOTIFY_CFG ?
						 VIRTIO_PCI_NOTIFY_CAP_LEN_MIN : VIRTIO_PCI_CAP_LEN_MIN);
	cfg[at + VIRTIO_PCI_CAP_CFG_TYPE] = type;
	cfg[at + VIRTIO_PCI_CAP_BAR] = bar;
	put32(at + VIRTIO_PCI_CAP_OFFSET, off);
	put32(at + VIRTIO_PCI_CAP_LENGTH, length);
}

/*
 * QEMU 10's virtio-blk-pci,disable-legacy=on: MSI-X at 0x98, then the
 * vendor capabilities at 0x84..0x40 (PCI config access, notify, device,
 * ISR, common), everything in the 16 KiB BAR4.
 */
static void qemu_layout(void)
{
	memset(cfg, 0, sizeof(cfg));
	memset(bars, 0, sizeof(bars));
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAPABILITY_LIST] = 0x98;
	cap(0x98, PCI_CAP_ID_MSIX, 0x84, 12);
	vcap(0x84, 0x70, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0);
	cfg[0x86] = 20;
	vcap(0x70, 0x60, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000);
	put32(0x70 + VIRTIO_PCI_NOTIFY_CAP_MULT, 4);
	vcap(0x60, 0x50, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000);
	vcap(0x50, 0x40, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000);
	vcap(0x40, 0x00, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0000, 0x1000);
	bars[1].size = 0x1000; /* MSI-X table */
	bars[4].size = 0x4000;
}

static int parse(struct virtio_pci_caps *c)
{
	why[0] = 0;
	return virtio_pci_parse_caps(cfg, sizeof(cfg), bars, c, why, sizeof(why));
}

static void test_qemu_layout(void **state)
{
	struct virtio_pci_caps c;

	(void)state;
	qemu_layout();
	assert_int_equal(parse(&c), 0);
	assert_true(c.common.present && c.notify.present && c.isr.present && c.device.present);
	assert_int_equal(c.common.bar, 4);
	assert_int_equal(c.common.offset, 0);
	assert_int_equal(c.common.length, 0x1000);
	assert_int_equal(c.isr.offset, 0x1000);
	assert_int_equal(c.device.offset, 0x2000);
	assert_int_equal(c.notify.offset, 0x3000);
	assert_int_equal(c.notify_mult, 4);
}

static void test_first_instance_wins(void **state)
{
	struct virtio_pci_caps c;

	(void)state;
	qemu_layout();
	/* A second common structure after the first: ignored. */
	cfg[0x40 + 1] = 0xb0;
	vcap(0xb0, 0, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x800, 0x100);
	assert_int_equal(parse(&c), 0);
	assert_int_equal(c.common.offset, 0);
	/* 4.1.4.1: a reserved BAR number makes the first one ignored, not fatal. */
	cfg[0x40 + VIRTIO_PCI_CAP_BAR] = 7;
	assert_int_equal(parse(&c), 0);
	assert_int_equal(c.common.offset, 0x800);
	assert_int_equal(c.common.length, 0x100);
	/* A longer cap_len than the structure is accepted (4.1.4.1). */
	cfg[0xb0 + 2] = 24;
	assert_int_equal(parse(&c), 0);
	assert_int_equal(c.common.offset, 0x800);
}

static void test_missing(void **state)
{
	struct virtio_pci_caps c;

	(void)state;
	qemu_layout();
	cfg[PCI_STATUS] = 0;
	assert_int_equal(parse(&c), -ENODEV);
	assert_non_null(strstr(why, "no capability list"));
	/* No notify structure: the chain skips it. */
	qemu_layout();
	cfg[0x84 + 1] = 0x60;
	assert_int_equal(parse(&c), -ENODEV);
	assert_non_null(strstr(why, "no notification structure"));
	/* Only a device structure missing is fine here (the driver decides). */
	qemu_layout();
	cfg[0x70 + 1] = 0x50;
	assert_int_equal(parse(&c), 0);
	assert_false(c.device.present);
}

static void test_bad_structures(void **state)
{
	struct virtio_pci_caps c;

	(void)state;
	qemu_layout();
	put32(0x60 + VIRTIO_PCI_CAP_OFFSET, 0x3800); /* device cfg past the 16 KiB BAR */
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "beyond the BAR"));

	qemu_layout();
	put32(0x60 + VIRTIO_PCI_CAP_OFFSET, 0xfffff000); /* offset + length wraps in 32 bits */
	assert_int_equal(parse(&c), -EINVAL);

	qemu_layout();
	bars[4].size = 0;
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "not assigned"));

	qemu_layout();
	bars[4].io = true;
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "I/O BAR"));

	qemu_layout();
	put32(0x40 + VIRTIO_PCI_CAP_LENGTH, 0x20); /* common cfg needs 0x38 bytes */
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "too short"));

	qemu_layout();
	cfg[0x70 + 2] = 16; /* notify capability without notify_off_multiplier */
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "needs 20"));

	qemu_layout();
	put32(0x70 + VIRTIO_PCI_NOTIFY_CAP_MULT, 6);
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "not a power"));

	qemu_layout();
	cfg[0x40 + 1] = 0x98; /* the list loops */
	assert_int_equal(parse(&c), -EINVAL);
	assert_non_null(strstr(why, "capability list broken"));

	qemu_layout();
	cfg[0x40 + 1] = 0x20; /* a pointer into the header */
	assert_int_equal(parse(&c), -EINVAL);
}

static void test_notify_offset(void **state)
{
	struct virtio_pci_caps c;
	u32 off = 0xdead;

	(void)state;
	qemu_layout();
	assert_int_equal(parse(&c), 0);
	assert_int_equal(virtio_pci_notify_offset(&c, 3, &off), 0);
	assert_int_equal(off, 12);
	assert_int_equal(virtio_pci_notify_offset(&c, 0x3ff, &off), 0);
	assert_int_equal(off, 0xffc);
	/* The 16-bit doorbell would end past the 4 KiB structure. */
	assert_int_equal(virtio_pci_notify_offset(&c, 0x400, &off), -EINVAL);
	/* Multiplier 0: every queue shares one doorbell. */
	c.notify_mult = 0;
	assert_int_equal(virtio_pci_notify_offset(&c, 0xffff, &off), 0);
	assert_int_equal(off, 0);
}

#define BLK_WANTED (VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | \
		    VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH)

static void test_negotiate(void **state)
{
	/* What QEMU's virtio-blk-pci,iommu_platform=on offers. */
	u64 qemu = VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM | VIRTIO_F_RING_PACKED |
		   VIRTIO_F_EVENT_IDX | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_NOTIFICATION_DATA |
		   VIRTIO_F_RING_RESET | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_GEOMETRY |
		   VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_TOPOLOGY |
		   VIRTIO_BLK_F_CONFIG_WCE | VIRTIO_BLK_F_DISCARD | VIRTIO_BLK_F_WRITE_ZEROES;
	u64 acc = 0xdead;

	(void)state;
	assert_int_equal(virtio_negotiate(qemu, BLK_WANTED, true, &acc, why, sizeof(why)), 0);
	assert_int_equal(acc, VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM |
				      VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE |
				      VIRTIO_BLK_F_FLUSH);
	/* ORDER_PLATFORM is accepted when offered: the ring's barriers are the platform's. */
	assert_int_equal(virtio_negotiate(qemu | VIRTIO_F_ORDER_PLATFORM, BLK_WANTED, true, &acc,
					  why, sizeof(why)), 0);
	assert_true(acc & VIRTIO_F_ORDER_PLATFORM);
	/* A device asked for transport bits through device_wanted gets none of them. */
	assert_int_equal(virtio_negotiate(qemu, ~0ULL, false, &acc, why, sizeof(why)), 0);
	assert_int_equal(acc & ~VIRTIO_F_DEVICE_MASK, VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM);
	/* Not offered, not accepted. */
	assert_int_equal(virtio_negotiate(VIRTIO_F_VERSION_1, BLK_WANTED, false, &acc, why,
					  sizeof(why)), 0);
	assert_int_equal(acc, VIRTIO_F_VERSION_1);

	/* Legacy only: refused, whatever else it offers. */
	assert_int_equal(virtio_negotiate(qemu & ~VIRTIO_F_VERSION_1, BLK_WANTED, false, &acc, why,
					  sizeof(why)), -EOPNOTSUPP);
	assert_int_equal(acc, 0);
	assert_non_null(strstr(why, "VIRTIO_F_VERSION_1"));
	/* Behind an IOMMU without ACCESS_PLATFORM: its DMA would bypass it. */
	assert_int_equal(virtio_negotiate(qemu & ~VIRTIO_F_ACCESS_PLATFORM, BLK_WANTED, true, &acc,
					  why, sizeof(why)), -EOPNOTSUPP);
	assert_non_null(strstr(why, "VIRTIO_F_ACCESS_PLATFORM"));
	/* Without an IOMMU that device is usable (addresses are physical). */
	assert_int_equal(virtio_negotiate(qemu & ~VIRTIO_F_ACCESS_PLATFORM, BLK_WANTED, false,
					  &acc, why, sizeof(why)), 0);
	assert_false(acc & VIRTIO_F_ACCESS_PLATFORM);
}

static void test_features_str(void **state)
{
	static const struct virtio_feature_name names[] = {
		{ VIRTIO_BLK_F_FLUSH, "FLUSH" }, { VIRTIO_BLK_F_BLK_SIZE, "BLK_SIZE" },
	};
	char buf[64];

	(void)state;
	assert_string_equal(virtio_features_str(VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE |
							VIRTIO_F_VERSION_1 | VIRTIO_BLK_F_SEG_MAX |
							BIT_ULL(50),
						names, ARRAY_SIZE(names), buf, sizeof(buf)),
			    "bit2 BLK_SIZE FLUSH VERSION_1 bit50");
	assert_string_equal(virtio_features_str(0, names, 2, buf, sizeof(buf)), "");
	/* A device bit is never named from the transport's table, nor the reverse. */
	assert_string_equal(virtio_features_str(VIRTIO_BLK_F_FLUSH, NULL, 0, buf, sizeof(buf)),
			    "bit9");
	/* Cut whole names, never overflowing. */
	assert_string_equal(virtio_features_str(VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM,
						NULL, 0, buf, 14), "VERSION_1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_layout),
		cmocka_unit_test(test_first_instance_wins),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_bad_structures),
		cmocka_unit_test(test_notify_offset),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_features_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
