# purpose: edu backend: rmmod while storms run on an edu device stops them, waits for the DMA engine to be idle and unloads cleanly; the module loads again and the device works
# append: swiotlb=force
# mem: 2G
# qemu: edu=1
# requires: swiotlb=force
# The storm is far longer than the wait: rmmod has to stop it. Each edu
# iteration holds the engine for a few 100 ms DMAs, which bounds how long
# the unload waits.
