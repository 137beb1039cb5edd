// Section `fraud-mlops:dataproc`: image, host sizes, Python packages of the Data Proc cluster.
import { RawConfig, Section } from "./reader";

/** Images we accept, with the Python their PySpark runs (pip packages must exist for it). */
export const DATAPROC_IMAGES = {
    "2.1": { spark: "3.3.2", python: "3.8" },
    "2.2": { spark: "3.5.0", python: "3.11" },
} as const;
export type DataprocImage = keyof typeof DATAPROC_IMAGES;

/** Images Data Proc still offers that the jobs cannot run on, and why. */
export const REFUSED_DATAPROC_IMAGES: Readonly<Record<string, string>> = {
    "2.0": "image 2.0 runs Spark 3.0.3, but the jobs use Spark 3.3 APIs (pyspark.sql.Observation in the cleaning job)",
};

// Ice Lake presets (s3: 1 vCPU : 4 GB, m3: 1:8, c3: 1:2).
export const DATAPROC_PRESETS = [
    "s3-c2-m8", "s3-c4-m16", "s3-c8-m32", "s3-c16-m64", "s3-c24-m96", "s3-c32-m128",
    "m3-c2-m16", "m3-c4-m32", "m3-c8-m64", "m3-c16-m128", "m3-c24-m192", "m3-c32-m256",
    "c3-c2-m4", "c3-c4-m8", "c3-c8-m16", "c3-c16-m32", "c3-c24-m48", "c3-c32-m64",
] as const;
export const DATAPROC_DISK_TYPES = ["network-ssd", "network-hdd"] as const;
/** Per-host disk limits of Data Proc (network-ssd and network-hdd): 20 GB to 4 TB. */
export const DATAPROC_DISK_GB = { min: 20, max: 4096 };
export const DATAPROC_DATA_HOSTS = { min: 1, max: 32 };

/**
 * Packages the jobs import that the image lacks (or must not vary), pinned, per image. mlflow-skinny 2.17.2 is
 * the last release that supports Python 3.8 (image 2.1) and also installs on 3.11 (image 2.2). xgboost-cpu
 * 2.1.4 (train --model xgboost): the last XGBoost for Python 3.8 (3.x needs 3.10), the build without CUDA,
 * installs on both; its PySpark estimator imports scikit-learn, which image 2.1 ships as 0.24.1: pinned to
 * that, so the pip step never replaces it (the jobs' py3.8 tests run xgboost with it, jobs/requirements-py38.txt).
 * Image 2.2's own scikit-learn is used as shipped (its version is not documented; not verified).
 */
export const DEFAULT_PIP_PACKAGES_BY_IMAGE: Readonly<Record<DataprocImage, Readonly<Record<string, string>>>> = {
    "2.1": { "mlflow-skinny": "2.17.2", "xgboost-cpu": "2.1.4", "scikit-learn": "0.24.1" },
    "2.2": { "mlflow-skinny": "2.17.2", "xgboost-cpu": "2.1.4" },
};

/** Known lowest Python of package releases, to refuse a pin the image's pip cannot install. */
const PYTHON_FLOOR: Record<string, { from: string; python: string }[]> = {
    "mlflow-skinny": [{ from: "2.18.0", python: "3.9" }],
    mlflow: [{ from: "2.18.0", python: "3.9" }],
    // As pip sees Requires-Python: on 3.8 the newest offered are xgboost-cpu 2.1.4 and scikit-learn 1.3.2.
    "xgboost-cpu": [{ from: "3.0.0", python: "3.10" }],
    "scikit-learn": [{ from: "1.4.0", python: "3.9" }],
};

export interface SubclusterConfig {
    readonly preset: string;
    readonly diskType: (typeof DATAPROC_DISK_TYPES)[number];
    readonly diskSizeGb: number;
    readonly hosts: number;
}

