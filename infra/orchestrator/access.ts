// How admins reach the Airflow and MLflow UIs (fraud-mlops:orchestrator.tls): pure, so the stack outputs,
// pipeline.json's MLflow link and the README's commands come from one place.
import { UiAccess } from "../config/orchestrator";
import { MLFLOW_UI_PREFIX } from "./services";

export interface UiPorts {
    readonly airflow: number;
    readonly mlflow: number;
}

export interface UiEndpoints {
    /** Where a browser opens Airflow and MLflow: localhost through the tunnel, or the TLS proxy. */
    readonly airflowUrl: string;
    readonly mlflowUrl: string;
}

/** Web UIs of the Data Proc master reached through the VM as jump host: YARN, Spark history, HDFS. */
export const MASTER_UI_PORTS = { yarn: 8088, sparkHistory: 18080, hdfs: 9870 } as const;

export function uiEndpoints(access: UiAccess, vmPublicIp: string, ports: UiPorts): UiEndpoints {
    if (access.tls) {
        const host = access.hostname ?? vmPublicIp;
        return { airflowUrl: `https://${host}/`, mlflowUrl: `https://${host}${MLFLOW_UI_PREFIX}/` };
    }
    return { airflowUrl: `http://localhost:${ports.airflow}/`, mlflowUrl: `http://localhost:${ports.mlflow}${MLFLOW_UI_PREFIX}/` };
}

const forward = (port: number): string => `-L ${port}:127.0.0.1:${port}`;

/** Opens both UIs on localhost (the services listen on the VM's loopback or behind the security group). */
export function uiTunnelCommand(vmUser: string, vmPublicIp: string, ports: UiPorts): string {
    return `ssh -N ${forward(ports.airflow)} ${forward(ports.mlflow)} ${vmUser}@${vmPublicIp}`;
}

/** Opens `ports` of a cluster host on the same localhost ports, hopping through the VM (cluster hosts have no public address). */
export function jumpTunnelCommand(vmUser: string, vmPublicIp: string, host: string, ports: readonly number[]): string {
    return `ssh -N -J ${vmUser}@${vmPublicIp} ${ports.map(forward).join(" ")} ${vmUser}@${host}`;
}

/** Opens the master's web UIs on localhost, hopping through the VM. */
export function masterTunnelCommand(vmUser: string, vmPublicIp: string, masterHost: string): string {
    return jumpTunnelCommand(vmUser, vmPublicIp, masterHost, Object.values(MASTER_UI_PORTS));
}
