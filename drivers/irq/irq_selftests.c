/*
 * Interrupt self-tests, against the GIC the DT describes. Each waits for an
 * interrupt with a time bound on the generic timer (never an unbounded WFI)
 * and cleans up (handler released, source quiet) before it asserts, so a
 * failure does not leak into the next test.
 */
#include <arch/barrier.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/sysreg.h>
#include <arch/timer.h>
#include <console.h>
#include <dt.h>
#include <errno.h>
#include <libfdt.h>
#include <selftest.h>

#include "gic.h"
#include "irq_dt.h"

/* Bound on waiting for an interrupt that should come at once. */
#define IRQ_TEST_WAIT_US 200000
/* How long a handled interrupt must then stay quiet (a level line not dropped refires at once). */
#define IRQ_TEST_QUIET_US 2000
/* A handler that ran this often is in an interrupt storm: it silences its source. */
#define IRQ_TEST_STORM 16
/* The virtual timer fires this far ahead. */
#define IRQ_TEST_TIMER_US 1000

#define IRQ_TEST_SGI 1
#define IRQ_TEST_SGI_MASKED 2
#define IRQ_TEST_SGI_UNHANDLED 15

/* Whether a node of the DT names @intid as a GIC interrupt (errors: not named). */
static bool dt_uses(u32 intid)
{
	const void *fdt = gic_fdt();
	struct irq_dt_spec dt;
	struct irq_spec spec;
	unsigned int i;
	int node;

	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL))
		for (i = 0; irq_dt_get(fdt, node, i, &dt) == 0; i++)
			if (dt.ctrl == gic_dt_node() &&
			    !irq_dt_translate_gic(fdt, dt.ctrl, 0, &dt, &spec) && spec.intid == intid)
				return true;
	return false;
}

/*
 * An SPI for tests that make it pending by hand: the highest implemented
 * one that has no handler and that no DT node names (INTID 287 on QEMU
 * virt). IRQ_INTID_NONE if there is none.
 */
static u32 spare_spi(void)
{
	u32 intid;

	for (intid = gic_nr_intids() - 1; intid >= IRQ_SPI_BASE; intid--)
		if (!gic_has_handler(intid) && !dt_uses(intid))
			return intid;
	return IRQ_INTID_NONE;
}

struct hit {
	unsigned long n;
	u32 intid;
};

static void count_hit(void *ctx)
{
	struct hit *h = ctx;

	h->intid = irq_current_intid();
	h->n++;
}

/* Poll until @h has been hit at least @n times or the bound expires. */
static void wait_hits(const struct hit *h, unsigned long n)
{
	u64 deadline = timer_deadline(IRQ_TEST_WAIT_US);

	while (*(volatile const unsigned long *)&h->n < n && !timer_expired(deadline))
		cpu_relax();
}

#define REQUIRE_GIC()                                                            \
	do {                                                                     \
		if (!irq_controller_name())                                      \
			ST_SKIP("no interrupt controller (irq_init did not probe one)"); \
		ST_ASSERT(!irqs_disabled(), "IRQs masked at the CPU (DAIF.I) at test start"); \
	} while (0)

static void vtimer_handler(void *ctx)
{
	struct hit *h = ctx;

	/* Level-triggered: mask the timer's output before the EOI, or it refires. */
	write_sysreg(read_sysreg(cntv_ctl_el0) | CNTV_CTL_EL0_IMASK, cntv_ctl_el0);
	isb(); /* the timer's new control is in effect before the handler returns */
	count_hit(ctx);
	/* Should the line still refire, stop the storm so the test can report it. */
	if (h->n >= IRQ_TEST_STORM) {
		write_sysreg(0, cntv_ctl_el0);
		isb(); /* as above */
	}
}

/*
 * The EL1 virtual timer, from the DT's /timer interrupts[2]: a
 * level-triggered PPI through the redistributor (GICv3) or the banked
 * distributor registers (GICv2), acknowledged as the DT's INTID, handled
 * exactly once because the handler masks the line.
 */
