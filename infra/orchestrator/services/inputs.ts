// Plain inputs of the VM service renderers. The caller (the orchestrator component) resolves Pulumi
// Outputs first and passes strings here, so every renderer stays a pure function that tests can snapshot.
import { ConfigError } from "../../config/errors";

/** Folders on the VM disk (absolute paths): pass ORCHESTRATOR_PATHS of infra/orchestrator/paths.ts. */
export interface ServiceHostPaths {
    /** The compose project: docker-compose.yaml, image build contexts, config/pipeline.json. */
    readonly compose: string;
    /** Env files and MLflow's auth config (root only, mode 0700). */
    readonly secrets: string;
    /** The DAG folder the deployment fills; mounted read-only into every Airflow container. */
    readonly dags: string;
    /** Task logs, owned by Airflow's uid 50000. */
    readonly airflowLogs: string;
    /** PostgreSQL data (Airflow metadata, MLflow runs and users): on the VM disk, survives `compose down -v`. */
    readonly postgresData: string;
}

/** The TLS proxy in front of both UIs (fraud-mlops:orchestrator.tls.enabled). */
export interface ProxyInput {
    /** The name clients use: the configured tls.hostname, else the VM's public IPv4 address. */
    readonly serverName: string;
    /** PEM certificate the proxy presents (public; its key is ServiceSecrets.proxyPrivateKeyPem). */
    readonly certificatePem: string;
}

export interface ServicesInput {
    readonly paths: ServiceHostPaths;
    /** Absent: no proxy, the UIs are reached through an SSH tunnel. */
    readonly proxy?: ProxyInput;
    readonly airflowPort: number;
    readonly mlflowPort: number;
    readonly airflowAdminUser: string;
    readonly mlflowAdminUser: string;
    /** MLflow artifacts bucket (name only) and the key prefix inside it. */
    readonly mlflowBucket: string;
    readonly mlflowArtifactsPrefix: string;
    /** Object Storage S3 endpoint, e.g. https://storage.yandexcloud.net */
    readonly s3Endpoint: string;
    readonly s3Region: string;
}

/** Secret values: Pulumi secrets or generated secrets. They land only in the files of renderSecretFiles. */
export interface ServiceSecrets {
    readonly postgresSuperuserPassword: string;
    readonly airflowDbPassword: string;
    readonly mlflowDbPassword: string;
    readonly airflowAdminPassword: string;
    /** Shared by every Airflow container: task tokens signed by one are checked by the others. */
    readonly airflowJwtSecret: string;
    readonly airflowApiSecretKey: string;
    /** 32 random bytes, base64 or base64url (e.g. @pulumi/random RandomBytes.base64). */
    readonly airflowFernetKey: string;
    readonly mlflowAdminPassword: string;
    /** Static access key of the service account that may write the MLflow bucket. */
    readonly mlflowS3AccessKeyId: string;
    readonly mlflowS3SecretAccessKey: string;
    /** PEM private key of ProxyInput.certificatePem; required with a proxy, refused without. */
    readonly proxyPrivateKeyPem?: string;
}

const USER_NAME = /^[a-z][a-z0-9_-]{1,31}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function fail(key: string, problem: string, fix: string): never {
    throw new ConfigError(`orchestrator services input ${key}`, problem, fix);
}

function checkAbsolutePath(key: string, value: string): void {
    if (!value.startsWith("/") || /\s|\.\.|'|"/.test(value)) {
        fail(key, `must be an absolute path without spaces, quotes or '..' (got ${JSON.stringify(value)})`, "pass a folder such as /opt/fraud-mlops/compose");
    }
}

