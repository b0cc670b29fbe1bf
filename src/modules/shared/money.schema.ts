import { builder } from '../../graphql/builder.js'
import { formatMinorUnits, type Money as MoneyValue } from './money.js'

export const Money = builder.objectRef<MoneyValue>('Money').implement({
  description: 'An amount of money; amountMinor is exact, amount is the same value for display.',
  fields: (t) => ({
    amount: t.string({
      description: 'Decimal string in the major unit, e.g. "12.90".',
      resolve: (money) => formatMinorUnits(money),
    }),
    amountMinor: t.exposeInt('amountMinor', { description: 'Integer amount in minor units, e.g. 1290.' }),
    currencyCode: t.exposeString('currencyCode'),
  }),
})
