/** E.164: a plus, a country code not starting with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/

/** Whether a text message can be addressed to this number as it is written. */
export function isE164(phone: string | null | undefined): phone is string {
  return typeof phone === 'string' && E164.test(phone)
}
