/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGBLK_CONF_H
#define SGBLK_CONF_H

#include <linux/types.h>
#include "profile.h"

enum sgblk_backend {
	SGBLK_BACKEND_MEMORY,
	SGBLK_BACKEND_NULL,
};

enum sgblk_completion {
	SGBLK_COMP_INLINE,
	SGBLK_COMP_SOFTIRQ,
	SGBLK_COMP_TIMER,
};

/*
 * How a request is DMA-mapped: blk_rq_map_sg() + dma_map_sg(), or the
 * block layer's DMA iterator (no scatterlist; kernels with
 * SGBLK_MAP_ITER_AVAILABLE).  Both feed the same planner.
 */
enum sgblk_map {
	SGBLK_MAP_SG,
	SGBLK_MAP_ITER,
};

/*
 * The cache coherence of the disk's own platform device: the platform's
 * (auto; on arm64 a device firmware does not describe is not coherent),
 * or set with the kernel's accessor (yes, no; see sgblk_set_dma_coherent()).
 * A PCI function (dma_dev) keeps its platform's.
 */
enum sgblk_coherent {
	SGBLK_COHERENT_AUTO,
	SGBLK_COHERENT_YES,
	SGBLK_COHERENT_NO,
};

/* A PCI device name ("0000:00:03.0") and its NUL, with room to spare. */
#define SGBLK_DMA_DEV_LEN	32

/**
 * struct sgblk_conf - what a device is created with (module parameters or
 *	configfs attributes); fixed while the device is powered on, except
 *	profile and map, which debugfs changes with the queue frozen
 */
struct sgblk_conf {
	u64 capacity_mb;
	enum sgblk_backend backend;
	unsigned int bs;
	unsigned int submit_queues;
	unsigned int poll_queues;
	unsigned int queue_depth;
	enum sgblk_completion completion;
	u64 completion_nsec;
	struct sgblk_profile profile;
	char dma_dev[SGBLK_DMA_DEV_LEN];
	enum sgblk_map map;
	enum sgblk_coherent coherent;
	unsigned int sgl_entries;
};

int sgblk_conf_check(const struct sgblk_conf *conf);
int sgblk_conf_from_params(struct sgblk_conf *conf);
int sgblk_conf_dma_dev(char dma_dev[SGBLK_DMA_DEV_LEN], const char *name);

/* Names shared by the module parameters, configfs and debugfs. */
int sgblk_backend_parse(const char *s);
const char *sgblk_backend_str(enum sgblk_backend b);
int sgblk_completion_parse(const char *s);
const char *sgblk_completion_str(enum sgblk_completion c);
int sgblk_map_parse(const char *s);
const char *sgblk_map_str(enum sgblk_map map);
int sgblk_map_check(enum sgblk_map map);
int sgblk_coherent_parse(const char *s);
const char *sgblk_coherent_str(enum sgblk_coherent c);

#endif /* SGBLK_CONF_H */
