// SPDX-License-Identifier: GPL-2.0
/*
 * A device's configuration: the module parameters that make one, the names
 * of its enumerated fields (shared with configfs and debugfs), and the
 * checks every configuration passes before a device is made of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include "conf.h"
#include "pci.h"
#include "compat.h"

static unsigned long long sgblk_capacity_mb = 1024;
module_param_named(capacity_mb, sgblk_capacity_mb, ullong, 0444);
MODULE_PARM_DESC(capacity_mb, "Capacity in MiB (1-1048576, default 1024)");

static char *sgblk_backend = "memory";
module_param_named(backend, sgblk_backend, charp, 0444);
MODULE_PARM_DESC(backend, "memory | null (default memory)");

static unsigned int sgblk_bs = 512;
module_param_named(bs, sgblk_bs, uint, 0444);
MODULE_PARM_DESC(bs, "Logical block size: 512 or 4096 (default 512)");

static unsigned int sgblk_submit_queues;
module_param_named(submit_queues, sgblk_submit_queues, uint, 0444);
MODULE_PARM_DESC(submit_queues, "Hardware submit queues (default: one per CPU)");

static unsigned int sgblk_poll_queues;
module_param_named(poll_queues, sgblk_poll_queues, uint, 0444);
MODULE_PARM_DESC(poll_queues, "Polled queues for io_uring IOPOLL (default 0)");

static unsigned int sgblk_queue_depth = 64;
module_param_named(queue_depth, sgblk_queue_depth, uint, 0444);
MODULE_PARM_DESC(queue_depth, "Tags per hardware queue (1-4096, default 64)");

static char *sgblk_completion = "inline";
module_param_named(completion, sgblk_completion, charp, 0444);
MODULE_PARM_DESC(completion, "inline | softirq | timer (default inline)");

static char *sgblk_profile = "none";
module_param_named(profile, sgblk_profile, charp, 0444);
MODULE_PARM_DESC(profile,
		 "DMA profile preset: none, page, boundary-1k, align-4k, dma28, desc-4");

static char *sgblk_dma_dev_name = "none";
module_param_named(dma_dev, sgblk_dma_dev_name, charp, 0444);
MODULE_PARM_DESC(dma_dev,
		 "PCI function to map through, bound to sgblk by driver_override, or none: a platform device per disk (default none)");

static char *sgblk_map = "sg";
module_param_named(map, sgblk_map, charp, 0444);
MODULE_PARM_DESC(map,
		 "DMA mapping path: sg (blk_rq_map_sg + dma_map_sg) or iter (the block layer's DMA iterator, 7.x kernels) (default sg)");

static char *sgblk_coherent = "auto";
module_param_named(coherent, sgblk_coherent, charp, 0444);
MODULE_PARM_DESC(coherent,
		 "Cache coherence of each disk's own DMA device: auto (the platform's), yes or no (set with the kernel's accessor, 7.x; no: arm64 only) (default auto)");

static unsigned int sgblk_sgl_entries = SGBLK_MAX_SEGMENTS;
module_param_named(sgl_entries, sgblk_sgl_entries, uint, 0444);
MODULE_PARM_DESC(sgl_entries,
		 "Test hook: scatterlist entries per request (1-" __stringify(SGBLK_MAX_SEGMENTS)
		 ", default " __stringify(SGBLK_MAX_SEGMENTS)
		 "); the queue still takes requests of up to " __stringify(SGBLK_MAX_SEGMENTS)
		 " segments, so a smaller table meets requests that do not fit it");

static unsigned long long sgblk_completion_nsec = 10000;
module_param_named(completion_nsec, sgblk_completion_nsec, ullong, 0444);
MODULE_PARM_DESC(completion_nsec,
		 "Modelled latency for completion=timer (ns, default 10000)");

/* Names shared by the module parameters, configfs and debugfs. */
static const char *const sgblk_backend_names[] = {
	[SGBLK_BACKEND_MEMORY] = "memory",
	[SGBLK_BACKEND_NULL] = "null",
};

static const char *const sgblk_completion_names[] = {
	[SGBLK_COMP_INLINE] = "inline",
	[SGBLK_COMP_SOFTIRQ] = "softirq",
	[SGBLK_COMP_TIMER] = "timer",
};

/**
 * sgblk_backend_parse - a backend by name
 * @s: "memory" or "null" (trailing newline tolerated)
 *
 * Return: the enum sgblk_backend value, or -EINVAL.
 */
int sgblk_backend_parse(const char *s)
{
	return sysfs_match_string(sgblk_backend_names, s);
}

