import { builder } from '../../graphql/builder.js'
import { Product } from '../catalog/catalog.schema.js'
import { Store } from '../stores/store.schema.js'
import { findAvailableForSale } from './sellable-products.service.js'

builder.objectFields(Product, (t) => ({
  availableForSale: t.loadable({
    type: 'Boolean',
    description:
      'On sale, with a variant on sale that a shopper can order now: in this store, or without storeId in any store.',
    byPath: true,
    args: { storeId: t.arg.globalID({ for: Store }) },
    load: (productIds: string[], context, args) =>
      findAvailableForSale(context.db, productIds, args.storeId?.id ?? null),
    resolve: (product) => product.id,
  }),
}))
