// Section `fraud-mlops:orchestrator`: the VM that runs Airflow and MLflow in Docker.
import { RawConfig, Section } from "./reader";

/** Ubuntu LTS families; the image id is looked up by family at deploy time. */
export const UBUNTU_FAMILIES = { "ubuntu-2204-lts": "jammy", "ubuntu-2404-lts": "noble" } as const;
export type UbuntuFamily = keyof typeof UBUNTU_FAMILIES;

export interface OrchestratorVmConfig {
    readonly imageFamily: UbuntuFamily;
    /** Pins the boot image (no lookup: a preview needs no API call, an image update is a deliberate change). */
    readonly imageId?: string;
    readonly platformId: string;
    readonly cores: number;
    readonly memoryGb: number;
    readonly diskSizeGb: number;
}

export const ORCHESTRATOR_DEFAULTS = {
    imageFamily: "ubuntu-2204-lts" as UbuntuFamily,
    platformId: "standard-v3",
    cores: 2,
    memoryGb: 8,
    diskSizeGb: 50,
} as const;

// Airflow (scheduler, api server, dag processor, triggerer) + MLflow + PostgreSQL need 8 GB.
export const MIN_MEMORY_GB = 8;
// standard-v3 (Ice Lake) at 100 % core fraction: even core counts, 1-16 GB per core.
const MEMORY_PER_CORE = { min: 1, max: 16 };
// Yandex Cloud resource ids: 20 lowercase letters and digits (images start with fd8...).
const IMAGE_ID = /^[a-z][a-z0-9]{19}$/;

export function parseOrchestrator(config: RawConfig): OrchestratorVmConfig {
    const section = Section.of(config, "orchestrator");
    const imageFamily = section.oneOf("imageFamily", Object.keys(UBUNTU_FAMILIES) as UbuntuFamily[], ORCHESTRATOR_DEFAULTS.imageFamily);
    const imageId = section.optionalString("imageId");
    if (imageId !== undefined && !IMAGE_ID.test(imageId)) {
        section.fail("imageId", `"${imageId}" is not a Yandex image id (20 lowercase letters and digits)`, `the id printed by 'yc compute image get-latest-from-family ${imageFamily} --folder-id standard-images'`);
    }
    const platformId = section.oneOf("platformId", ["standard-v3"], "standard-v3");
    const cores = section.integer("cores", ORCHESTRATOR_DEFAULTS.cores, { min: 2, max: 96 });
    if (cores % 2 !== 0) section.fail("cores", `${cores} is odd; standard-v3 takes an even number of cores`, String(cores + 1));
    const memoryGb = section.integer("memoryGb", ORCHESTRATOR_DEFAULTS.memoryGb, { min: MIN_MEMORY_GB, max: 640 });
    const perCore = memoryGb / cores;
    if (perCore < MEMORY_PER_CORE.min || perCore > MEMORY_PER_CORE.max) {
        section.fail("memoryGb", `${memoryGb} GB for ${cores} cores is outside ${MEMORY_PER_CORE.min}-${MEMORY_PER_CORE.max} GB per core`, String(Math.max(MIN_MEMORY_GB, cores * 4)));
    }
    const vm: OrchestratorVmConfig = {
        imageFamily,
        ...(imageId ? { imageId } : {}),
        platformId,
        cores,
        memoryGb,
        diskSizeGb: section.integer("diskSizeGb", ORCHESTRATOR_DEFAULTS.diskSizeGb, { min: 30, max: 4096 }),
    };
    section.finish();
    return vm;
}
