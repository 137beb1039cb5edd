// Docker's address ranges live with the config (infra/config/docker-network.ts): the network check refuses
// a subnet that collides with them, and infra/config imports nothing from other infra modules.
export * from "../config/docker-network";
