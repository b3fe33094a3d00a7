# purpose: check classes errors, pool and hang: a 2 MiB pool driven full by 64 live 64 KiB mappings: failures classified pool_full, no panic, no hang, every slot returned
# append: swiotlb=1024,force
# mem: 2G
# requires: swiotlb=1024,force
# proves: panic bug=5
# proves: pool bug=6
# proves: hang bug=7
scn_device exh0 "profile=legacy" &&
scn_storm exh0 "op=map_single threads=1 live=64 iterations=20 size=65536 dir=to hang_ms=5000" 60 &&
scn_expect_pool_full exh0 "the pool ran out, and the failures were classified" &&
case $(sst_key "$(sst_dev_file exh0 stats)" pool_can_grow):$(sst_key "$(sst_dev_file exh0 stats)" map_errors) in
yes*:0) scn_result exh0.pool_headroom_at_first_failure skip "no refusal to measure: this kernel's pool grows on demand (CONFIG_SWIOTLB_DYNAMIC)" ;;
*) scn_expect_key exh0 stats pool_headroom_at_first_failure '[0-9u]*' "headroom at the first failure (where the kernel counts it)" ;;
esac
