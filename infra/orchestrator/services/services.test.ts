import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ConfigError } from "../../config/errors";
import { buildContextFiles, IMAGE_SOURCE_FILES, imageSourcePath } from "./images";
import { renderSecretFiles, renderServiceFiles, RenderedFile, VERSIONS } from "./index";
import { CONTAINER, FILES, SECRET_FILES } from "./layout";
import { ServicesInput } from "./inputs";
import { samplePipelineInput, SAMPLE_PROXY, SAMPLE_PROXY_KEY_PEM, SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS } from "./testing/samples";
import { matchSnapshot } from "./testing/snapshot";

interface ComposeService {
    image: string;
    build: unknown;
    restart: string;
    command: string[];
    volumes: string[];
    environment: Record<string, string>;
    depends_on: Record<string, unknown>;
}
interface ComposeFile {
    services: Record<string, ComposeService>;
}

const serviceFiles = renderServiceFiles(SAMPLE_SERVICES_INPUT, samplePipelineInput("persistent"));
const secretFiles = renderSecretFiles(SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS);

/** Every form a secret may take once rendered: raw, URL-encoded (DB URLs), configparser-escaped, base64url. */
function secretForms(value: string): string[] {
    const forms = [value, encodeURIComponent(value), value.replace(/%/g, "%%"), encodeURIComponent(value).replace(/%/g, "%%")];
    if (value === SENTINEL_SECRETS.airflowFernetKey) forms.push(Buffer.from(value, "base64").toString("base64url"));
    return forms;
}

function holds(file: RenderedFile, secret: string): boolean {
    return secretForms(secret).some((form) => file.content.includes(form));
}

