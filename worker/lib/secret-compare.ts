/**
 * Constant-time comparison of a presented secret with the expected one.
 * Both sides are hashed first so neither their contents nor their lengths leak through timing.
 */
const encoder = new TextEncoder();

export async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  // timingSafeEqual is a workerd extension of SubtleCrypto.
  return (crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBuffer, b: ArrayBuffer): boolean })
    .timingSafeEqual(a, b);
}
