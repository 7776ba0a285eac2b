// The package (a dependency of ioredis) ships no types.
declare module "cluster-key-slot" {
  /** Hash slot (0-16383) of a key, honouring `{hash tags}`. */
  export default function calculateSlot(key: string | Buffer): number;
}