SELFTEST(irq, timer_ppi_level)
{
	static const char *const timer_compat[] = { "arm,armv8-timer", "arm,armv7-timer", NULL };
	const void *fdt = gic_fdt();
	struct irq_dt_spec dt;
	struct irq_spec spec;
	struct hit h = { 0 };
	unsigned long before;
	u64 ctl;
	int node, ret;

	REQUIRE_GIC();
	node = dt_find_compatible(fdt, -1, timer_compat);
	if (node < 0)
		ST_SKIP("no arm,armv8-timer node in the DT");
	ret = irq_dt_get(fdt, node, 2, &dt);
	ST_ASSERT(ret == 0, "timer interrupts[2]: %d", ret);
	ret = irq_translate(&dt, &spec);
	ST_ASSERT(ret == 0, "translate <%u %u 0x%x>: %d", dt.cells[0], dt.cells[1], dt.cells[2],
		  ret);
	ST_ASSERT(spec.intid >= IRQ_PPI_BASE && spec.intid < IRQ_SPI_BASE, "INTID %u", spec.intid);
	ST_ASSERT(spec.type == IRQ_TYPE_LEVEL_HIGH, "type %u", spec.type);

	write_sysreg(0, cntv_ctl_el0);
	isb(); /* timer off before its interrupt is enabled */
	ret = irq_request(&spec, vtimer_handler, &h, "selftest-vtimer");
	ST_ASSERT(ret == 0, "irq_request: %d", ret);
	before = irq_count(spec.intid);

	write_sysreg(timer_us_to_ticks(IRQ_TEST_TIMER_US), cntv_tval_el0);
	write_sysreg(CNTV_CTL_EL0_ENABLE, cntv_ctl_el0);
	isb(); /* armed now, not when a later instruction synchronizes */
	wait_hits(&h, 1);
	udelay(IRQ_TEST_QUIET_US);
	ctl = read_sysreg(cntv_ctl_el0);

	write_sysreg(0, cntv_ctl_el0);
	isb(); /* timer off before its interrupt is released */
	irq_release(spec.intid);

	ST_ASSERT(h.n == 1, "handler ran %lu times (want 1 within %u us)", h.n, IRQ_TEST_WAIT_US);
	ST_ASSERT(irq_count(spec.intid) - before == 1, "irq_count rose by %lu",
		  irq_count(spec.intid) - before);
	ST_ASSERT(h.intid == spec.intid, "acknowledged INTID %u, DT says %u", h.intid, spec.intid);
	ST_ASSERT(ctl & CNTV_CTL_EL0_ISTATUS, "CNTV_CTL_EL0 0x%llx: timer condition not met",
		  (unsigned long long)ctl);
	return ST_PASS;
}

/* An SGI to this CPU: delivered once, to the right handler; a second request is refused. */
SELFTEST(irq, sgi_edge)
{
	struct irq_spec spec = { .intid = IRQ_TEST_SGI, .type = IRQ_TYPE_EDGE_RISING };
	struct hit h = { 0 }, other = { 0 };
	unsigned long before;
	int ret, busy;

	REQUIRE_GIC();
	ret = irq_request(&spec, count_hit, &h, "selftest-sgi");
	ST_ASSERT(ret == 0, "irq_request: %d", ret);
	pr_info("irq: (self-test: an \"already has a handler\" error is expected next)\n");
	busy = irq_request(&spec, count_hit, &other, "selftest-sgi-again");
	before = irq_count(spec.intid);
	ret = irq_send_sgi_self(spec.intid);
	if (!ret) {
		wait_hits(&h, 1);
		udelay(IRQ_TEST_QUIET_US);
	}
	irq_release(spec.intid);

	ST_ASSERT(ret == 0, "irq_send_sgi_self: %d", ret);
	ST_ASSERT(busy == -EBUSY, "second irq_request returned %d, want -EBUSY", busy);
	ST_ASSERT(h.n == 1, "handler ran %lu times (want 1 within %u us)", h.n, IRQ_TEST_WAIT_US);
	ST_ASSERT(other.n == 0, "the refused handler ran");
	ST_ASSERT(irq_count(spec.intid) - before == 1, "irq_count rose by %lu",
		  irq_count(spec.intid) - before);
	ST_ASSERT(h.intid == spec.intid, "acknowledged INTID %u", h.intid);
	return ST_PASS;
}

