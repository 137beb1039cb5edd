// The Data Proc cluster spec as data (pure): services, properties, subclusters and placement. One spec
// feeds the persistent cluster (./cluster.ts) and the template Airflow creates per-run clusters from
// (pipeline.json, ephemeral mode), so the two cannot drift apart.
import { DataprocConfig, hdfsReplication, SubclusterConfig } from "../config/dataproc";

/** HDFS/YARN/SPARK run the jobs; MAPREDUCE runs the HDFS staging step (distcp is a MapReduce program). No Livy: jobs go through the Data Proc API. */
export const DATAPROC_SERVICES = ["HDFS", "YARN", "SPARK", "MAPREDUCE"] as const;

/**
 * UI proxy off: which security-group rules it needs could not be confirmed from the Data Proc docs, and an
 * admin reaches the web UIs through an SSH tunnel over the orchestrator VM (stack output sshMaster). The
 * per-run clusters match: the Airflow operator's enable_ui_proxy defaults to False.
 */
export const UI_PROXY = false;

/** Python of the images' conda environment, where `pip:` properties install packages. */
export const CLUSTER_PYTHON = "/opt/conda/bin/python3";

/**
 * Label every cluster Airflow creates carries besides project and stack: the destroy-time cleanup deletes
 * clusters with all of these labels, never the Pulumi-managed persistent cluster (which lacks this one).
 */
export const CREATED_BY_AIRFLOW = { "created-by": "airflow" } as const;

export function clusterProperties(config: DataprocConfig): Record<string, string> {
    const pip = Object.fromEntries(Object.entries(config.pipPackages).map(([name, version]) => [`pip:${name}`, version]));
    return {
        // PySpark drivers and executors use the image's Python 3 (the one the pip packages go to).
        "spark:spark.pyspark.python": CLUSTER_PYTHON,
        "spark:spark.pyspark.driver.python": CLUSTER_PYTHON,
        "spark:spark.yarn.appMasterEnv.PYSPARK_PYTHON": CLUSTER_PYTHON,
        "spark:spark.sql.session.timeZone": "UTC",
        // Fewer data hosts than the default replication would leave every block under-replicated.
        "hdfs:dfs.replication": String(hdfsReplication(config.data.hosts)),
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

/** Cloud ids of the cluster's surroundings (network, identity, storage): built once, by the Dataproc component. */
export interface DataprocPlacement {
    readonly folderId: string;
    readonly zone: string;
    readonly subnetId: string;
    readonly serviceAccountId: string;
    readonly securityGroupIds: readonly string[];
    /** Cluster bucket: job driver output lands under dataproc/clusters/<id>/jobs/<job id>/ there. */
    readonly bucket: string;
    readonly sshPublicKeys: readonly string[];
    readonly labels: Readonly<Record<string, string>>;
}

/** Everything needed to create (ephemeral) or describe (persistent) a Data Proc cluster. */
export interface DataprocClusterSpec extends DataprocPlacement {
    readonly imageVersion: string;
    readonly services: readonly string[];
    readonly master: SubclusterConfig;
    readonly data: SubclusterConfig;
    /** `<prefix>:<key>` cluster properties, e.g. `pip:mlflow-skinny` = `2.17.2`. */
    readonly properties: Readonly<Record<string, string>>;
}

export function clusterSpecOf(dataproc: DataprocConfig, placement: DataprocPlacement): DataprocClusterSpec {
    return {
        ...placement,
        imageVersion: dataproc.imageVersion,
        services: [...DATAPROC_SERVICES],
        master: dataproc.master,
        data: dataproc.data,
        properties: clusterProperties(dataproc),
    };
}

/** The labels of the clusters Airflow creates for a stack whose resources carry `stackLabels`. */
export function airflowClusterLabels(stackLabels: Readonly<Record<string, string>>): Record<string, string> {
    return { ...stackLabels, ...CREATED_BY_AIRFLOW };
}

/** The template Airflow creates per-run clusters from: the spec, labelled for the destroy-time cleanup. */
export function airflowClusterTemplate(spec: DataprocClusterSpec): DataprocClusterSpec {
    return { ...spec, labels: airflowClusterLabels(spec.labels) };
}