const char *sgblk_backend_str(enum sgblk_backend b)
{
	return b < ARRAY_SIZE(sgblk_backend_names) ? sgblk_backend_names[b] : "?";
}

/**
 * sgblk_completion_parse - a completion mode by name
 * @s: "inline", "softirq" or "timer" (trailing newline tolerated)
 *
 * Return: the enum sgblk_completion value, or -EINVAL.
 */
int sgblk_completion_parse(const char *s)
{
	return sysfs_match_string(sgblk_completion_names, s);
}

const char *sgblk_completion_str(enum sgblk_completion c)
{
	return c < ARRAY_SIZE(sgblk_completion_names) ?
	       sgblk_completion_names[c] : "?";
}

static const char *const sgblk_map_names[] = {
	[SGBLK_MAP_SG] = "sg",
	[SGBLK_MAP_ITER] = "iter",
};

/**
 * sgblk_map_parse - a mapping path by name
 * @s: "sg" or "iter" (a trailing newline is ignored)
 *
 * Return: the enum sgblk_map value, or -EINVAL.
 */
int sgblk_map_parse(const char *s)
{
	return sysfs_match_string(sgblk_map_names, s);
}

const char *sgblk_map_str(enum sgblk_map map)
{
	return map < ARRAY_SIZE(sgblk_map_names) ? sgblk_map_names[map] : "?";
}

/**
 * sgblk_map_check - can this kernel map requests this way?
 * @map: the mapping path
 *
 * Return: 0, or -EOPNOTSUPP with the missing kernel feature logged.
 */
