// Host preset names encode their shape: <family><generation>-c<vCPU>-m<GB RAM>, e.g. s3-c4-m16.

export interface HostShape {
    readonly vcpu: number;
    readonly ramGb: number;
    /** Intel Ice Lake (generation 3) is the only platform the price table knows. */
    readonly iceLake: boolean;
}

const PRESET_PATTERN = /^([a-z])(\d+)-c(\d+)-m(\d+)$/;

/** Returns the shape of a preset, or undefined when the name does not follow the pattern. */
export function parsePreset(preset: string): HostShape | undefined {
    const match = PRESET_PATTERN.exec(preset);
    if (!match) {
        return undefined;
    }
    return { vcpu: Number(match[3]), ramGb: Number(match[4]), iceLake: match[2] === "3" };
}
