/* Fault injection at allocation sites (include/fault_inject.h). */
#include <console.h>
#include <fault_inject.h>

bool fault_inject_active;

static struct {
	unsigned int mask;	/* sites whose hits count towards nth */
	unsigned int nth;	/* 0: count only */
	unsigned int seen;	/* hits at masked sites so far */
	unsigned int hits[FAULT_INJECT_NR_SITES];
	bool fired;
	enum fault_site fired_site;
} fi;

static const char *const site_names[FAULT_INJECT_NR_SITES] = {
	[FAULT_INJECT_COHERENT] = "coherent",
	[FAULT_INJECT_IOVA] = "iova",
	[FAULT_INJECT_PGTABLE] = "pgtable",
	[FAULT_INJECT_BOUNCE] = "bounce",
};

const char *fault_inject_site_name(enum fault_site site)
{
	return (unsigned int)site < FAULT_INJECT_NR_SITES ? site_names[site] : "?";
}

bool fault_inject_hit_slow(enum fault_site site)
{
	if ((unsigned int)site >= FAULT_INJECT_NR_SITES)
		return false;
	fi.hits[site]++;
	if (!(fi.mask & FAULT_INJECT_MASK(site)) || !fi.nth || ++fi.seen != fi.nth)
		return false;
	fi.fired = true;
	fi.fired_site = site;
	kprintf("fault-inject: failing %s allocation %u (caller %p)\n", site_names[site],
		fi.hits[site], __builtin_return_address(0));
	return true;
}

void fault_inject_arm(unsigned int site_mask, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < FAULT_INJECT_NR_SITES; i++)
		fi.hits[i] = 0;
	fi.mask = site_mask & FAULT_INJECT_ALL;
	fi.nth = nth;
	fi.seen = 0;
	fi.fired = false;
	fault_inject_active = true;
}

void fault_inject_disarm(void)
{
	fault_inject_active = false;
}

unsigned int fault_inject_hits(enum fault_site site)
{
	return (unsigned int)site < FAULT_INJECT_NR_SITES ? fi.hits[site] : 0;
}

bool fault_inject_fired(enum fault_site *site)
{
	if (fi.fired && site)
		*site = fi.fired_site;
	return fi.fired;
}
