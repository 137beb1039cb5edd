// The rendered compose file, loaded by compose-go (the library inside `docker compose`, the version of the
// VM's compose plugin) with the rendered env files: schema, references and env_file parsing are the real ones.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderSecretFiles, renderServiceFiles, ServicesInput } from "./index";
import { CONTAINER, SECRET_FILES } from "./layout";
import { buildComposeValidator, validateCompose } from "./testing/compose-validator";
import { samplePipelineInput, SAMPLE_PROXY, SAMPLE_PROXY_KEY_PEM, SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS } from "./testing/samples";
import { writeRendered } from "./testing/render-samples";

interface ResolvedService {
    environment: Record<string, string | null>;
    volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
}

describe("orchestrator services: compose file under compose-go", function () {
    this.timeout(180_000);
    let binary: string;
    let root: string;
    let input: ServicesInput;

    before(() => {
        binary = buildComposeValidator();
        root = fs.mkdtempSync(path.join(os.tmpdir(), "compose-"));
        // Same renderer, VM folders re-rooted under a temporary folder so env files and build contexts exist.
        const paths = Object.fromEntries(Object.entries(SAMPLE_SERVICES_INPUT.paths).map(([key, value]) => [key, `${root}${value}`]));
        input = { ...SAMPLE_SERVICES_INPUT, paths: paths as unknown as ServicesInput["paths"] };
        writeRendered("/", [...renderServiceFiles(input, samplePipelineInput("persistent")), ...renderSecretFiles(input, SENTINEL_SECRETS)]);
    });

    after(() => fs.rmSync(root, { recursive: true, force: true }));

    const composeFile = () => path.join(input.paths.compose, "docker-compose.yaml");

    it("loads without errors and resolves every service", () => {
        const result = validateCompose(binary, composeFile());
        assert.ok(result.ok, result.output);
        const services = Object.keys(JSON.parse(result.output).services).sort();
        assert.deepStrictEqual(services, ["airflow-api-server", "airflow-dag-processor", "airflow-init", "airflow-scheduler", "db-backup", "db-restore", "mlflow", "mlflow-auth-migrate", "postgres"]);
    });

    it("reads every secret from the env files byte for byte (quoting survives compose's parser)", () => {
        const services: Record<string, ResolvedService> = JSON.parse(validateCompose(binary, composeFile()).output).services;
        const postgres = services.postgres.environment;
        assert.strictEqual(postgres.POSTGRES_PASSWORD, SENTINEL_SECRETS.postgresSuperuserPassword);
        assert.strictEqual(postgres.MLFLOW_DB_PASSWORD, SENTINEL_SECRETS.mlflowDbPassword);
        for (const name of ["airflow-init", "airflow-api-server", "airflow-scheduler", "airflow-dag-processor"]) {
            const env = services[name].environment;
            assert.strictEqual(env.AIRFLOW__API_AUTH__JWT_SECRET, SENTINEL_SECRETS.airflowJwtSecret, `${name}: one JWT secret for all`);
            assert.strictEqual(env.AIRFLOW_ADMIN_PASSWORD, SENTINEL_SECRETS.airflowAdminPassword);
            assert.strictEqual(
                env.AIRFLOW__DATABASE__SQL_ALCHEMY_CONN,
                `postgresql+psycopg2://airflow:${encodeURIComponent(SENTINEL_SECRETS.airflowDbPassword)}@postgres:5432/airflow`,
            );
        }
        assert.strictEqual(services.mlflow.environment.AWS_SECRET_ACCESS_KEY, SENTINEL_SECRETS.mlflowS3SecretAccessKey);
        assert.deepStrictEqual(services.mlflow.volumes?.map((volume) => [volume.type, volume.source, volume.target, volume.read_only]),
            [["bind", path.dirname(path.join(input.paths.secrets, SECRET_FILES.mlflowAuthConfig)), CONTAINER.mlflowAuthDir, true]]);
    });

    it("loads with the TLS proxy on too: Caddy publishes 443 and 80, and mounts folders only", () => {
        const proxied: ServicesInput = { ...input, paths: { ...input.paths, compose: `${input.paths.compose}-proxy` }, proxy: SAMPLE_PROXY };
        writeRendered("/", [...renderServiceFiles(proxied, samplePipelineInput("persistent")), ...renderSecretFiles(proxied, { ...SENTINEL_SECRETS, proxyPrivateKeyPem: SAMPLE_PROXY_KEY_PEM })]);
        const result = validateCompose(binary, path.join(proxied.paths.compose, "docker-compose.yaml"));
        assert.ok(result.ok, result.output);
        const proxy = JSON.parse(result.output).services.proxy as { ports: { target: number; published: string }[]; volumes: { type: string; source: string }[] };
        assert.deepStrictEqual(proxy.ports.map((p) => `${p.published}:${p.target}`).sort(), ["443:443", "80:80"]);
        for (const volume of proxy.volumes) assert.ok(volume.type === "bind" && fs.statSync(volume.source).isDirectory(), volume.source);
    });

    it("rejects a broken file (the validator can fail)", () => {
        const broken = path.join(root, "broken.yaml");
        const text = fs.readFileSync(composeFile(), "utf8").replace("condition: service_healthy", "condition: service_ready");
        fs.writeFileSync(broken, text);
        const result = validateCompose(binary, broken);
        assert.ok(!result.ok);
        assert.match(result.output, /condition/);
    });
});