const snapshotName = (file: RenderedFile): string => file.path.replace(/^\/opt\/fraud-mlops\//, "").replace(/\//g, "__");

describe("orchestrator services: rendered files", () => {
    // Build-context files are copies of files in the repo (images/, jobs/constraints-airflow.txt): compared to their source.
    const copied = new Map(buildContextFiles().map(([file, content]) => [`${SAMPLE_SERVICES_INPUT.paths.compose}/${file}`, content]));
    for (const file of [...serviceFiles, ...secretFiles].filter((f) => !copied.has(f.path))) {
        // The backup script is shipped as is: compared with its source instead of a copy in the snapshots.
        if (file.path.endsWith("/backup/db_backup.py")) continue;
        it(`matches the snapshot: ${file.path}`, () => matchSnapshot(snapshotName(file), file.content));
    }

    it("ships every build-context file verbatim from its source in the repo", () => {
        for (const [vmPath, content] of copied) {
            assert.strictEqual(serviceFiles.find((f) => f.path === vmPath)?.content, content, vmPath);
        }
        for (const file of IMAGE_SOURCE_FILES) assert.ok(copied.has(`${SAMPLE_SERVICES_INPUT.paths.compose}/${file}`), file);
    });

    it("fills every Dockerfile ARG from the rendered compose build args, and passes no other", () => {
        const compose = yaml.load(serviceFiles.find((f) => f.path.endsWith("/docker-compose.yaml"))!.content) as ComposeFile;
        for (const [service, dockerfile] of [["airflow-scheduler", FILES.airflowDockerfile], ["mlflow", FILES.mlflowDockerfile]]) {
            const text = fs.readFileSync(imageSourcePath(dockerfile), "utf8");
            const declared = [...text.matchAll(/^ARG (\w+)/gm)].map((m) => m[1]).sort();
            const build = compose.services[service].build as { context: string; args: Record<string, string> };
            assert.deepStrictEqual(Object.keys(build.args).sort(), declared, dockerfile);
            assert.strictEqual(build.context, `./${path.posix.dirname(dockerfile)}`);
            for (const value of Object.values(build.args)) assert.match(value, /^[\w.:/-]+$/, `${service}: ${value} is a plain pinned version`);
        }
    });

    it("copies each script into the image at the container path the compose file runs", () => {
        const copies = (dockerfile: string) => Object.fromEntries([...fs.readFileSync(imageSourcePath(dockerfile), "utf8").matchAll(/^COPY (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
        assert.deepStrictEqual(copies(FILES.airflowDockerfile), {
            [path.posix.basename(FILES.airflowConstraints)]: CONTAINER.airflowConstraints,
            [path.posix.basename(FILES.airflowAdminPasswordScript)]: CONTAINER.adminPasswordScript,
        });
        assert.deepStrictEqual(copies(FILES.mlflowDockerfile), { [path.posix.basename(FILES.mlflowMigrateAuthDb)]: CONTAINER.mlflowMigrateAuthDb });
        assert.match(fs.readFileSync(imageSourcePath(FILES.airflowDockerfile), "utf8"), new RegExp(`--constraint ${CONTAINER.airflowConstraints} `));
    });

    it("ships the backup script unchanged", () => {
        const shipped = serviceFiles.find((file) => file.path.endsWith("/backup/db_backup.py"));
        assert.strictEqual(shipped?.content, fs.readFileSync(path.join(__dirname, "backup", "db_backup.py"), "utf8"));
    });

    it("places every file under the VM's folders with the intended mode", () => {
        for (const file of serviceFiles) {
            assert.ok(file.path.startsWith(`${SAMPLE_SERVICES_INPUT.paths.compose}/`), file.path);
            assert.ok(file.mode === 0o644 || file.mode === 0o755, file.path);
        }
        for (const file of secretFiles) {
            assert.ok(file.path.startsWith(`${SAMPLE_SERVICES_INPUT.paths.secrets}/`), file.path);
            assert.strictEqual(file.mode, 0o600, file.path);
        }
    });

    it("keeps every secret out of every file that is not a secret file", () => {
        for (const file of serviceFiles) {
            for (const [name, value] of Object.entries(SENTINEL_SECRETS)) {
                assert.ok(!holds(file, value), `${name} leaked into ${file.path}`);
            }
            assert.ok(!file.content.includes("SENTINEL"), `a sentinel leaked into ${file.path}`);
        }
    });

    it("puts each secret only in the secret files that need it", () => {
        const where = (value: string) => secretFiles.filter((file) => holds(file, value)).map((file) => path.basename(file.path)).sort();
        const s = SENTINEL_SECRETS;
        assert.deepStrictEqual(where(s.postgresSuperuserPassword), ["postgres.env"]);
        assert.deepStrictEqual(where(s.airflowDbPassword), ["airflow.env", "postgres.env"]);
        assert.deepStrictEqual(where(s.mlflowDbPassword), ["auth.ini", "mlflow.env", "postgres.env"]);
        assert.deepStrictEqual(where(s.airflowJwtSecret), ["airflow.env"]);
        assert.deepStrictEqual(where(s.airflowFernetKey), ["airflow.env"]);
        assert.deepStrictEqual(where(s.mlflowAdminPassword), ["airflow.env", "auth.ini"]);
        assert.deepStrictEqual(where(s.mlflowS3SecretAccessKey), ["mlflow.env"]);
    });

    it("never uses Airflow's well-known default credentials", () => {
        for (const file of [...serviceFiles, ...secretFiles]) {
            assert.ok(!/airflow:airflow|_AIRFLOW_WWW_USER_PASSWORD|password1234/.test(file.content), file.path);
        }
    });

    it("pins the same Airflow and provider versions as the DAG test environment", () => {
        const requirements = fs.readFileSync(path.resolve(__dirname, "../../../jobs/requirements-airflow.txt"), "utf8");
        assert.match(requirements, new RegExp(`^apache-airflow==${VERSIONS.airflow.replace(/\./g, "\\.")}$`, "m"));
        assert.match(requirements, new RegExp(`^apache-airflow-providers-yandex==${VERSIONS.airflowProviderYandex.replace(/\./g, "\\.")}$`, "m"));
    });

    it("builds the Airflow image with the DAG tests' constraints, which pin the same Airflow and provider", () => {
        const constraints = fs.readFileSync(path.resolve(__dirname, "../../../jobs/constraints-airflow.txt"), "utf8");
        assert.strictEqual(serviceFiles.find((f) => f.path.endsWith(`/${FILES.airflowConstraints}`))?.content, constraints);
        assert.match(constraints, new RegExp(`^apache-airflow==${VERSIONS.airflow.replace(/\./g, "\\.")}$`, "m"));
        assert.match(constraints, new RegExp(`^apache-airflow-providers-yandex==${VERSIONS.airflowProviderYandex.replace(/\./g, "\\.")}$`, "m"));
    });

    it("migrates MLflow's auth database once, in a one-shot service the server waits for", () => {
        const compose = yaml.load(serviceFiles.find((f) => f.path.endsWith("/docker-compose.yaml"))!.content) as ComposeFile;
        const migrate = compose.services["mlflow-auth-migrate"];
        const server = compose.services.mlflow;
        assert.deepStrictEqual(server.depends_on["mlflow-auth-migrate"], { condition: "service_completed_successfully" });
        assert.strictEqual(migrate.restart, "no");
        assert.deepStrictEqual([migrate.image, migrate.build], [server.image, server.build]);
        assert.deepStrictEqual(migrate.volumes, server.volumes, "reads the auth config the server reads");
        assert.strictEqual(migrate.environment.MLFLOW_AUTH_CONFIG_PATH, server.environment.MLFLOW_AUTH_CONFIG_PATH);
        const script = migrate.command[1];
        assert.deepStrictEqual(migrate.command, ["python", script]);
        assert.strictEqual(script, CONTAINER.mlflowMigrateAuthDb);
        // After the restore too: a migrated (non-empty) auth database would make a restore on a new VM refuse the set.
        assert.deepStrictEqual(migrate.depends_on, { postgres: { condition: "service_healthy" }, "db-restore": { condition: "service_completed_successfully" } });
    });

    it("pins the MLflow server to the version of the jobs' clients", () => {
        const requirements = fs.readFileSync(path.resolve(__dirname, "../../../jobs/requirements-dev.txt"), "utf8");
        assert.match(requirements, new RegExp(`^mlflow==${VERSIONS.mlflow.replace(/\./g, "\\.")}$`, "m"));
    });
});

describe("orchestrator services: bad input is refused before anything is rendered", () => {
    const refuses = (thunk: () => unknown, key: RegExp) =>
        assert.throws(thunk, (error: unknown) => error instanceof ConfigError && key.test(error.key) && /Fix:/.test(error.message));

    it("refuses a relative or quoted path", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, paths: { ...SAMPLE_SERVICES_INPUT.paths, dags: "dags" } }, samplePipelineInput("persistent")), /paths\.dags/);
    });

    it("refuses equal ports", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, mlflowPort: 8080 }, samplePipelineInput("persistent")), /mlflowPort/);
    });

    it("refuses a secret with a quote (env files hold values single-quoted)", () => {
        refuses(() => renderSecretFiles(SAMPLE_SERVICES_INPUT, { ...SENTINEL_SECRETS, airflowJwtSecret: "it's-a-secret" }), /airflowJwtSecret/);
    });

    it("refuses a Fernet key that is not 32 bytes", () => {
        refuses(() => renderSecretFiles(SAMPLE_SERVICES_INPUT, { ...SENTINEL_SECRETS, airflowFernetKey: Buffer.alloc(16).toString("base64") }), /airflowFernetKey/);
    });

    it("refuses a bucket given as a URI", () => {
        refuses(() => renderServiceFiles({ ...SAMPLE_SERVICES_INPUT, mlflowBucket: "s3://bucket" }, samplePipelineInput("persistent")), /mlflowBucket/);
    });
});

