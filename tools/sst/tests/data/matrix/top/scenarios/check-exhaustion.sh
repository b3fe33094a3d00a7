# purpose: check classes errors, pool and hang: a 2 MiB pool driven full by 64 live 64 KiB mappings: failures classified pool_full, no panic, no hang, every slot returned
# append: swiotlb=1024,force
# mem: 2G
# requires: swiotlb=1024,force
# proves: panic bug=5
# proves: pool bug=6
# proves: hang bug=7
