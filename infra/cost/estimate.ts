// The estimator: a pure function from declared resources and usage assumptions to monthly cost lines.
import { FREE_EGRESS_GB_PER_MONTH, FREE_TYPES, HOURS_PER_MONTH, PRICES, Price, PriceKey } from "./prices";
import { parsePreset } from "./presets";
import { CostEstimate, CostLine, DeclaredResource, UnpricedResource, UsageAssumptions } from "./types";

export const TYPES = {
    bucket: "yandex:index/storageBucket:StorageBucket",
    awsBucket: "aws:s3/bucket:Bucket",
    awsBucketV2: "aws:s3/bucketV2:BucketV2",
    dataproc: "yandex:index/dataprocCluster:DataprocCluster",
    instance: "yandex:index/computeInstance:ComputeInstance",
    disk: "yandex:index/computeDisk:ComputeDisk",
    address: "yandex:index/vpcAddress:VpcAddress",
    gateway: "yandex:index/vpcGateway:VpcGateway",
    kmsKey: "yandex:index/kmsSymmetricKey:KmsSymmetricKey",
    securityGroup: "yandex:index/vpcSecurityGroup:VpcSecurityGroup",
} as const;

type Priced = { lines: CostLine[]; unpriced: UnpricedResource[] };
type Pricer = (resource: DeclaredResource, usage: UsageAssumptions) => Priced;

