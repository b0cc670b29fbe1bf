/**
 * Splits `totalMinor` across `weights` in proportion, to the minor unit, by largest remainder:
 * each share is floored, and the units left over go to the largest fractional parts, ties to
 * the lower index so the same input always gives the same split. BigInt because total × weight
 * can pass 2^53 on a large order.
 *
 * When totalMinor ≤ sum(weights), no share exceeds its weight, which is what lets a discount be
 * capped by what each line still costs.
 */
export function allocateByLargestRemainder(totalMinor: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalMinor) || totalMinor < 0)
    throw new RangeError('totalMinor must be a non-negative integer')
  const weightSum = weights.reduce((sum, weight) => {
    if (!Number.isSafeInteger(weight) || weight < 0) throw new RangeError('weights must be non-negative integers')
    return sum + BigInt(weight)
  }, 0n)
  if (weightSum === 0n) {
    if (totalMinor === 0) return weights.map(() => 0)
    throw new RangeError('cannot allocate a non-zero total over zero weights')
  }
  const total = BigInt(totalMinor)
  const shares = weights.map((weight) => (total * BigInt(weight)) / weightSum)
  const remainders = weights.map((weight, index) => ({ index, remainder: (total * BigInt(weight)) % weightSum }))
  let leftover = total - shares.reduce((sum, share) => sum + share, 0n)
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1))
  for (const { index } of remainders) {
    if (leftover === 0n) break
    shares[index] = (shares[index] ?? 0n) + 1n
    leftover -= 1n
  }
  return shares.map(Number)
}