/* With PSTATE.I set the SGI stays pending; it is taken once IRQs are unmasked. */
SELFTEST(irq, masked_until_enabled)
{
	struct irq_spec spec = { .intid = IRQ_TEST_SGI_MASKED, .type = IRQ_TYPE_EDGE_RISING };
	const struct gic_ops *ops = gic_ops();
	struct hit h = { 0 };
	unsigned long flags, while_masked;
	bool pending;
	int ret;

	REQUIRE_GIC();
	ret = irq_request(&spec, count_hit, &h, "selftest-sgi-masked");
	ST_ASSERT(ret == 0, "irq_request: %d", ret);
	flags = local_irq_save();
	ret = irq_send_sgi_self(spec.intid);
	udelay(IRQ_TEST_QUIET_US);
	while_masked = *(volatile unsigned long *)&h.n;
	pending = ops->pending(spec.intid);
	local_irq_restore(flags);
	wait_hits(&h, 1);
	irq_release(spec.intid);

	ST_ASSERT(ret == 0, "irq_send_sgi_self: %d", ret);
	ST_ASSERT(while_masked == 0, "handled while DAIF.I was set");
	ST_ASSERT(pending, "SGI %u not pending in the GIC while masked", spec.intid);
	ST_ASSERT(h.n == 1, "handler ran %lu times after unmasking", h.n);
	return ST_PASS;
}

/*
 * Enable @intid without a handler, make it pending with @trigger, and wait
 * for irq_dispatch() to count it as unhandled. *enabled_after: whether the
 * GIC still has it enabled afterwards (it is released if so).
 */
static int provoke_unhandled(u32 intid, int (*trigger)(u32 intid), bool *enabled_after)
{
	unsigned long before = irq_unhandled_count(intid);
	u64 deadline;
	int ret;

	ret = gic_enable_unhandled(intid, IRQ_TYPE_EDGE_RISING);
	if (ret)
		return ret;
	pr_info("irq: (self-test: a \"no handler\" warning for INTID %u is expected next)\n",
		intid);
	ret = trigger(intid);
	deadline = timer_deadline(IRQ_TEST_WAIT_US);
	while (!ret && irq_unhandled_count(intid) == before && !timer_expired(deadline))
		cpu_relax();
	udelay(IRQ_TEST_QUIET_US);
	*enabled_after = gic_ops()->enabled(intid);
	if (*enabled_after)
		irq_release(intid);
	return ret;
}

/*
 * An enabled SGI without a handler: acknowledged, counted as unhandled,
 * disabled, ended; never a crash, never the handled count. Whether an SGI
 * can be disabled at all is IMPLEMENTATION DEFINED on GICv2 (IHI 0048B,
 * GICD_ISENABLERn: SGIs may be permanently enabled, as QEMU's are); then
 * only the rest is checked here and irq.unhandled_spi_disabled proves the
 * disable.
 */
SELFTEST(irq, unhandled_reported)
{
	const u32 intid = IRQ_TEST_SGI_UNHANDLED;
	unsigned long before_u = irq_unhandled_count(intid), before_c = irq_count(intid);
	bool always_on, enabled;
	int ret;

	REQUIRE_GIC();
	always_on = gic_ops()->enabled(intid); /* irq_init disabled every SGI */
	ret = provoke_unhandled(intid, irq_send_sgi_self, &enabled);
	ST_ASSERT(ret == 0, "SGI %u without a handler: %d", intid, ret);
	ST_ASSERT(irq_unhandled_count(intid) - before_u == 1, "unhandled count rose by %lu",
		  irq_unhandled_count(intid) - before_u);
	ST_ASSERT(irq_count(intid) == before_c, "counted as handled");
	ST_ASSERT(always_on || !enabled, "SGI %u still enabled after it came without a handler",
		  intid);
	return ST_PASS;
}

static int set_pending(u32 intid)
{
	gic_ops()->set_pending(intid);
	return 0;
}

/* An SPI without a handler is disabled by irq_dispatch(), so a level line cannot storm. */
SELFTEST(irq, unhandled_spi_disabled)
{
	unsigned long before_u;
	bool enabled;
	u32 intid;
	int ret;

	REQUIRE_GIC();
	intid = spare_spi();
	if (intid == IRQ_INTID_NONE)
		ST_SKIP("every SPI is in use");
	before_u = irq_unhandled_count(intid);
	ret = provoke_unhandled(intid, set_pending, &enabled);
	gic_ops()->clear_pending(intid);
	ST_ASSERT(ret == 0, "SPI %u without a handler: %d", intid, ret);
	ST_ASSERT(irq_unhandled_count(intid) - before_u == 1, "unhandled count rose by %lu",
		  irq_unhandled_count(intid) - before_u);
	ST_ASSERT(!enabled, "SPI %u still enabled after it came without a handler", intid);
	return ST_PASS;
}

