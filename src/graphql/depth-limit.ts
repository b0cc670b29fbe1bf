import {
  type ASTVisitor,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql'

/**
 * How deep introspection may go: the standard introspection query (GraphiQL's, with its TypeRef
 * fragment nine levels deep) measures 15. Introspection is cyclic (__Type.fields.type.fields…),
 * so it gets a bound like any other field, not an exemption.
 */
export const INTROSPECTION_MAX_DEPTH = 15

const INTROSPECTION_ROOTS = new Set(['__schema', '__type'])

/**
 * Refuses an operation nested deeper than `maxDepth` fields. Unlike graphql-armor's rule, which
 * skips every field named `__schema` (so a cyclic introspection query of any depth ran), it
 * counts every field whatever it or its operation is called; introspection roots get
 * INTROSPECTION_MAX_DEPTH when that is higher. Fragments add no level of their own.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepths = new Map<string, number>()
    const depthOf = (selectionSet: SelectionSetNode | undefined, visiting: Set<string>): number => {
      let deepest = 0
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, visiting))
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection.selectionSet, visiting))
        } else {
          deepest = Math.max(deepest, fragmentDepth(context.getFragment(selection.name.value), visiting))
        }
      }
      return deepest
    }
    // Memoised: a fragment spread many times, or fragments doubling each other, are measured once.
    const fragmentDepth = (fragment: FragmentDefinitionNode | null | undefined, visiting: Set<string>): number => {
      if (!fragment) return 0
      const name = fragment.name.value
      const known = fragmentDepths.get(name)
      if (known !== undefined) return known
      if (visiting.has(name)) return 0 // a cycle: NoFragmentCyclesRule reports it
      visiting.add(name)
      const depth = depthOf(fragment.selectionSet, visiting)
      visiting.delete(name)
      fragmentDepths.set(name, depth)
      return depth
    }
    return {
      OperationDefinition(operation) {
        for (const root of operation.selectionSet.selections) {
          const limit =
            root.kind === Kind.FIELD && INTROSPECTION_ROOTS.has(root.name.value)
              ? Math.max(maxDepth, INTROSPECTION_MAX_DEPTH)
              : maxDepth
          const depth = depthOf({ kind: Kind.SELECTION_SET, selections: [root] }, new Set())
          if (depth > limit) {
            context.reportError(
              new GraphQLError(`Query depth limit of ${limit} exceeded, found ${depth}.`, {
                nodes: [root],
                extensions: { code: 'DEPTH_LIMIT_EXCEEDED' },
              }),
            )
            return
          }
        }
      },
    }
  }
}
