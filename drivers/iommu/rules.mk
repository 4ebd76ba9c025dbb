# drivers/iommu/: the Arm SMMUv3 driver; smmu_v3_desc.c is its pure part
# (structures as data, host-tested).
FW_SRCS += drivers/iommu/smmu_v3.c drivers/iommu/smmu_v3_desc.c drivers/iommu/smmu_selftests.c drivers/iommu/smmu_cmd.c