describe("orchestrator services: UI access", () => {
    const withProxy: ServicesInput = { ...SAMPLE_SERVICES_INPUT, proxy: SAMPLE_PROXY };
    const proxySecrets = { ...SENTINEL_SECRETS, proxyPrivateKeyPem: SAMPLE_PROXY_KEY_PEM };
    const compose = (input: ServicesInput) =>
        yaml.load(renderServiceFiles(input, samplePipelineInput("persistent")).find((f) => f.path.endsWith("/docker-compose.yaml"))!.content) as ComposeFile;
    const published = (file: ComposeFile) => Object.entries(file.services).flatMap(([name, s]) => ((s as { ports?: string[] }).ports ?? []).map((p) => `${name} ${p}`));

    it("without the proxy: Airflow on the VM's loopback only, MLflow for the cluster, nothing on 443", () => {
        assert.deepStrictEqual(published(compose(SAMPLE_SERVICES_INPUT)), ["airflow-api-server 127.0.0.1:8080:8080", "mlflow 5000:5000"]);
        assert.ok(!serviceFiles.some((f) => f.path.includes("/proxy/")));
        assert.ok(!secretFiles.some((f) => f.path.includes("/proxy/")));
    });

    it("with the proxy: Caddy publishes 443 (and 80, which only redirects), UIs stay as they are", () => {
        const file = compose(withProxy);
        assert.deepStrictEqual(published(file), ["airflow-api-server 127.0.0.1:8080:8080", "mlflow 5000:5000", "proxy 443:443", "proxy 80:80"]);
        const proxy = file.services.proxy;
        assert.strictEqual(proxy.image, `caddy:${VERSIONS.caddy}-alpine`);
        assert.deepStrictEqual(proxy.volumes, [`./proxy:${CONTAINER.proxyConfigDir}:ro`, `${SAMPLE_SERVICES_INPUT.paths.secrets}/proxy:${CONTAINER.proxyKeyDir}:ro`]);
        const files = renderServiceFiles(withProxy, samplePipelineInput("persistent"));
        matchSnapshot("proxy__Caddyfile", files.find((f) => f.path.endsWith(`/${FILES.proxyConfig}`))!.content);
        assert.strictEqual(files.find((f) => f.path.endsWith(`/${FILES.proxyCertificate}`))?.content, SAMPLE_PROXY.certificatePem);
    });

    it("keeps the proxy's private key in its own 0600 secret file only", () => {
        const secrets = renderSecretFiles(withProxy, proxySecrets);
        const holders = [...secrets, ...renderServiceFiles(withProxy, samplePipelineInput("persistent"))].filter((f) => f.content.includes("SENTINEL-proxy-private-key"));
        assert.deepStrictEqual(holders.map((f) => [f.path, f.mode]), [[`${SAMPLE_SERVICES_INPUT.paths.secrets}/${SECRET_FILES.proxyPrivateKey}`, 0o600]]);
    });

    it("refuses a proxy key without a proxy, a proxy without its key, and a bad server name", () => {
        const refuses = (thunk: () => unknown, key: RegExp) => assert.throws(thunk, (error: unknown) => error instanceof ConfigError && key.test(error.key));
        refuses(() => renderSecretFiles(SAMPLE_SERVICES_INPUT, proxySecrets), /proxyPrivateKeyPem/);
        refuses(() => renderSecretFiles(withProxy, SENTINEL_SECRETS), /proxyPrivateKeyPem/);
        refuses(() => renderServiceFiles({ ...withProxy, proxy: { ...SAMPLE_PROXY, serverName: "https://x" } }, samplePipelineInput("persistent")), /proxy\.serverName/);
    });
});
