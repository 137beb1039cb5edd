// The offline plan as text (pure, snapshot-tested): the resource tree with each resource's key settings,
// then the cost estimate. Mock ids (`<name>-id`) stand where the cloud would assign real ones.
import { asArray, inputAt, TYPES } from "../infra/cost/estimate";
import { renderStackCost } from "../infra/cost/render";
import { StackCostSettings } from "../infra/cost/stack-estimate";
import { OfflineResource, OfflineResult } from "./offline";
import { declaredResources } from "./stack-cost";

type Settings = (inputs: Record<string, unknown>) => string[];

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));
const GB = 1024 ** 3;

function ruleText(rule: unknown): string {
    const protocol = text(inputAt(rule, "protocol") ?? "ANY");
    const port = inputAt(rule, "port");
    const from = inputAt(rule, "fromPort");
    const to = inputAt(rule, "toPort");
    const ports = port !== undefined ? String(port) : from === 0 && to === 65535 ? "all" : from !== undefined ? `${from}-${to}` : "all";
    const peers = [
        ...asArray(inputAt(rule, "v4CidrBlocks")).map(text),
        ...(inputAt(rule, "predefinedTarget") ? ["self"] : []),
        ...(inputAt(rule, "securityGroupId") ? [`sg ${text(inputAt(rule, "securityGroupId"))}`] : []),
    ];
    return `${protocol} ${ports} ${peers.join(",") || "-"}`;
}

const SETTINGS: Record<string, Settings> = {
    [TYPES.bucket]: (i) => {
        const sse = inputAt(i, "serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm");
        const flags = inputAt(i, "anonymousAccessFlags");
        const open = ["read", "list"].filter((f) => inputAt(flags, f) === true);
        const rules = asArray(inputAt(i, "lifecycleRules")).map((r) => text(inputAt(r, "id")));
        return [
            `class ${text(inputAt(i, "defaultStorageClass") ?? "STANDARD")}`,
            ...(typeof i.maxSize === "number" ? [`max ${i.maxSize / GB} GB`] : []),
            `versioning ${inputAt(i, "versioning.enabled") === true ? "on" : "off"}`,
            `encryption ${text(sse ?? "none")}`,
            `anonymous ${open.length ? open.join("+") : "none"}`,
            ...(rules.length ? [`lifecycle ${rules.join(",")}`] : []),
        ];
    },
    [TYPES.dataproc]: (i) => [
        `image ${text(inputAt(i, "clusterConfig.versionId"))}`,
        `services ${asArray(inputAt(i, "clusterConfig.hadoop.services")).map(text).join(",")}`,
        ...asArray(inputAt(i, "clusterConfig.subclusterSpecs")).map((s) =>
            `${text(inputAt(s, "role"))} ${text(inputAt(s, "hostsCount") ?? 1)} x ${text(inputAt(s, "resources.resourcePresetId"))} ${text(inputAt(s, "resources.diskSize"))} GB ${text(inputAt(s, "resources.diskTypeId"))}${inputAt(s, "assignPublicIp") === true ? " public-ip" : ""}`),
        `deletion protection ${inputAt(i, "deletionProtection") === true ? "on" : "off"}`,
        `ui proxy ${inputAt(i, "uiProxy") === true ? "on" : "off"}`,
    ],
    [TYPES.instance]: (i) => [
        text(inputAt(i, "platformId")),
        `${text(inputAt(i, "resources.cores"))} vCPU ${text(inputAt(i, "resources.coreFraction") ?? 100)} %`,
        `${text(inputAt(i, "resources.memory"))} GB RAM`,
        `boot ${text(inputAt(i, "bootDisk.initializeParams.size"))} GB ${text(inputAt(i, "bootDisk.initializeParams.type"))}`,
        `public ip ${asArray(inputAt(i, "networkInterfaces")).some((n) => inputAt(n, "nat") === true) ? "yes" : "no"}`,
        `metadata keys ${Object.keys((inputAt(i, "metadata") as object) ?? {}).sort().join(",")}`,
    ],
    [TYPES.securityGroup]: (i) => [
        ...asArray(inputAt(i, "ingresses")).map((r) => `in ${ruleText(r)}`),
        ...asArray(inputAt(i, "egresses")).map((r) => `out ${ruleText(r)}`),
    ],
    [TYPES.kmsKey]: (i) => [`${text(inputAt(i, "defaultAlgorithm"))}`, `rotation ${text(inputAt(i, "rotationPeriod") ?? "none")}`],
    "yandex:index/vpcSubnet:VpcSubnet": (i) => [`${asArray(inputAt(i, "v4CidrBlocks")).map(text).join(",")}`, `zone ${text(inputAt(i, "zone"))}`],
    "yandex:index/vpcRouteTable:VpcRouteTable": (i) => asArray(inputAt(i, "staticRoutes")).map((r) => `route ${text(inputAt(r, "destinationPrefix"))} -> ${text(inputAt(r, "gatewayId"))}`),
    [TYPES.gateway]: (i) => [inputAt(i, "sharedEgressGateway") !== undefined ? "NAT (shared egress)" : "gateway"],
    "yandex:index/resourcemanagerFolderIamMember:ResourcemanagerFolderIamMember": (i) => [`role ${text(i.role)}`, `member ${text(i.member)}`],
    "yandex:index/kmsSymmetricKeyIamMember:KmsSymmetricKeyIamMember": (i) => [`role ${text(i.role)}`, `member ${text(i.member)}`],
    "yandex:index/iamServiceAccount:IamServiceAccount": (i) => [`name ${text(i.name)}`],
};

