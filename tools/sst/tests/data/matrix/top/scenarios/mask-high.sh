# purpose: a 32-bit device without swiotlb=force: buffers above 4 GiB bounce through the default pool, keeping offsets and data
# append:
# mem: 6G
# requires: !swiotlb=force mem>4
# default: yes
