/** Logits divided by the temperature (> 0; 0 is greedy and never reaches here). Returns a new array. */
export function applyTemperature(logits: Float32Array, temperature: number): Float32Array {
  const result = Float32Array.from(logits);
  if (temperature === 1) return result;
  for (let index = 0; index < result.length; index += 1) result[index] = (result[index] ?? 0) / temperature;
  return result;
}
