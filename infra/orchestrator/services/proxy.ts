// Caddyfile of the TLS proxy (fraud-mlops:orchestrator.tls.enabled): one HTTPS port for both UIs, plain HTTP
// only redirected. MLflow runs with --static-prefix MLFLOW_UI_PREFIX, so its UI, its browser calls and its
// REST API have paths of their own; everything else is Airflow. Pure; validated by `caddy validate` of the
// pinned Caddy version in proxy-validation.test.ts.
import { ProxyInput } from "./inputs";
import { CONTAINER, MLFLOW_UI_PREFIX, SERVICE_NAMES as S } from "./layout";

/** Paths the proxy sends to MLflow: UI (prefixed), UI calls (prefixed), REST API, GraphQL. */
export const MLFLOW_PROXY_PATHS = [MLFLOW_UI_PREFIX, `${MLFLOW_UI_PREFIX}/*`, "/api/2.0/*", "/graphql"] as const;

export const AIRFLOW_UPSTREAM = `${S.airflowApiServer}:8080`;
export const MLFLOW_UPSTREAM = `${S.mlflow}:5000`;

export function renderCaddyfile(proxy: ProxyInput): string {
    return [
        "# Rendered by infra/orchestrator/services/proxy.ts: TLS in front of Airflow and MLflow.",
        "{",
        "\t# No admin API and no automatic certificates: the certificate comes from the deployment.",
        "\tadmin off",
        "\tauto_https off",
        // Clients that connect by IP address send no SNI: answer them with the deployment's certificate.
        `\tdefault_sni ${proxy.serverName}`,
        "}",
        "",
        "http:// {",
        "\tredir https://{host}{uri} permanent",
        "}",
        "",
        "https:// {",
        `\ttls ${CONTAINER.proxyCertificate} ${CONTAINER.proxyPrivateKey}`,
        "\theader Strict-Transport-Security \"max-age=31536000\"",
        `\t@mlflow path ${MLFLOW_PROXY_PATHS.join(" ")}`,
        "\thandle @mlflow {",
        `\t\treverse_proxy ${MLFLOW_UPSTREAM}`,
        "\t}",
        "\thandle {",
        `\t\treverse_proxy ${AIRFLOW_UPSTREAM}`,
        "\t}",
        "}",
        "",
    ].join("\n");
}
