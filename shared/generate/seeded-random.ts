/**
 * A small seeded generator of floats in [0, 1) (mulberry32): the same seed gives the same draws in
 * every host, so a reply can be reproduced from its seed. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for a reply the user did not give one for (reported, so the reply can be repeated). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}
