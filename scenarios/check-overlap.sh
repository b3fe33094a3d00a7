# purpose: check class overlap (CVE-2024-35814 class): 32 live bounced mappings per thread never share device addresses
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: overlap bug=3
scn_device ovl0 "profile=nvme" &&
scn_storm ovl0 "op=map_single threads=2 live=32 iterations=64 size_min=1 size_max=12000"
