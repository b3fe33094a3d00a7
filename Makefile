# SPDX-License-Identifier: GPL-2.0
#
# make                      build against the running kernel's build tree
# make KDIR=/path/to/build  build against another kernel (headers package
#                           or an O= build directory)
# make W=1 / C=1            extra warnings / sparse, as in the kernel tree
KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) $@

.PHONY: all modules clean
