// `fraud-mlops:sshPublicKey`: the one public key that reaches the VM and the Data Proc hosts.
import { ConfigError } from "./errors";
import { PROJECT, RawConfig, topLevelString } from "./reader";

const KEY_TYPES = ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"];
const FIX = `pulumi config set ${PROJECT}:sshPublicKey "$(cat ~/.ssh/id_ed25519.pub)"`;

export function parseSshPublicKey(config: RawConfig): string {
    const key = `${PROJECT}:sshPublicKey`;
    const value = topLevelString(config, "sshPublicKey");
    if (!value) throw new ConfigError(key, "is not set; the VM and the cluster hosts would be unreachable", FIX);
    // OpenSSH allows any comment text after the key, spaces included (ssh-keygen -C "Jane Doe").
    const [type, body] = value.split(/\s+/);
    if (value.includes("PRIVATE KEY")) {
        throw new ConfigError(key, "holds a PRIVATE key; never put it in config", `remove it and run ${FIX}`);
    }
    if (!KEY_TYPES.includes(type) || !body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
        throw new ConfigError(key, `is not an OpenSSH public key line ("<type> <base64> [comment]", type one of ${KEY_TYPES.join(", ")})`, FIX);
    }
    return value;
}
