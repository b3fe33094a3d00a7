# purpose: check class overlap (CVE-2024-35814 class): 32 live bounced mappings per thread never share device addresses
# append: swiotlb=force
# mem: 2G
# requires: swiotlb=force
# proves: overlap bug=3
