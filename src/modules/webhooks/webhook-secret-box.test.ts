import { describe, expect, it } from 'vitest'
import { createWebhookSecretBox, UnopenableWebhookSecretError } from './webhook-secret-box.js'
import { newWebhookSecret } from './webhook-signature.js'

const KEY = 'a-sealing-key-of-at-least-thirty-two-characters'
const box = createWebhookSecretBox({ current: KEY })

describe('webhook secret box', () => {
  it('seals a secret into a value that names its key and does not show it, and opens it again', async () => {
    const secret = newWebhookSecret()
    const sealed = await box.seal(secret)
    expect(sealed).toMatch(/^sealed:v1:[\w-]{8}:[\w-]+$/)
    expect(sealed.startsWith(await box.currentPrefix())).toBe(true)
    expect(sealed).not.toContain(secret.slice('whsec_'.length, 20))
    expect(await box.open(sealed)).toBe(secret)
    // A fresh nonce each time: two endpoints with the same secret would not show it.
    expect(await box.seal(secret)).not.toBe(sealed)
  })

  it('opens a secret kept in clear as itself', async () => {
    const secret = newWebhookSecret()
    expect(await box.open(secret)).toBe(secret)
  })

  it('opens what a previous key sealed, and seals under the current one', async () => {
    const sealedBefore = await box.seal('whsec_dGhlIG9sZCBvbmU=')
    const rotated = createWebhookSecretBox({ current: `${KEY}-rotated`, previous: [KEY] })
    expect(await rotated.open(sealedBefore)).toBe('whsec_dGhlIG9sZCBvbmU=')
    expect(await rotated.currentPrefix()).not.toBe(await box.currentPrefix())
    expect((await rotated.seal('whsec_eA==')).startsWith(await rotated.currentPrefix())).toBe(true)
  })

  it('refuses, naming the reason, a value sealed under a key it lacks, altered, or of no known form', async () => {
    const sealed = await box.seal(newWebhookSecret())
    const stranger = createWebhookSecretBox({ current: `${KEY}-elsewhere` })
    await expect(stranger.open(sealed)).rejects.toThrow(UnopenableWebhookSecretError)
    await expect(stranger.open(sealed)).rejects.toThrow(/sealed with key [\w-]{8}, which neither/)
    const last = sealed.at(-2) === 'A' ? 'B' : 'A'
    const altered = `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`
    await expect(box.open(altered)).rejects.toThrow(/does not open: altered or truncated/)
    await expect(box.open('hunter2')).rejects.toThrow(/neither sealed nor a whsec_ secret/)
  })
})