function checkPort(key: string, value: number): void {
    if (!Number.isInteger(value) || value < 1024 || value > 65535) {
        fail(key, `must be a port number between 1024 and 65535 (got ${value})`, "use the port the security group opens, e.g. 8080 or 5000");
    }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function checkProxy(proxy: ProxyInput): void {
    if (!IPV4.test(proxy.serverName) && !DNS_NAME.test(proxy.serverName)) {
        fail("proxy.serverName", `must be a DNS name or an IPv4 address (got ${JSON.stringify(proxy.serverName)})`, "pass tls.hostname or the VM's public address");
    }
    if (!/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/.test(proxy.certificatePem)) {
        fail("proxy.certificatePem", "must be one PEM certificate", "pass @pulumi/tls SelfSignedCert.certPem");
    }
}

export function validateServicesInput(input: ServicesInput): ServicesInput {
    if (input.proxy) checkProxy(input.proxy);
    for (const [name, value] of Object.entries(input.paths)) checkAbsolutePath(`paths.${name}`, value);
    checkPort("airflowPort", input.airflowPort);
    checkPort("mlflowPort", input.mlflowPort);
    if (input.airflowPort === input.mlflowPort) fail("mlflowPort", "must differ from airflowPort", "use 5000 for MLflow and 8080 for Airflow");
    for (const key of ["airflowAdminUser", "mlflowAdminUser"] as const) {
        if (!USER_NAME.test(input[key])) fail(key, `must be 2-32 lowercase letters, digits, '_' or '-' (got ${JSON.stringify(input[key])})`, "use a name such as admin");
    }
    if (!BUCKET_NAME.test(input.mlflowBucket)) fail("mlflowBucket", `is not a bucket name (got ${JSON.stringify(input.mlflowBucket)})`, "pass the MLflow bucket's name without s3://");
    if (!/^([a-z0-9._-]+\/)*[a-z0-9._-]*$/i.test(input.mlflowArtifactsPrefix)) {
        fail("mlflowArtifactsPrefix", `must be a key prefix such as artifacts (got ${JSON.stringify(input.mlflowArtifactsPrefix)})`, "use letters, digits, '.', '_', '-' and '/'");
    }
    if (!/^https?:\/\/[^\s'"]+$/.test(input.s3Endpoint)) fail("s3Endpoint", `must be an http(s) URL (got ${JSON.stringify(input.s3Endpoint)})`, "use https://storage.yandexcloud.net");
    if (!/^[a-z0-9-]+$/.test(input.s3Region)) fail("s3Region", `must be a region name (got ${JSON.stringify(input.s3Region)})`, "use ru-central1");
    return input;
}

/** Decodes the Fernet key and returns it in the base64url form Airflow requires. */
export function fernetKeyOf(value: string): string {
    const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(value)) {
        fail("secrets.airflowFernetKey", "must be 32 random bytes encoded as base64", "generate it with @pulumi/random RandomBytes({ length: 32 }) and pass its base64 output");
    }
    return bytes.toString("base64url") + "=";
}

export function validateSecrets(secrets: ServiceSecrets, input: ServicesInput): ServiceSecrets {
    const { proxyPrivateKeyPem, ...envSecrets } = secrets;
    if (Boolean(input.proxy) !== (proxyPrivateKeyPem !== undefined)) {
        fail("secrets.proxyPrivateKeyPem", input.proxy ? "is missing while the TLS proxy is on" : "is set but no TLS proxy is rendered", "pass the key of the proxy's certificate exactly when ServicesInput.proxy is set");
    }
    if (proxyPrivateKeyPem !== undefined && !/^-----BEGIN [A-Z ]*PRIVATE KEY-----\n[\s\S]+\n-----END [A-Z ]*PRIVATE KEY-----\n?$/.test(proxyPrivateKeyPem)) {
        fail("secrets.proxyPrivateKeyPem", "must be one PEM private key", "pass @pulumi/tls PrivateKey.privateKeyPem");
    }
    for (const [name, value] of Object.entries(envSecrets)) {
        // Env files hold each value single-quoted (no interpolation), so a quote or line break cannot be represented.
        if (value.length < 8 || /['\n\r\0]/.test(value)) {
            fail(`secrets.${name}`, "must be at least 8 characters without quotes (') or line breaks", "generate it with @pulumi/random RandomPassword (its default special characters are safe)");
        }
    }
    fernetKeyOf(secrets.airflowFernetKey);
    return secrets;
}
