// The rendered Caddyfile checked by Caddy itself, at the image's exact version (scripts/setup-caddy.sh):
// `caddy validate` loads it as the proxy would (certificate files included), `caddy adapt` shows the routes.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CONTAINER } from "./layout";
import { AIRFLOW_UPSTREAM, MLFLOW_PROXY_PATHS, MLFLOW_UPSTREAM, renderCaddyfile } from "./proxy";
import { SAMPLE_PROXY } from "./testing/samples";

const REPO = path.resolve(__dirname, "../../..");

interface Route {
    match?: { path?: string[] }[];
    handle?: Handler[];
}
interface Handler {
    handler: string;
    routes?: Route[];
    upstreams?: { dial: string }[];
    headers?: { Location?: string[] };
    status_code?: number | string;
}

function run(binary: string, args: string[]): { ok: boolean; output: string } {
    try {
        return { ok: true, output: execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
    } catch (error) {
        const failure = error as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? error}` };
    }
}

/** Every handler under a route tree, flattened (subroutes included). */
function handlers(routes: Route[] = []): Handler[] {
    return routes.flatMap((route) => (route.handle ?? []).flatMap((h) => [h, ...handlers(h.routes)]));
}

describe("orchestrator services: TLS proxy config under Caddy's own validator", function () {
    this.timeout(900_000);
    let caddy: string;
    let dir: string;
    let caddyfile: string;

    before(() => {
        caddy = execFileSync(path.join(REPO, "scripts/setup-caddy.sh"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop()!;
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "caddy-"));
        // A real key pair where the container paths point: validate loads the certificate like the proxy does.
        const cert = path.join(dir, "cert.pem");
        const key = path.join(dir, "key.pem");
        execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
            "-subj", "/CN=proxy-test", "-addext", `subjectAltName=IP:${SAMPLE_PROXY.serverName}`, "-days", "2"], { stdio: "ignore" });
        caddyfile = path.join(dir, "Caddyfile");
        fs.writeFileSync(caddyfile, renderCaddyfile(SAMPLE_PROXY).replace(CONTAINER.proxyCertificate, cert).replace(CONTAINER.proxyPrivateKey, key));
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is valid for the pinned Caddy, certificate and key loaded", () => {
        const result = run(caddy, ["validate", "--config", caddyfile, "--adapter", "caddyfile"]);
        assert.ok(result.ok, result.output);
        assert.match(result.output, /Valid configuration/);
    });

    it("terminates TLS on 443 for both UIs and only redirects on 80", () => {
        const config = JSON.parse(run(caddy, ["adapt", "--config", caddyfile, "--adapter", "caddyfile"]).output);
        const servers = Object.values(config.apps.http.servers) as { listen: string[]; routes: Route[]; automatic_https?: unknown }[];
        const https = servers.find((s) => s.listen.includes(":443"))!;
        const http = servers.find((s) => s.listen.includes(":80"))!;
        assert.ok(https && http, JSON.stringify(servers.map((s) => s.listen)));
        assert.ok((https as { tls_connection_policies?: unknown }).tls_connection_policies, "443 terminates TLS");
        const dials = handlers(https.routes).filter((h) => h.handler === "reverse_proxy").map((h) => h.upstreams![0].dial).sort();
        assert.deepStrictEqual(dials, [AIRFLOW_UPSTREAM, MLFLOW_UPSTREAM].sort());
        const mlflowMatch = JSON.stringify(https.routes);
        for (const p of MLFLOW_PROXY_PATHS) assert.ok(mlflowMatch.includes(JSON.stringify(p)), `${p} goes to MLflow`);
        const plain = handlers(http.routes);
        assert.ok(plain.every((h) => h.handler !== "reverse_proxy"), "port 80 proxies nothing");
        assert.ok(plain.some((h) => h.handler === "static_response" && h.headers?.Location?.[0] === "https://{http.request.host}{http.request.uri}"));
        assert.ok(config.apps.tls.certificates.load_files?.length === 1, "the deployment's certificate, no ACME");
    });

    it("refuses a broken config (the validator can fail)", () => {
        const broken = path.join(dir, "Broken");
        fs.writeFileSync(broken, fs.readFileSync(caddyfile, "utf8").replace("reverse_proxy mlflow:5000", "reverse_proxy mlflow:5000 {\n\t\tno_such_option\n"));
        const result = run(caddy, ["validate", "--config", broken, "--adapter", "caddyfile"]);
        assert.ok(!result.ok);
    });
});
