// IPv4 CIDR arithmetic for validating network settings before anything is declared.

export interface Cidr {
    readonly text: string;
    /** First address as an unsigned 32-bit number. */
    readonly start: number;
    /** Last address as an unsigned 32-bit number. */
    readonly end: number;
    readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a message instead of throwing so callers can name their own key. */
export function parseCidr(text: string): Cidr | string {
    const match = CIDR_PATTERN.exec(text);
    if (!match) return `"${text}" is not an IPv4 CIDR like 10.10.0.0/24`;
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((octet) => octet > 255) || prefix > 32) return `"${text}" has an octet above 255 or a prefix above 32`;
    const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
    const size = 2 ** (32 - prefix);
    const start = Math.floor(address / size) * size;
    if (start !== address) {
        return `"${text}" has host bits set; the network is ${formatAddress(start)}/${prefix}`;
    }
    return { text, start, end: start + size - 1, prefix };
}

export function formatAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.start <= b.end && b.start <= a.end;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
    return outer.start <= inner.start && inner.end <= outer.end;
}

/** RFC 1918 ranges: the only ones Yandex VPC accepts for subnets. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text) as Cidr);
