// Key `fraud-mlops:pipeline.cleanFrom`: whether cleaning reads the raw files from Object Storage or from a
// copy in the persistent cluster's HDFS (staged by `hadoop distcp -update`, jobs/dags/README.md). Pure. The
// choices and the default are the contract's (pipeline.schema.json /properties/cleanFrom), read by name.
import { DataprocConfig, hdfsReplication } from "./dataproc";
import { schemaAt } from "./pipeline-contract";
import { Section } from "./reader";

const CLEAN_FROM = schemaAt("/properties/cleanFrom");
export const CLEAN_FROM_CHOICES = CLEAN_FROM.enum as readonly CleanFrom[];
export type CleanFrom = "objectStorage" | "hdfs";
export const CLEAN_FROM_DEFAULT = CLEAN_FROM.default as CleanFrom;

/**
 * Share of the data hosts' disks the staged copy may fill: the same disks hold the OS image, YARN's local
 * directories (shuffle and spill of the cleaning job) and the cleaning job's HDFS scratch.
 */
export const HDFS_STAGING_MAX_DISK_SHARE = 0.6;

/** GB of the data hosts' disks the staged copy of `rawGb` occupies (every block stored `replication` times). */
export function stagedDiskGb(rawGb: number, dataHosts: number): number {
    return rawGb * hdfsReplication(dataHosts);
}

/**
 * `cleanFrom` for a stack in `mode`. hdfs is refused outside persistent mode (an ephemeral cluster deletes
 * its HDFS with it: every run would copy everything again and then read it once, slower and dearer than
 * reading Object Storage directly; local mode has no HDFS), and when the data hosts' disks cannot hold
 * the raw data (storage.rawDataSizeGb: what distcp copies) times the replication.
 */
export function parseCleanFrom(section: Section, mode: string, dataproc: DataprocConfig, rawDataSizeGb: number): CleanFrom {
    const cleanFrom = section.oneOf("cleanFrom", CLEAN_FROM_CHOICES, CLEAN_FROM_DEFAULT);
    if (cleanFrom !== "hdfs") return cleanFrom;
    if (mode !== "persistent") {
        const why = mode === "ephemeral"
            ? "HDFS lives on the per-run cluster and is deleted with it, so every run would copy all raw files again to read them once"
            : "local mode has no HDFS (cleaning reads the local raw files directly)";
        section.fail("cleanFrom", `"hdfs" needs pipeline.mode "persistent" (mode is "${mode}"): ${why}`, `"${CLEAN_FROM_DEFAULT}" (or pipeline.mode "persistent")`);
    }
    const { hosts, diskSizeGb } = dataproc.data;
    const needed = stagedDiskGb(rawDataSizeGb, hosts);
    const allowed = HDFS_STAGING_MAX_DISK_SHARE * hosts * diskSizeGb;
    if (needed > allowed) {
        const diskNeeded = Math.ceil(needed / HDFS_STAGING_MAX_DISK_SHARE / hosts);
        section.fail("cleanFrom", `"hdfs" stages storage.rawDataSizeGb = ${rawDataSizeGb} GB x replication ${hdfsReplication(hosts)} = ${needed} GB, more than ${Math.round(HDFS_STAGING_MAX_DISK_SHARE * 100)} % of the data hosts' ${hosts} x ${diskSizeGb} GB disks (${Math.floor(allowed)} GB)`, `fraud-mlops:dataproc.data.diskSizeGb ${diskNeeded} (or "${CLEAN_FROM_DEFAULT}")`);
    }
    return cleanFrom;
}
