// Address ranges Docker may use on the orchestrator VM. Pinned in the daemon config (cloud-init) so the
// network validator can refuse a VPC subnet that would collide with them: a container network that
// overlaps the subnet makes the VM route cluster traffic into Docker instead of the VPC.
export const DOCKER_BRIDGE_IP = "172.17.0.1/16";
export const DOCKER_BRIDGE_CIDR = "172.17.0.0/16";
/** Compose networks are carved from this pool, /24 each. */
export const DOCKER_POOL_CIDR = "172.18.0.0/16";
export const DOCKER_POOL_NETWORK_SIZE = 24;
export const DOCKER_RANGES = [DOCKER_BRIDGE_CIDR, DOCKER_POOL_CIDR] as const;
