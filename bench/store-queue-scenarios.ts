import { isDeepStrictEqual } from 'node:util'
import { globalId, graphqlRequest, property, type Scenario } from './scenarios.js'

/** What a board card shows of an order; the fan-out's subscription asks for the same. */
export const BOARD_ORDER_FIELDS =
  'id number status pickupSlotStart arrivedAt waitingMinutes isLate lines { sku title quantity }'

const BOARD_QUERY = `query Board($storeId: ID!, $first: Int!) {
  storeOrders(storeId: $storeId, first: $first) {
    edges { node { ${BOARD_ORDER_FIELDS} } }
    pageInfo { hasNextPage }
  }
}`

/** storeOrders' largest page (maxSize in order.schema.ts): a page of the whole queue is refused. */
export const BOARD_MAX_PAGE = 200

/**
 * The board of the busy store, read by its manager: the first page a board shows, and the largest
 * page the API allows; both sides send the same bearer token.
 */
export function storeQueueScenarios(board: { storeId: string; staffToken: string }): Scenario[] {
  const authorization = `Bearer ${board.staffToken}`
  return [50, BOARD_MAX_PAGE].map((first) => ({
    key: 'store-queue',
    name: `storeOrders(first: ${first}), 500 open orders, staff`,
    graphql: {
      ...graphqlRequest(BOARD_QUERY, { storeId: globalId('Store', board.storeId), first }),
      headers: { 'content-type': 'application/json', authorization },
    },
    bare: {
      method: 'GET',
      path: `/bare/store-orders?storeId=${board.storeId}&first=${first}`,
      headers: { authorization },
    },
    check: sameBoard(first),
  }))
}

/** Both sides return the same full page, with a next page, in the board's order. */
function sameBoard(first: number) {
  return (graphql: unknown, bare: unknown): string => {
    const graphqlPage = property(property(graphql, 'data'), 'storeOrders')
    const barePage = property(property(bare, 'data'), 'storeOrders')
    if (!isDeepStrictEqual(graphqlPage, barePage)) throw new Error('GraphQL and the bare route return different boards')
    const edges = property(graphqlPage, 'edges')
    if (!Array.isArray(edges) || edges.length !== first)
      throw new Error(`expected ${first} orders, got ${Array.isArray(edges) ? edges.length : 'none'}`)
    if (property(property(graphqlPage, 'pageInfo'), 'hasNextPage') !== true) throw new Error('expected a next page')
    const nodes = edges.map((edge) => property(edge, 'node'))
    const statuses = new Map<string, number>()
    for (const node of nodes) {
      const status = String(property(node, 'status'))
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
    const waiting = nodes.filter((node) => property(node, 'waitingMinutes') !== null).length
    const lines = nodes.reduce((sum: number, node) => {
      const orderLines = property(node, 'lines')
      return sum + (Array.isArray(orderLines) ? orderLines.length : 0)
    }, 0)
    const mix = [...statuses].map(([status, count]) => `${count} ${status}`).join(', ')
    return `${first} orders (${mix}; ${waiting} customers waiting; ${lines} lines), identical JSON`
  }
}
