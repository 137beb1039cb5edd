import * as assert from "assert";
import * as path from "path";
import * as yaml from "js-yaml";
import { CloudConfigValidator, loadCloudConfigValidator } from "../../test/support/cloud-init-schema";
import { matchSnapshotFile } from "../../test/support/snapshot";
import { OFFLINE_DEFAULTS } from "../../tools/offline";
import { DEFAULT_REGISTRY_MIRRORS } from "../config/orchestrator";
import { DOCKER_APT_KEY_FINGERPRINT, DOCKER_PACKAGE_PINS, renderCloudInit } from "./cloud-init";
import { DOCKER_BRIDGE_IP, DOCKER_POOL_CIDR } from "./docker-network";
import { ORCHESTRATOR_DIRECTORIES } from "./paths";

const SSH_KEY = OFFLINE_DEFAULTS.config["fraud-mlops:sshPublicKey"] as string;
const MIRRORS = DEFAULT_REGISTRY_MIRRORS;

interface CloudConfig {
    ssh_authorized_keys: string[];
    apt: { sources: Record<string, { source: string; keyid: string }> };
    write_files: { path: string; content: string }[];
    packages: string[];
    runcmd: string[];
}

describe("orchestrator cloud-init", () => {
    const text = renderCloudInit({ sshPublicKey: SSH_KEY, registryMirrors: MIRRORS });
    const document = yaml.load(text) as CloudConfig;
    let validate: CloudConfigValidator;

    before(function () {
        this.timeout(180_000);
        validate = loadCloudConfigValidator();
    });

    it("matches the reviewed snapshot", () => {
        matchSnapshotFile(path.join(__dirname, "__snapshots__", "cloud-init.yaml"), text);
    });

    it("is valid against cloud-init's own schema", () => {
        assert.deepStrictEqual(validate(text), []);
    });

    it("the schema check does catch a wrong document", () => {
        const broken = `#cloud-config\n${yaml.dump({ ...document, packages: [{ name: "docker-ce" }], runcmd: "not a list", write_files: [{ content: "x" }] })}`;
        const errors = validate(broken);
        assert.ok(errors.length >= 2, `expected schema errors, got ${JSON.stringify(errors)}`);
    });

    it("installs Docker Engine and the compose plugin from Docker's signed repository, pinned", () => {
        const docker = document.apt.sources.docker;
        assert.match(docker.source, /^deb \[arch=amd64 signed-by=\$KEY_FILE\] https:\/\/download\.docker\.com\/linux\/ubuntu \$RELEASE stable$/);
        assert.strictEqual(docker.keyid, DOCKER_APT_KEY_FINGERPRINT);
        for (const name of ["docker-ce", "docker-ce-cli", "containerd.io", "docker-compose-plugin"]) {
            assert.ok(document.packages.includes(name), `${name} is installed`);
        }
        const pins = document.write_files.find((file) => file.path === "/etc/apt/preferences.d/docker-pins")!.content;
        for (const [name, version] of Object.entries(DOCKER_PACKAGE_PINS)) {
            assert.ok(pins.includes(`Package: ${name}\nPin: version ${version}\nPin-Priority: 1001`), `${name} pinned`);
        }
    });

    const daemonConfig = (doc: CloudConfig) => JSON.parse(doc.write_files.find((file) => file.path === "/etc/docker/daemon.json")!.content);

    it("pulls Docker Hub images through the configured mirrors (a public mirror by default)", () => {
        assert.deepStrictEqual(daemonConfig(document)["registry-mirrors"], ["https://mirror.gcr.io"]);
        const own = yaml.load(renderCloudInit({ sshPublicKey: SSH_KEY, registryMirrors: ["https://registry.example.ru", "https://mirror.gcr.io"] })) as CloudConfig;
        assert.deepStrictEqual(daemonConfig(own)["registry-mirrors"], ["https://registry.example.ru", "https://mirror.gcr.io"]);
        const direct = yaml.load(renderCloudInit({ sshPublicKey: SSH_KEY, registryMirrors: [] })) as CloudConfig;
        assert.deepStrictEqual(daemonConfig(direct)["registry-mirrors"], []);
    });

    it("pins Docker's address ranges away from the VPC subnet", () => {
        const daemon = daemonConfig(document);
        assert.strictEqual(daemon.bip, DOCKER_BRIDGE_IP);
        assert.strictEqual(daemon["default-address-pools"][0].base, DOCKER_POOL_CIDR);
    });

    it("creates every orchestrator directory with its owner and mode, and authorizes the SSH key", () => {
        for (const directory of ORCHESTRATOR_DIRECTORIES) {
            const [user, group] = directory.owner.split(":");
            assert.ok(document.runcmd.includes(`install -d -m ${directory.mode} -o ${user} -g ${group} ${directory.path}`), directory.path);
        }
        assert.deepStrictEqual(document.ssh_authorized_keys, [SSH_KEY]);
    });
});
