// Spark sizes of the pipeline's Data Proc jobs, from the data hosts' preset. Pure; rendered into pipeline.json
// (dataproc.jobProperties) and passed by the DAG as each job's properties.
//
// Deploy mode: cluster. The driver runs in a YARN container on a data host (Data Proc clusters with HDFS
// submit that way), whose default size is small (about 1.5 GB on s3-c4-m16), so every size is set here.
//
// YARN arithmetic. A container is heap + spark.{driver,executor}.memoryOverhead (off-heap, and for PySpark
// the Python workers; the training driver's pandas copy of the scores lives there). YARN rounds each request
// up to yarn.scheduler.minimum-allocation-mb (1024, Hadoop's default) and a host offers
// yarn.nodemanager.resource.memory-mb. ASSUMED (not published for Data Proc, not checkable offline): the
// NodeManager gets the host's RAM minus max(25 %, 2 GB) for the OS, the HDFS DataNode and the daemons.
// Containers here are whole GB and their sum per host stays within that.
import { ConfigError } from "../config/errors";
import { SubclusterConfig } from "../config/dataproc";
import { parsePreset } from "../cost/presets";

export const YARN_ASSUMPTIONS = {
    reserveFraction: 0.25,
    reserveMinMb: 2048,
    minimumAllocationMb: 1024,
    /** Spark's own floor and factor for memoryOverhead. */
    overheadMinMb: 384,
    overheadFactor: 0.1,
} as const;

/** One executor per two vCPUs: leaves room for the driver's container on a host without idling one. */
const VCPU_PER_SLOT = 2;
/** The training driver takes two slots: it collects the scored test window as pandas through Arrow. */
export const DRIVER_SLOTS = { clean: 1, train: 2, score: 1, monitor: 1 } as const;
export type PipelineJob = keyof typeof DRIVER_SLOTS;
export type JobSparkProperties = Readonly<Record<PipelineJob, Readonly<Record<string, string>>>>;

export interface YarnSlots {
    readonly nodeManagerMb: number;
    readonly slotsPerHost: number;
    readonly slotMb: number;
    readonly slotCores: number;
    readonly hosts: number;
}

export function yarnSlots(data: SubclusterConfig): YarnSlots {
    const shape = parsePreset(data.preset);
    if (!shape) throw new ConfigError("fraud-mlops:dataproc.data.preset", `"${data.preset}" does not name its vCPU and RAM`, "use a preset such as s3-c4-m16");
    const hostMb = shape.ramGb * 1024;
    const nodeManagerMb = hostMb - Math.max(YARN_ASSUMPTIONS.reserveMinMb, Math.ceil(hostMb * YARN_ASSUMPTIONS.reserveFraction));
    const slotsPerHost = Math.max(1, Math.floor(shape.vcpu / VCPU_PER_SLOT));
    const unit = YARN_ASSUMPTIONS.minimumAllocationMb;
    return { nodeManagerMb, slotsPerHost, slotMb: Math.floor(nodeManagerMb / slotsPerHost / unit) * unit, slotCores: Math.min(shape.vcpu, VCPU_PER_SLOT), hosts: data.hosts };
}

/** The largest heap (a multiple of 256 MB) whose Spark-default overhead still fits the container. */
function heapFor(containerMb: number): number {
    for (let heap = Math.floor(containerMb / 256) * 256; heap > 0; heap -= 256) {
        if (heap + Math.max(YARN_ASSUMPTIONS.overheadMinMb, Math.ceil(heap * YARN_ASSUMPTIONS.overheadFactor)) <= containerMb) return heap;
    }
    throw new Error(`a ${containerMb} MB container holds no Spark heap`);
}

function jobProperties(slots: YarnSlots, job: PipelineJob): Record<string, string> {
    const driverSlots = Math.min(DRIVER_SLOTS[job], slots.slotsPerHost);
    const executors = slots.hosts * slots.slotsPerHost - driverSlots;
    if (executors < 1) {
        throw new ConfigError("fraud-mlops:dataproc.data.hosts", `${slots.hosts} data host(s) give ${slots.hosts * slots.slotsPerHost} YARN container(s): none is left for an executor beside the ${job} job's driver`, "pulumi config set --path 'fraud-mlops:dataproc.data.hosts' 2 (or a larger preset)");
    }
    const driverMb = driverSlots * slots.slotMb;
    // The training driver's Python process (pandas scores, Arrow buffers) lives in the overhead: half of it.
    const driverHeap = job === "train" ? Math.floor(driverMb / 2 / 256) * 256 : heapFor(driverMb);
    const executorHeap = heapFor(slots.slotMb);
    return {
        "spark.submit.deployMode": "cluster",
        "spark.driver.cores": String(Math.min(slots.slotCores * driverSlots, 4)),
        "spark.driver.memory": `${driverHeap}m`,
        "spark.driver.memoryOverhead": `${driverMb - driverHeap}m`,
        "spark.executor.cores": String(slots.slotCores),
        "spark.executor.memory": `${executorHeap}m`,
        "spark.executor.memoryOverhead": `${slots.slotMb - executorHeap}m`,
        // The cluster serves one job at a time: a fixed set of executors, sized to fill the data hosts.
        "spark.dynamicAllocation.enabled": "false",
        "spark.executor.instances": String(executors),
    };
}

/** Spark properties of the pipeline's jobs (cleaning, training, scoring, monitoring) for the configured data hosts. */
export function jobSparkProperties(data: SubclusterConfig): JobSparkProperties {
    const slots = yarnSlots(data);
    return { clean: jobProperties(slots, "clean"), train: jobProperties(slots, "train"), score: jobProperties(slots, "score"), monitor: jobProperties(slots, "monitor") };
}