/* irq_request() programs the trigger: GICD_ICFGR reads back edge, then level. */
SELFTEST(irq, spi_trigger_readback)
{
	const struct gic_ops *ops = gic_ops();
	struct irq_spec spec;
	struct hit h = { 0 };
	u32 edge = 0, level = 0;
	int ret_e, ret_l;

	REQUIRE_GIC();
	spec = (struct irq_spec){ .intid = spare_spi(), .type = IRQ_TYPE_EDGE_RISING };
	if (spec.intid == IRQ_INTID_NONE)
		ST_SKIP("every SPI is in use");
	ret_e = irq_request(&spec, count_hit, &h, "selftest-spi-edge");
	if (!ret_e) {
		edge = ops->trigger(spec.intid);
		irq_release(spec.intid);
	}
	spec.type = IRQ_TYPE_LEVEL_HIGH;
	ret_l = irq_request(&spec, count_hit, &h, "selftest-spi-level");
	if (!ret_l) {
		level = ops->trigger(spec.intid);
		irq_release(spec.intid);
	}
	ST_ASSERT(ret_e == 0 && ret_l == 0, "irq_request: %d, %d", ret_e, ret_l);
	ST_ASSERT(edge == IRQ_TYPE_EDGE_RISING, "SPI %u: GICD_ICFGR says level after an edge request",
		  spec.intid);
	ST_ASSERT(level == IRQ_TYPE_LEVEL_HIGH, "SPI %u: GICD_ICFGR says edge after a level request",
		  spec.intid);
	ST_ASSERT(h.n == 0, "the idle SPI fired %lu times", h.n);
	return ST_PASS;
}

/*
 * An SPI made pending in the distributor (GICD_ISPENDR) reaches this CPU:
 * proves group, priority and routing (GICD_IROUTER / GICD_ITARGETSR).
 */
SELFTEST(irq, spi_routed_here)
{
	const struct gic_ops *ops = gic_ops();
	struct irq_spec spec;
	struct hit h = { 0 };
	int ret;

	REQUIRE_GIC();
	spec = (struct irq_spec){ .intid = spare_spi(), .type = IRQ_TYPE_EDGE_RISING };
	if (spec.intid == IRQ_INTID_NONE)
		ST_SKIP("every SPI is in use");
	ret = irq_request(&spec, count_hit, &h, "selftest-spi");
	ST_ASSERT(ret == 0, "irq_request: %d", ret);
	ops->set_pending(spec.intid);
	wait_hits(&h, 1);
	udelay(IRQ_TEST_QUIET_US);
	irq_release(spec.intid);
	ops->clear_pending(spec.intid);

	ST_ASSERT(h.n == 1, "SPI %u handled %lu times (want 1 within %u us)", spec.intid, h.n,
		  IRQ_TEST_WAIT_US);
	ST_ASSERT(h.intid == spec.intid, "acknowledged INTID %u", h.intid);
	return ST_PASS;
}

/*
 * Every "interrupts" of a node whose parent is the GIC translates: the
 * DT the firmware boots on is the binding's, and the parser agrees.
 */
SELFTEST(irq, dt_specifiers_translate)
{
	const void *fdt = gic_fdt();
	struct irq_dt_spec dt;
	struct irq_spec spec;
	unsigned int ok = 0, i;
	int node, ret;
	char path[128];

	REQUIRE_GIC();
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0; node = fdt_next_node(fdt, node, NULL)) {
		if (!dt_is_available(fdt, node))
			continue;
		for (i = 0;; i++) {
			ret = irq_dt_get(fdt, node, i, &dt);
			if (ret == -ENOENT || ret == -EOPNOTSUPP) /* none left, or behind a nexus */
				break;
			dt_path(fdt, node, path, sizeof(path));
			ST_ASSERT(ret == 0, "%s interrupts[%u]: %d", path, i, ret);
			if (dt.ctrl != gic_dt_node())
				continue;
			ret = irq_translate(&dt, &spec);
			ST_ASSERT(ret == 0, "%s interrupts[%u]: translate %d", path, i, ret);
			ok++;
		}
	}
	ST_ASSERT(ok > 0, "no node has a GIC interrupt");

	/* A specifier of another "controller" (the root) is refused. */
	pr_info("irq: (self-test: a \"not of the GIC\" error is expected next)\n");
	dt = (struct irq_dt_spec){ .ctrl = 0, .ncells = 3, .cells = { 0, 1, 4 } };
	ST_ASSERT(irq_translate(&dt, &spec) == -EINVAL, "root's specifier accepted");
	return ST_PASS;
}
