// systemd unit that brings the compose project up at boot (and builds the images on first start).
// Restart policies keep containers alive while Docker runs; the unit covers boot and a stopped project.
export function renderBootUnit(composeDir: string): string {
    const compose = `/usr/bin/docker compose --project-directory ${composeDir}`;
    return [
        "[Unit]",
        "Description=Fraud MLOps services (PostgreSQL, Airflow, MLflow) via docker compose",
        "Requires=docker.service",
        "After=docker.service network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        `WorkingDirectory=${composeDir}`,
        `ExecStart=${compose} up --detach --build --wait --wait-timeout 900`,
        `ExecStop=${compose} stop`,
        "TimeoutStartSec=1800",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}
