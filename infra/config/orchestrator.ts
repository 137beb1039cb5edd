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
    /** Docker Hub mirrors for the VM's Docker daemon (`registry-mirrors`), tried in order before Docker Hub. */
    readonly registryMirrors: readonly string[];
    /** How the Airflow and MLflow UIs are reached from outside (infra/orchestrator/README.md "Access"). */
    readonly access: UiAccess;
}

/**
 * Default (`tls.enabled` false): only SSH is reachable from outside; the UIs open through an SSH tunnel.
 * `tls.enabled`: a TLS-terminating proxy serves both UIs on 443 (self-signed certificate, fingerprint in
 * the stack outputs; `tls.hostname` adds a DNS name to it). Plain HTTP is never reachable from outside.
 */
export interface UiAccess {
    readonly tls: boolean;
    readonly hostname?: string;
}

/**
 * Google's public pull-through cache of Docker Hub: anonymous, no account, and the mirror Russian course
 * material and guides use when Docker Hub refuses Russian addresses (see infra/orchestrator/README.md).
 * Docker falls back to Docker Hub itself for an image the mirror does not hold.
 */
export const DEFAULT_REGISTRY_MIRRORS: readonly string[] = ["https://mirror.gcr.io"];

export const ORCHESTRATOR_DEFAULTS = {
    imageFamily: "ubuntu-2204-lts" as UbuntuFamily,
    platformId: "standard-v3",
    cores: 2,
    memoryGb: 8,
    diskSizeGb: 50,
    registryMirrors: DEFAULT_REGISTRY_MIRRORS,
} as const;

// Airflow (scheduler, api server, dag processor, triggerer) + MLflow + PostgreSQL need 8 GB.
export const MIN_MEMORY_GB = 8;
// standard-v3 (Ice Lake) at 100 % core fraction: even core counts, 1-16 GB per core.
const MEMORY_PER_CORE = { min: 1, max: 16 };
// Yandex Cloud resource ids: 20 lowercase letters and digits (images start with fd8...).
const IMAGE_ID = /^[a-z][a-z0-9]{19}$/;

/**
 * Why Docker would refuse `url` as a registry mirror (a refused daemon.json keeps Docker from starting,
 * so the VM would come up without services), or undefined when it is acceptable. HTTPS only: a plain
 * HTTP mirror would also need `insecure-registries`.
 */
export function registryMirrorProblem(url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return `${JSON.stringify(url)} is not a URL`;
    }
    if (parsed.protocol !== "https:") return `${JSON.stringify(url)} must use https://`;
    if (parsed.username || parsed.password) return `${JSON.stringify(url)} must not carry a user or password`;
    if (parsed.search || parsed.hash || /[?#]/.test(url)) return `${JSON.stringify(url)} must not have a query or fragment`;
    return undefined;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function uiAccess(section: Section): UiAccess {
    const tls = section.child("tls");
    const enabled = tls.boolean("enabled", false);
    const hostname = tls.optionalString("hostname")?.toLowerCase();
    if (hostname !== undefined && !HOSTNAME.test(hostname)) {
        tls.fail("hostname", `${JSON.stringify(hostname)} is not a DNS name`, "mlops.example.com");
    }
    if (hostname !== undefined && !enabled) {
        tls.fail("hostname", "is set but tls.enabled is false, so no certificate would carry it", "true for tls.enabled, or remove tls.hostname");
    }
    return hostname === undefined ? { tls: enabled } : { tls: enabled, hostname };
}

function registryMirrors(section: Section): string[] {
    const field = "registryMirrors";
    const mirrors = section.stringList(field, ORCHESTRATOR_DEFAULTS.registryMirrors);
    mirrors.forEach((url, index) => {
        const problem = registryMirrorProblem(url);
        if (problem) section.fail(`${field}[${index}]`, problem, `'${JSON.stringify(DEFAULT_REGISTRY_MIRRORS)}' (or '[]' to pull from Docker Hub directly)`);
    });
    if (new Set(mirrors).size !== mirrors.length) section.fail(field, "lists a mirror twice", "list each mirror once");
    return mirrors;
}

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
        registryMirrors: registryMirrors(section),
        access: uiAccess(section),
    };
    section.finish();
    return vm;
}
