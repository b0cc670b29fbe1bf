import { at, stringAt } from './json.js'
import type { Probe } from './probe.js'

export const foreignDataExport: Probe = {
  name: "a customer exporting another customer's data",
  item: 9,
  async run({ http, world }) {
    const victim = await world.signUpCustomer()
    const me = await http.gql('{ me { id } }', {}, world.arranger({ token: victim.token }))
    const victimId = stringAt(me.data, 'me', 'id')
    if (!victimId) throw new Error(`me failed: ${me.text.slice(0, 200)}`)
    const stranger = await world.signUpCustomer()
    const answer = await http.gql(
      'query($id: ID) { customerDataExport(customerId: $id) }',
      { id: victimId },
      { token: stranger.token, address: http.newAddress() },
    )
    const missing = answer.errors.find(
      (error) => error.code === 'GRAPHQL_VALIDATION_FAILED' && error.message.includes('customerDataExport'),
    )
    if (missing) return [`missing API: customerDataExport (${missing.message})`]
    const exported = at(answer.data, 'customerDataExport')
    return exported != null ? ["a customer exported another customer's data"] : []
  },
}
