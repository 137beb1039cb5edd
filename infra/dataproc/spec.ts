// Data Proc cluster settings as data (pure): services, properties, subclusters. Used for the persistent
// cluster here and exported as a template for the clusters Airflow creates in ephemeral mode.
import { DataprocConfig } from "../config/dataproc";

/** HDFS/YARN/SPARK for the jobs; MAPREDUCE for distcp (a MapReduce job); LIVY for REST submission. */
export const DATAPROC_SERVICES = ["HDFS", "YARN", "SPARK", "MAPREDUCE", "LIVY"] as const;

/** Python of the images' conda environment, where `pip:` properties install packages. */
export const CLUSTER_PYTHON = "/opt/conda/bin/python3";
const HDFS_DEFAULT_REPLICATION = 3;

export function clusterProperties(config: DataprocConfig): Record<string, string> {
    const pip = Object.fromEntries(Object.entries(config.pipPackages).map(([name, version]) => [`pip:${name}`, version]));
    return {
        // PySpark drivers and executors use the image's Python 3 (the one the pip packages go to).
        "spark:spark.pyspark.python": CLUSTER_PYTHON,
        "spark:spark.pyspark.driver.python": CLUSTER_PYTHON,
        "spark:spark.yarn.appMasterEnv.PYSPARK_PYTHON": CLUSTER_PYTHON,
        "spark:spark.sql.session.timeZone": "UTC",
        // Fewer data hosts than the default replication would leave every block under-replicated.
        "hdfs:dfs.replication": String(Math.min(HDFS_DEFAULT_REPLICATION, config.data.hosts)),
        ...pip,
    };
}

export interface SubclusterSpec {
    readonly name: string;
    readonly role: "MASTERNODE" | "DATANODE";
    readonly resourcePresetId: string;
    readonly diskTypeId: string;
    readonly diskSize: number;
    readonly hostsCount: number;
    readonly assignPublicIp: boolean;
}

export function subclusters(config: DataprocConfig): SubclusterSpec[] {
    return [
        { name: "master", role: "MASTERNODE", resourcePresetId: config.master.preset, diskTypeId: config.master.diskType, diskSize: config.master.diskSizeGb, hostsCount: 1, assignPublicIp: config.masterPublicIp },
        { name: "data", role: "DATANODE", resourcePresetId: config.data.preset, diskTypeId: config.data.diskType, diskSize: config.data.diskSizeGb, hostsCount: config.data.hosts, assignPublicIp: false },
    ];
}
