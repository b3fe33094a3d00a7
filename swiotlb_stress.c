// SPDX-License-Identifier: GPL-2.0
/*
 * swiotlb_stress: fake DMA devices that put the live DMA API and SWIOTLB
 * under load, and checks that say what the kernel got wrong.
 *
 * This file only wires the layers together (sstress.h says which file is
 * which): the device model comes up first and the control files last, the
 * only way in for user space; exit undoes it from the top and waits for
 * every device's release before the module text goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/platform_device.h>

#include "sstress.h"

/*
 * kernel/dma/map_benchmark.c binds only to platform and PCI devices, not to
 * ours. With bench_pdev=1 the module registers a driverless platform device
 * that user space hands to it (driver_override): the same dma-direct path
 * and default bounce pool as a fake device, so the two loops compare.
 */
static bool sstress_bench_pdev_on;
module_param_named(bench_pdev, sstress_bench_pdev_on, bool, 0444);
MODULE_PARM_DESC(bench_pdev,
		 "register platform device " SSTRESS_BENCH_PDEV " for dma_map_benchmark");

static struct platform_device *sstress_bench_pdev;

/*
 * The layers come up from the bottom: the bus, the edu devices, the
 * restricted-pool devices, the benchmark's device, and last the control files, the only way in for
 * user space; exit undoes it from the top.
 */
static int __init sstress_init(void)
{
	int ret;

	/* The control layer keeps its files and the run per device. */
	ret = sstress_dev_init(&sstress_ctl_dev_hooks);
	if (ret)
		return ret;
	ret = sstress_edu_init();
	if (ret)
		goto err_dev_exit;
	ret = sstress_rpool_init();
	if (ret)
		goto err_edu_exit;
	if (sstress_bench_pdev_on) {
		sstress_bench_pdev =
			platform_device_register_simple(SSTRESS_BENCH_PDEV,
							PLATFORM_DEVID_NONE,
							NULL, 0);
		if (IS_ERR(sstress_bench_pdev)) {
			ret = PTR_ERR(sstress_bench_pdev);
			sstress_bench_pdev = NULL;
			pr_err("cannot register platform device %s (%d)\n",
			       SSTRESS_BENCH_PDEV, ret);
			goto err_rpool_exit;
		}
	}
	ret = sstress_ctl_init();
	if (ret)
		goto err_bench_unregister;
	sstress_dev_enable();
	pr_info("loaded: report version %d\n", SSTRESS_REPORT_VERSION);
	return 0;

err_bench_unregister:
	if (sstress_bench_pdev)
		platform_device_unregister(sstress_bench_pdev);
err_rpool_exit:
	sstress_rpool_exit();
err_edu_exit:
	sstress_edu_exit();
err_dev_exit:
	sstress_dev_exit();
	return ret;
}

static void __exit sstress_exit(void)
{
	/*
	 * An open control file holds a module reference, so no control call
	 * can be in flight here; the top-level files go first all the same,
	 * and no device can be created from here on.
	 */
	sstress_ctl_close();
	sstress_dev_destroy_all();
	/* Before the edu and restricted-pool devices go: all are let go. */
	sstress_dev_wait_released();
	sstress_ctl_exit();
	/* Unbinds dma_map_benchmark, once its ioctl has returned. */
	if (sstress_bench_pdev)
		platform_device_unregister(sstress_bench_pdev);
	sstress_rpool_exit();
	sstress_edu_exit();
	sstress_dev_exit();
	pr_info("unloaded\n");
}

module_init(sstress_init);
module_exit(sstress_exit);

MODULE_DESCRIPTION("Stress and verify the DMA API and SWIOTLB bounce buffering from fake devices");
MODULE_LICENSE("GPL");