function label(resource: OfflineResource): string {
    const settings = SETTINGS[resource.type]?.(resource.inputs) ?? [];
    const flags = [
        ...(resource.options.protect ? ["protect"] : []),
        ...(resource.options.retainOnDelete ? ["retain-on-delete"] : []),
        ...(resource.secretPaths.length ? [`secret: ${resource.secretPaths.join(",")}`] : []),
    ];
    const details = [...settings, ...flags];
    return `${resource.type} ${resource.name}${details.length ? `  [${details.join("; ")}]` : ""}`;
}

/** Draws the parent/child tree; children in declaration order. */
export function renderTree(resources: readonly OfflineResource[]): string[] {
    const keyOf = (r: OfflineResource) => `${r.type}::${r.name}`;
    const childrenOf = new Map<string, OfflineResource[]>();
    for (const resource of resources) {
        const parent = resource.parents[resource.parents.length - 1] ?? "";
        childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), resource]);
    }
    const lines: string[] = [];
    const walk = (key: string, prefix: string) => {
        const children = childrenOf.get(key) ?? [];
        children.forEach((child, index) => {
            const last = index === children.length - 1;
            lines.push(`${prefix}${last ? "└─ " : "├─ "}${label(child)}`);
            walk(keyOf(child), prefix + (last ? "   " : "│  "));
        });
    };
    walk("", "");
    return lines;
}

export function renderPlan(result: OfflineResult, settings: StackCostSettings): string {
    const resources = result.resources.filter((r) => !r.type.startsWith("pulumi:"));
    const providers = result.resources.filter((r) => r.type.startsWith("pulumi:providers:")).length;
    const custom = resources.filter((r) => r.custom).length;
    const out = [
        `Offline plan for stack ${result.stack} (the real program under Pulumi mocks; no cloud, no credentials)`,
        `${custom} resources in ${resources.length - custom} components, ${providers} provider(s)`,
        "",
        ...renderTree(resources),
        "",
        // Names only: the values are mock ids and content hashes, noise for a reviewer and for the snapshot.
        `Stack outputs: ${Object.keys(result.outputs).join(", ")}`,
        `monthlyCostRub (stack output): ${text(result.outputs.monthlyCostRub?.value ?? "not exported")}`,
        "",
    ];
    return out.join("\n") + renderStackCost(result.stack, declaredResources(result), settings);
}