int sgblk_map_check(enum sgblk_map map)
{
	if (map == SGBLK_MAP_ITER && !SGBLK_MAP_ITER_AVAILABLE) {
		pr_err("map=iter needs the block layer's DMA iterator (blk_rq_dma_map_iter_start/next and blk_rq_dma_unmap as in 7.x), which this kernel lacks: use map=sg\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

static const char *const sgblk_coherent_names[] = {
	[SGBLK_COHERENT_AUTO] = "auto",
	[SGBLK_COHERENT_YES] = "yes",
	[SGBLK_COHERENT_NO] = "no",
};

/**
 * sgblk_coherent_parse - a coherence setting by name
 * @s: "auto", "yes" or "no" (a trailing newline is ignored)
 *
 * Return: the enum sgblk_coherent value, or -EINVAL.
 */
int sgblk_coherent_parse(const char *s)
{
	return sysfs_match_string(sgblk_coherent_names, s);
}

const char *sgblk_coherent_str(enum sgblk_coherent c)
{
	return c < ARRAY_SIZE(sgblk_coherent_names) ? sgblk_coherent_names[c] : "?";
}

/*
 * Coherence is set on the disk's own platform device only, and only where
 * the kernel offers the accessor and the engine can act as such a device.
 */
static int sgblk_coherent_check(const struct sgblk_conf *conf)
{
	if (conf->coherent == SGBLK_COHERENT_AUTO)
		return 0;
	if (conf->dma_dev[0]) {
		pr_err("coherent=%s: a PCI function (dma_dev) keeps its platform's coherence; use coherent=auto\n",
		       sgblk_coherent_str(conf->coherent));
		return -EINVAL;
	}
	if (!SGBLK_DMA_COHERENCE_SETTABLE) {
		pr_err("coherent=%s: this kernel cannot set a device's coherence (dev_assign_dma_coherent(), 7.x, on an architecture with non-coherent DMA); use coherent=auto\n",
		       sgblk_coherent_str(conf->coherent));
		return -EOPNOTSUPP;
	}
	if (conf->coherent == SGBLK_COHERENT_NO && !SGBLK_POC_MAINT_AVAILABLE) {
		pr_err("coherent=no: the engine has no cache maintenance for this architecture (arm64 only)\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * sgblk_conf_dma_dev - set the PCI function a disk will map through
 * @dma_dev: the configuration's dma_dev field
 * @name: a PCI device name bound to sgblk ("0000:00:03.0"), or "none" for
 *	the disk's own platform device (a trailing newline is ignored)
 *
 * Return: 0, or -EINVAL (empty or too long) / -ENODEV (not a function
 * bound to sgblk) with the reason logged and @dma_dev unchanged.
 */
int sgblk_conf_dma_dev(char dma_dev[SGBLK_DMA_DEV_LEN], const char *name)
{
	size_t len = strcspn(name, "\n");
	char buf[SGBLK_DMA_DEV_LEN];
	int ret;

	if (!len || len >= sizeof(buf)) {
		pr_err("dma_dev: a PCI function's name (shorter than %zu bytes) or none\n",
		       sizeof(buf));
		return -EINVAL;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (!strcmp(buf, "none")) {
		dma_dev[0] = '\0';
		return 0;
	}
	ret = sgblk_pci_check(buf);
	if (ret)
		return ret;
	strscpy(dma_dev, buf, SGBLK_DMA_DEV_LEN);
	return 0;
}

#define SGBLK_MAX_CAPACITY_MB	BIT_ULL(20)
#define SGBLK_MAX_QUEUE_DEPTH	4096

/**
 * sgblk_conf_check - validate a device configuration
 * @conf: the configuration
 *
 * Return: 0, or -EINVAL (-EOPNOTSUPP: a mapping path or a coherence setting
 * this kernel or architecture lacks)
 * with the reason logged.
 */
int sgblk_conf_check(const struct sgblk_conf *conf)
{
	int ret;

	if (!conf->capacity_mb || conf->capacity_mb > SGBLK_MAX_CAPACITY_MB) {
		pr_err("capacity_mb %llu out of range 1-%llu\n",
		       conf->capacity_mb, SGBLK_MAX_CAPACITY_MB);
		return -EINVAL;
	}
	if (conf->bs != 512 && conf->bs != 4096) {
		pr_err("bs %u: must be 512 or 4096\n", conf->bs);
		return -EINVAL;
	}
	if (!conf->submit_queues) {
		pr_err("submit_queues must be at least 1\n");
		return -EINVAL;
	}
	if (!conf->queue_depth || conf->queue_depth > SGBLK_MAX_QUEUE_DEPTH) {
		pr_err("queue_depth %u out of range 1-%u\n", conf->queue_depth,
		       SGBLK_MAX_QUEUE_DEPTH);
		return -EINVAL;
	}
	if (conf->submit_queues > nr_cpu_ids || conf->poll_queues > nr_cpu_ids) {
		pr_err("submit_queues %u / poll_queues %u: at most %u\n",
		       conf->submit_queues, conf->poll_queues, nr_cpu_ids);
		return -EINVAL;
	}
	if (!conf->sgl_entries || conf->sgl_entries > SGBLK_MAX_SEGMENTS) {
		pr_err("sgl_entries %u out of range 1-%u\n", conf->sgl_entries,
		       SGBLK_MAX_SEGMENTS);
		return -EINVAL;
	}
	if (conf->completion_nsec > NSEC_PER_SEC) {
		pr_err("completion_nsec %llu: at most one second\n",
		       conf->completion_nsec);
		return -EINVAL;
	}
	ret = sgblk_coherent_check(conf);
	if (ret)
		return ret;
	return sgblk_map_check(conf->map);
}

/**
 * sgblk_conf_from_params - the configuration the module parameters give
 * @conf: filled in; also the defaults of a device made through configfs
 *
 * Return: 0, or -EINVAL with the reason logged.
 */
int sgblk_conf_from_params(struct sgblk_conf *conf)
{
	int ret;

	ret = sgblk_backend_parse(sgblk_backend);
	if (ret < 0) {
		pr_err("backend '%s': must be memory or null\n", sgblk_backend);
		return -EINVAL;
	}
	conf->backend = ret;
	ret = sgblk_completion_parse(sgblk_completion);
	if (ret < 0) {
		pr_err("completion '%s': must be inline, softirq or timer\n",
		       sgblk_completion);
		return -EINVAL;
	}
	conf->completion = ret;
	ret = sgblk_map_parse(sgblk_map);
	if (ret < 0) {
		pr_err("map '%s': must be sg or iter\n", sgblk_map);
		return -EINVAL;
	}
	conf->map = ret;
	ret = sgblk_coherent_parse(sgblk_coherent);
	if (ret < 0) {
		pr_err("coherent '%s': must be auto, yes or no\n", sgblk_coherent);
		return -EINVAL;
	}
	conf->coherent = ret;
	if (sgblk_profile_preset(sgblk_profile, &conf->profile)) {
		pr_err("profile '%s': unknown preset\n", sgblk_profile);
		return -EINVAL;
	}
	conf->capacity_mb = sgblk_capacity_mb;
	conf->bs = sgblk_bs;
	conf->submit_queues = sgblk_submit_queues ?: nr_cpu_ids;
	conf->poll_queues = sgblk_poll_queues;
	conf->queue_depth = sgblk_queue_depth;
	conf->completion_nsec = sgblk_completion_nsec;
	conf->sgl_entries = sgblk_sgl_entries;
	ret = sgblk_conf_dma_dev(conf->dma_dev, sgblk_dma_dev_name);
	if (ret)
		return ret;
	return sgblk_conf_check(conf);
}
