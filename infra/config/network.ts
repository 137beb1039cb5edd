// Section `fraud-mlops:network`: zone, subnet, who may reach admin ports.
import { DOCKER_RANGES } from "./docker-network";
import { Cidr, contains, overlaps, parseCidr, PRIVATE_RANGES } from "./cidr";
import { RawConfig, Section } from "./reader";

/** Zones where Data Proc and Compute both run (ru-central1-c was closed). */
export const ZONES = ["ru-central1-a", "ru-central1-b", "ru-central1-d"] as const;
export type Zone = (typeof ZONES)[number];

/** Opt-in that allows admin ports (SSH, Airflow, MLflow, UI proxy) from the whole internet. */
export const OPEN_TO_WORLD_FLAG = "dangerouslyOpenAdminPortsToInternet";

export interface NetworkConfig {
    readonly zone: Zone;
    readonly subnetCidr: string;
    /** Sources allowed to reach SSH, Airflow, MLflow and the Data Proc UI proxy. */
    readonly adminCidrs: readonly string[];
    readonly openAdminPortsToInternet: boolean;
}

export const NETWORK_DEFAULTS = { subnetCidr: "10.10.0.0/24" } as const;

// Yandex VPC subnet sizes: /16 (largest) to /28 (smallest).
const SUBNET_PREFIX = { min: 16, max: 28 };

function subnetCidr(section: Section): Cidr {
    const text = section.string("subnetCidr", NETWORK_DEFAULTS.subnetCidr);
    const cidr = parseCidr(text);
    if (typeof cidr === "string") return section.fail("subnetCidr", cidr, NETWORK_DEFAULTS.subnetCidr);
    if (cidr.prefix < SUBNET_PREFIX.min || cidr.prefix > SUBNET_PREFIX.max) {
        return section.fail("subnetCidr", `prefix /${cidr.prefix} is outside what Yandex VPC accepts (/${SUBNET_PREFIX.min} to /${SUBNET_PREFIX.max})`, NETWORK_DEFAULTS.subnetCidr);
    }
    if (!PRIVATE_RANGES.some((range) => contains(range, cidr))) {
        return section.fail("subnetCidr", `${text} is not inside a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`, NETWORK_DEFAULTS.subnetCidr);
    }
    const docker = DOCKER_RANGES.map((range) => parseCidr(range) as Cidr).find((range) => overlaps(range, cidr));
    if (docker) {
        return section.fail("subnetCidr", `${text} overlaps Docker's ${docker.text} on the orchestrator VM`, NETWORK_DEFAULTS.subnetCidr);
    }
    return cidr;
}

function adminCidrs(section: Section, openToWorld: boolean): string[] {
    const field = "adminCidrs";
    const texts = section.stringList(field, []);
    if (texts.length === 0) {
        return section.fail(field, "is empty, so nobody could reach SSH, Airflow or MLflow", `'["$(curl -s https://ifconfig.me)/32"]'`);
    }
    const parsed: Cidr[] = [];
    texts.forEach((text, index) => {
        const cidr = parseCidr(text);
        if (typeof cidr === "string") section.fail(`${field}[${index}]`, cidr, "'[\"203.0.113.7/32\"]'");
        if (cidr.prefix === 0 && !openToWorld) {
            section.fail(field, `${text} opens admin ports to the whole internet`, `'["<your ip>/32"]' (or, knowingly, set ${section.path(OPEN_TO_WORLD_FLAG)} true)`);
        }
        const clash = parsed.find((other) => overlaps(other, cidr));
        if (clash) section.fail(field, `${text} overlaps ${clash.text}`, "list each range once; drop the one inside the other");
        parsed.push(cidr);
    });
    return texts;
}

export function parseNetwork(config: RawConfig, defaultZone: string): NetworkConfig {
    const section = Section.of(config, "network");
    const zone = section.string("zone", defaultZone);
    if (!(ZONES as readonly string[]).includes(zone)) {
        section.fail("zone", `must be one of ${ZONES.join(", ")} (got ${JSON.stringify(zone)})`, ZONES[0]);
    }
    const openAdminPortsToInternet = section.boolean(OPEN_TO_WORLD_FLAG, false);
    const network: NetworkConfig = {
        zone: zone as Zone,
        subnetCidr: subnetCidr(section).text,
        adminCidrs: adminCidrs(section, openAdminPortsToInternet),
        openAdminPortsToInternet,
    };
    section.finish();
    return network;
}