/** Reads a nested input by dotted path; undefined when any step is missing. */
export function inputAt(value: unknown, path: string): unknown {
    let current: unknown = value;
    for (const key of path.split(".")) {
        if (current === null || typeof current !== "object") {
            return undefined;
        }
        current = (current as Record<string, unknown>)[key];
    }
    return current;
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function positiveNumber(value: unknown): number | undefined {
    const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    return typeof number === "number" && Number.isFinite(number) && number >= 0 ? number : undefined;
}

function line(resource: DeclaredResource, item: string, quantity: number, price: Price, hours?: number,
    extraEstimate = false): CostLine {
    const monthlyRub = quantity * price.rub * (hours ?? 1);
    return {
        component: resource.name, type: resource.type, item, quantity, unit: price.unit, hours,
        unitPriceRub: price.rub, monthlyRub, estimate: price.estimate || extraEstimate,
    };
}

function unpriced(resource: DeclaredResource, reason: string): UnpricedResource {
    return { component: resource.name, type: resource.type, reason };
}

const DISK_PRICES: Record<string, PriceKey> = { "network-ssd": "diskNetworkSsd", "network-hdd": "diskNetworkHdd" };

function diskLines(resource: DeclaredResource, what: string, count: number, sizeValue: unknown,
    typeValue: unknown, hours: number): Priced {
    const size = positiveNumber(sizeValue);
    const diskType = typeof typeValue === "string" ? typeValue : "network-hdd"; // the provider's default
    const priceKey = DISK_PRICES[diskType];
    if (size === undefined) {
        return { lines: [], unpriced: [unpriced(resource, `${what}: disk size not set (the image decides it)`)] };
    }
    if (!priceKey) {
        return { lines: [], unpriced: [unpriced(resource, `${what}: disk type ${diskType} is not in the price table`)] };
    }
    const item = `${what}: ${count} x ${size} GB ${diskType}`;
    return { lines: [line(resource, item, count * size, PRICES[priceKey], hours)], unpriced: [] };
}

function merge(...parts: Priced[]): Priced {
    return { lines: parts.flatMap((p) => p.lines), unpriced: parts.flatMap((p) => p.unpriced) };
}

const priceDataproc: Pricer = (resource, usage) => {
    const hours = usage.clusterHoursPerMonth;
    const parts: Priced[] = [];
    const specs = asArray(inputAt(resource.inputs, "clusterConfig.subclusterSpecs"));
    if (specs.length === 0) {
        return { lines: [], unpriced: [unpriced(resource, "no subclusterSpecs to price")] };
    }
    for (const spec of specs) {
        const role = String(inputAt(spec, "role") ?? "subcluster");
        const name = String(inputAt(spec, "name") ?? "subcluster");
        const count = positiveNumber(inputAt(spec, "hostsCount")) ?? 1;
        const preset = String(inputAt(spec, "resources.resourcePresetId") ?? "");
        const shape = parsePreset(preset);
        const what = `${name} (${role})`;
        if (!shape || !shape.iceLake) {
            parts.push({ lines: [], unpriced: [unpriced(resource, `${what}: preset "${preset}" is not an Ice Lake preset the table prices`)] });
        } else {
            const hostItem = `${what}: ${count} x ${preset}`;
            parts.push({
                lines: [
                    line(resource, `${hostItem} vCPU`, count * shape.vcpu, PRICES.computeVcpuIceLake, hours),
                    line(resource, `${hostItem} RAM`, count * shape.ramGb, PRICES.computeRamIceLake, hours),
                    line(resource, `${hostItem} Data Proc vCPU charge`, count * shape.vcpu, PRICES.dataprocMarkupVcpu, hours),
                    line(resource, `${hostItem} Data Proc RAM charge`, count * shape.ramGb, PRICES.dataprocMarkupRam, hours),
                ],
                unpriced: [],
            });
        }
        parts.push(diskLines(resource, what, count, inputAt(spec, "resources.diskSize"),
            inputAt(spec, "resources.diskTypeId"), hours));
        if (inputAt(spec, "assignPublicIp") === true) {
            parts.push({ lines: [line(resource, `${what}: ${count} x public IPv4`, count, PRICES.publicIpv4, hours)], unpriced: [] });
        }
    }
    return merge(...parts);
};

const priceInstance: Pricer = (resource) => {
    const hours = HOURS_PER_MONTH;
    const parts: Priced[] = [];
    const platform = inputAt(resource.inputs, "platformId");
    const cores = positiveNumber(inputAt(resource.inputs, "resources.cores"));
    const memory = positiveNumber(inputAt(resource.inputs, "resources.memory"));
    const fraction = positiveNumber(inputAt(resource.inputs, "resources.coreFraction")) ?? 100;
    if (platform !== "standard-v3") {
        parts.push({ lines: [], unpriced: [unpriced(resource, `platformId ${String(platform ?? "unset (provider default standard-v1)")} is not priced; use standard-v3 (Ice Lake)`)] });
    } else if (cores === undefined || memory === undefined) {
        parts.push({ lines: [], unpriced: [unpriced(resource, "resources.cores or resources.memory not set")] });
    } else {
        // A reduced core fraction is cheaper; the table has only the 100 % price, so this is an upper bound.
        const vcpuItem = fraction < 100 ? `${cores} vCPU (${fraction} % priced at 100 %)` : `${cores} vCPU`;
        parts.push({
            lines: [
                line(resource, vcpuItem, cores, PRICES.computeVcpuIceLake, hours, fraction < 100),
                line(resource, `${memory} GB RAM`, memory, PRICES.computeRamIceLake, hours),
            ],
            unpriced: [],
        });
    }
    parts.push(diskLines(resource, "boot disk", 1, inputAt(resource.inputs, "bootDisk.initializeParams.size"),
        inputAt(resource.inputs, "bootDisk.initializeParams.type"), hours));
    const publicInterfaces = asArray(inputAt(resource.inputs, "networkInterfaces"))
        .filter((nic) => inputAt(nic, "nat") === true).length;
    if (publicInterfaces > 0) {
        parts.push({ lines: [line(resource, `${publicInterfaces} x public IPv4`, publicInterfaces, PRICES.publicIpv4, hours)], unpriced: [] });
    }
    return merge(...parts);
};

const STORAGE_CLASS_PRICES: Record<string, PriceKey> = {
    STANDARD: "storageStandard", COLD: "storageCold", STANDARD_IA: "storageCold", ICE: "storageIce", GLACIER: "storageIce",
};

const priceBucket: Pricer = (resource, usage) => {
    const storageClass = String(inputAt(resource.inputs, "defaultStorageClass") ?? "STANDARD").toUpperCase();
    const size = usage.bucketSizesGb[resource.name] ?? usage.bucketSizesGb.default;
    const priceKey = STORAGE_CLASS_PRICES[storageClass];
    if (size === undefined) {
        const known = Object.keys(usage.bucketSizesGb).join(", ");
        return { lines: [], unpriced: [unpriced(resource, `no expected size in fraud-mlops:cost.bucketSizesGb (known: ${known})`)] };
    }
    if (!priceKey) {
        return { lines: [], unpriced: [unpriced(resource, `storage class ${storageClass} is not in the price table`)] };
    }
    return { lines: [line(resource, `${size} GB ${storageClass}`, size, PRICES[priceKey])], unpriced: [] };
};

const hourly = (item: string, key: PriceKey): Pricer => (resource) =>
    ({ lines: [line(resource, item, 1, PRICES[key], HOURS_PER_MONTH)], unpriced: [] });

const priceDisk: Pricer = (resource) =>
    diskLines(resource, "disk", 1, resource.inputs.size, resource.inputs.type, HOURS_PER_MONTH);

const PRICERS: Record<string, Pricer> = {
    [TYPES.dataproc]: priceDataproc,
    [TYPES.instance]: priceInstance,
    [TYPES.disk]: priceDisk,
    [TYPES.bucket]: priceBucket,
    [TYPES.awsBucket]: priceBucket,
    [TYPES.awsBucketV2]: priceBucket,
    [TYPES.address]: hourly("static public IPv4", "publicIpv4"),
    [TYPES.gateway]: hourly("NAT gateway", "natGateway"),
    [TYPES.kmsKey]: (resource) =>
        ({ lines: [line(resource, "1 active key version", 1, PRICES.kmsKeyVersion)], unpriced: [] }),
};

/** Types whose inputs the estimator reads. */
export const PRICED_TYPES: ReadonlySet<string> = new Set(Object.keys(PRICERS));

function egressLine(usage: UsageAssumptions): CostLine {
    const billed = Math.max(0, usage.egressGbPerMonth - FREE_EGRESS_GB_PER_MONTH);
    const resource = { type: "(usage)", name: "(stack)", inputs: {} };
    return line(resource, `internet egress ${usage.egressGbPerMonth} GB (${FREE_EGRESS_GB_PER_MONTH} GB free)`, billed, PRICES.internetEgress);
}

/** Components (the project's own `fraud-mlops:` types), the stack and providers bill nothing themselves. */
function isGrouping(resource: DeclaredResource): boolean {
    return resource.custom === false || resource.type.startsWith("pulumi:") || resource.type.startsWith("fraud-mlops:");
}

/** Prices every declared resource for one month under the given usage assumptions. */
export function estimateMonthlyCost(resources: readonly DeclaredResource[], usage: UsageAssumptions): CostEstimate {
    const lines: CostLine[] = [];
    const unpricedList: UnpricedResource[] = [];
    const free: { component: string; type: string }[] = [];
    for (const resource of resources) {
        if (isGrouping(resource)) {
            continue;
        }
        const pricer = PRICERS[resource.type];
        if (pricer) {
            const priced = pricer(resource, usage);
            lines.push(...priced.lines);
            unpricedList.push(...priced.unpriced);
        } else if (FREE_TYPES.has(resource.type)) {
            free.push({ component: resource.name, type: resource.type });
        } else {
            unpricedList.push(unpriced(resource, "type not in the price table"));
        }
    }
    lines.push(egressLine(usage));
    const sum = (items: readonly CostLine[]) => items.reduce((total, item) => total + item.monthlyRub, 0);
    return {
        lines, unpriced: unpricedList, free,
        totalRub: sum(lines), estimatedPartRub: sum(lines.filter((item) => item.estimate)),
    };
}
