// The deploy step replaces every rendered file atomically (a new inode). A container that bind-mounts a
// single file keeps the old inode until it is recreated, so it would read stale settings (e.g. pipeline.json
// after a config change). Rendered files must therefore reach containers through directory mounts.
import * as assert from "assert";
import * as path from "path";
import { composeDocument } from "./compose";
import { renderSecretFiles, renderServiceFiles } from "./index";
import { samplePipelineInput, SAMPLE_PROXY, SAMPLE_PROXY_KEY_PEM, SAMPLE_SERVICES_INPUT, SENTINEL_SECRETS } from "./testing/samples";

interface ComposeService {
    volumes?: (string | { type?: string; source?: string })[];
    secrets?: (string | { source: string })[];
}

/** Host sources of a service's bind mounts, absolute (relative ones resolve against the compose folder). */
function bindSources(service: ComposeService, composeDir: string): string[] {
    return (service.volumes ?? []).flatMap((volume) => {
        const source = typeof volume === "string" ? volume.split(":")[0] : volume.type === "bind" ? volume.source ?? "" : "";
        return source.startsWith("/") || source.startsWith(".") ? [path.posix.resolve(composeDir, source)] : [];
    });
}

/** Every single file a service gets from the host: its bind sources and its compose secrets' files. */
function mountedSources(document: Record<string, unknown>, composeDir: string): Map<string, string[]> {
    const services = document.services as Record<string, ComposeService>;
    const secrets = (document.secrets ?? {}) as Record<string, { file?: string }>;
    const result = new Map<string, string[]>();
    for (const [name, service] of Object.entries(services)) {
        const secretFiles = (service.secrets ?? []).map((s) => secrets[typeof s === "string" ? s : s.source]?.file ?? "").filter(Boolean);
        result.set(name, [...bindSources(service, composeDir), ...secretFiles.map((f) => path.posix.resolve(composeDir, f))]);
    }
    return result;
}

describe("orchestrator services: mounts survive a redeploy", () => {
    // With the TLS proxy on, so its config, certificate and key are covered too.
    const input = { ...SAMPLE_SERVICES_INPUT, proxy: SAMPLE_PROXY };
    const replaced = new Set([
        ...renderServiceFiles(input, samplePipelineInput("persistent")),
        ...renderSecretFiles(input, { ...SENTINEL_SECRETS, proxyPrivateKeyPem: SAMPLE_PROXY_KEY_PEM }),
    ].map((file) => file.path));

    it("bind-mounts no single file that the deploy step replaces (directories only)", () => {
        for (const [service, sources] of mountedSources(composeDocument(input), input.paths.compose)) {
            for (const source of sources) {
                assert.ok(!replaced.has(source), `${service} mounts the single file ${source}, which each deploy replaces with a new inode: mount its folder`);
            }
        }
    });

    it("still reaches every rendered file a container reads through a mounted folder", () => {
        const sources = [...mountedSources(composeDocument(input), input.paths.compose).values()].flat();
        for (const file of ["config/pipeline.json", "postgres/init-databases.sh", "proxy/Caddyfile"]) {
            const host = `${input.paths.compose}/${file}`;
            assert.ok(sources.includes(path.posix.dirname(host)), `${host}'s folder is mounted`);
        }
    });
});