export interface DataprocConfig {
    readonly imageVersion: DataprocImage;
    readonly master: SubclusterConfig;
    readonly data: SubclusterConfig;
    readonly masterPublicIp: boolean;
    readonly pipPackages: Readonly<Record<string, string>>;
    readonly deletionProtection: boolean;
    /** JupyterLab on the persistent cluster's master, reached through an SSH tunnel (infra/dataproc/README.md). */
    readonly jupyterLab: boolean;
}

export const DATAPROC_DEFAULTS = {
    imageVersion: "2.1" as DataprocImage,
    master: { preset: "s3-c2-m8", diskType: "network-ssd", diskSizeGb: 40, hosts: 1 },
    data: { preset: "s3-c4-m16", diskType: "network-ssd", diskSizeGb: 128, hosts: 3 },
} as const;

/** HDFS block replication on a cluster with `dataHosts` data hosts: Hadoop's default 3, or fewer hosts. */
export function hdfsReplication(dataHosts: number): number {
    return Math.min(3, dataHosts);
}

/** Compares dotted versions numerically: -1, 0, 1. */
export function compareVersions(a: string, b: string): number {
    const left = a.split(".").map(Number);
    const right = b.split(".").map(Number);
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
        const diff = (left[i] ?? 0) - (right[i] ?? 0);
        if (diff !== 0) return Math.sign(diff);
    }
    return 0;
}

function subcluster(section: Section, defaults: SubclusterConfig, hostRange: { min: number; max: number }): SubclusterConfig {
    return {
        preset: section.oneOf("preset", DATAPROC_PRESETS, defaults.preset as (typeof DATAPROC_PRESETS)[number]),
        diskType: section.oneOf("diskType", DATAPROC_DISK_TYPES, defaults.diskType),
        diskSizeGb: section.integer("diskSizeGb", defaults.diskSizeGb, DATAPROC_DISK_GB),
        hosts: section.integer("hosts", defaults.hosts, hostRange),
    };
}

function pipPackages(section: Section, python: string, image: DataprocImage): Record<string, string> {
    const defaults = DEFAULT_PIP_PACKAGES_BY_IMAGE[image];
    const packages = section.stringMap("pipPackages", defaults);
    for (const [name, version] of Object.entries(packages)) {
        if (!/^\d+(\.\d+){1,3}$/.test(version)) {
            section.fail(`pipPackages.${name}`, `"${version}" is not an exact version; pin it so every cluster gets the same code`, '"2.17.2"');
        }
        const floor = (PYTHON_FLOOR[name] ?? []).find((rule) => compareVersions(version, rule.from) >= 0);
        if (floor && compareVersions(python, floor.python) < 0) {
            section.fail(`pipPackages.${name}`, `${name} ${version} needs Python >= ${floor.python} but image ${image} runs Python ${python}`, `"${defaults[name] ?? "<older version>"}" or a newer imageVersion`);
        }
    }
    return packages;
}

export function parseDataproc(config: RawConfig): DataprocConfig {
    const section = Section.of(config, "dataproc");
    const requested = section.string("imageVersion", DATAPROC_DEFAULTS.imageVersion);
    if (REFUSED_DATAPROC_IMAGES[requested]) section.fail("imageVersion", REFUSED_DATAPROC_IMAGES[requested], `"${DATAPROC_DEFAULTS.imageVersion}"`);
    const imageVersion = section.oneOf("imageVersion", Object.keys(DATAPROC_IMAGES) as DataprocImage[], DATAPROC_DEFAULTS.imageVersion);
    const dataproc: DataprocConfig = {
        imageVersion,
        // Data Proc has exactly one master host.
        master: subcluster(section.child("master"), DATAPROC_DEFAULTS.master, { min: 1, max: 1 }),
        data: subcluster(section.child("data"), DATAPROC_DEFAULTS.data, DATAPROC_DATA_HOSTS),
        masterPublicIp: section.boolean("masterPublicIp", false),
        pipPackages: pipPackages(section, DATAPROC_IMAGES[imageVersion].python, imageVersion),
        deletionProtection: section.boolean("deletionProtection", false),
        jupyterLab: section.boolean("jupyterLab", true),
    };
    section.finish();
    return dataproc;
}
