# purpose: a 32-bit device without swiotlb=force: buffers above 4 GiB bounce through the default pool, keeping offsets and data
# append:
# mem: 6G
# requires: !swiotlb=force mem>4
# default: yes
scn_device c32 "profile=custom mask_bits=32 coherent_bits=32 min_align_mask=0xfff" &&
scn_storm c32 "threads=2 iterations=512 size_min=1 size_max=16384 offset=random place=high dir=all" &&
scn_expect_key c32 stats bounce_mechanism 'mask*' "the bounces came from the mask, not from swiotlb=force"
