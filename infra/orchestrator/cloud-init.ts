// Renders the orchestrator VM's cloud-config: Docker Engine + compose plugin from Docker's apt repository
// (versions pinned by apt preferences), Docker Hub mirrors and address ranges set, and the directories the
// orchestrator services fill. Pure: the same input gives the same text (snapshot-tested, schema-validated).
import * as yaml from "js-yaml";
import { DOCKER_BRIDGE_IP, DOCKER_POOL_CIDR, DOCKER_POOL_NETWORK_SIZE } from "./docker-network";
import { ORCHESTRATOR_DIRECTORIES, VM_USER } from "./paths";

/** Docker's release signing key (fingerprint published on docs.docker.com). */
export const DOCKER_APT_KEY_FINGERPRINT = "9DC858229FC7DD38854AE2D88D81803C0EBFCD88";

/**
 * Version pins (apt globs): minor releases fixed, patch releases float so a missing exact build never
 * breaks the boot. apt installs the newest version matching each pin.
 */
export const DOCKER_PACKAGE_PINS: Readonly<Record<string, string>> = {
    "docker-ce": "5:27.5.*",
    "docker-ce-cli": "5:27.5.*",
    "containerd.io": "1.7.*",
    "docker-compose-plugin": "2.32.*",
    "docker-buildx-plugin": "0.20.*",
};

export interface CloudInitInput {
    readonly sshPublicKey: string;
    /** Docker Hub mirrors (fraud-mlops:orchestrator.registryMirrors, validated by the config). */
    readonly registryMirrors: readonly string[];
}

function aptPreferences(): string {
    return Object.entries(DOCKER_PACKAGE_PINS)
        .map(([name, version]) => `Package: ${name}\nPin: version ${version}\nPin-Priority: 1001\n`)
        .join("\n");
}

function dockerDaemonConfig(registryMirrors: readonly string[]): string {
    const config = {
        // Docker Hub refuses some addresses in Russia: pulls go to the mirrors first, Docker Hub last.
        "registry-mirrors": [...registryMirrors],
        bip: DOCKER_BRIDGE_IP,
        "default-address-pools": [{ base: DOCKER_POOL_CIDR, size: DOCKER_POOL_NETWORK_SIZE }],
        // Container logs would otherwise grow until the boot disk is full.
        "log-driver": "json-file",
        "log-opts": { "max-size": "50m", "max-file": "3" },
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}

function makeDirectories(): string[] {
    return ORCHESTRATOR_DIRECTORIES.map(({ path, owner, mode }) => {
        const [user, group] = owner.split(":");
        return `install -d -m ${mode} -o ${user} -g ${group} ${path}`;
    });
}

export function renderCloudInit(input: CloudInitInput): string {
    const document = {
        ssh_authorized_keys: [input.sshPublicKey],
        package_update: true,
        apt: {
            sources: {
                docker: {
                    source: "deb [arch=amd64 signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable",
                    keyid: DOCKER_APT_KEY_FINGERPRINT,
                    keyserver: "keyserver.ubuntu.com",
                },
            },
        },
        write_files: [
            { path: "/etc/apt/preferences.d/docker-pins", permissions: "0644", content: aptPreferences() },
            { path: "/etc/docker/daemon.json", permissions: "0644", content: dockerDaemonConfig(input.registryMirrors) },
        ],
        packages: ["ca-certificates", "curl", ...Object.keys(DOCKER_PACKAGE_PINS)],
        runcmd: [
            "systemctl enable --now docker",
            `usermod -aG docker ${VM_USER}`,
            ...makeDirectories(),
        ],
    };
    return `#cloud-config\n${yaml.dump(document, { lineWidth: -1, noRefs: true, sortKeys: false })}`;
}
