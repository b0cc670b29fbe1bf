import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type ValueNode,
} from 'graphql'
import type { Plugin } from 'graphql-yoga'

/** What a list field with `first` but no value and no default returns: the connections' default page. */
const DEFAULT_PAGE_SIZE = 20
const PAGE_SIZE_ARGUMENTS = ['first', 'last']

type Variables = Readonly<Record<string, unknown>> | null | undefined

/**
 * An upper estimate of the work an operation asks for: each field costs 1, and what it selects
 * below costs once per item it may return: its page size (`first`/`last`, given, from a variable
 * or by default) or the number of `ids` it is given. So `products(first: 100) { … }` costs a
 * hundred times its node, where graphql-armor's static rule counted it once.
 * Introspection is counted like any other field.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Variables,
): number {
  const operation = getOperationAST(document, operationName)
  if (!operation) return 0
  const root = schema.getRootType(operation.operation)
  if (!root) return 0
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition)
  }
  return new CostCounter(schema, fragments, variables).selectionCost(operation.selectionSet, root)
}

class CostCounter {
  /** Memoised: fragments spread many times, or doubling each other, are priced once. */
  private readonly fragmentCosts = new Map<string, number>()

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Variables,
  ) {}

  selectionCost(selectionSet: SelectionSetNode | undefined, parent: GraphQLCompositeType): number {
    let cost = 0
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD) cost += this.fieldCost(selection, parent)
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent
        if (isCompositeType(condition)) cost += this.selectionCost(selection.selectionSet, condition)
      } else cost += this.fragmentCost(selection.name.value)
    }
    return cost
  }

  private fragmentCost(name: string): number {
    const known = this.fragmentCosts.get(name)
    if (known !== undefined) return known
    const fragment = this.fragments.get(name)
    const type = fragment && this.schema.getType(fragment.typeCondition.name.value)
    this.fragmentCosts.set(name, 0) // a cycle counts nothing; validation refuses it anyway
    const cost = fragment && isCompositeType(type) ? this.selectionCost(fragment.selectionSet, type) : 0
    this.fragmentCosts.set(name, cost)
    return cost
  }

  private fieldCost(node: FieldNode, parent: GraphQLCompositeType): number {
    const field = fieldDefinition(this.schema, parent, node.name.value)
    const type = field && getNamedType(field.type)
    if (!field || !isCompositeType(type) || !node.selectionSet) return 1
    return 1 + this.itemsOf(node, field) * this.selectionCost(node.selectionSet, type)
  }

  /** How many items a field may return, as far as its arguments tell. */
  private itemsOf(node: FieldNode, field: GraphQLField<unknown, unknown>): number {
    if (field.args.some((arg) => arg.name === 'ids')) {
      const ids = this.valueOf(node, 'ids')
      return Array.isArray(ids) ? ids.length : 1
    }
    const pageArguments = field.args.filter((arg) => PAGE_SIZE_ARGUMENTS.includes(arg.name))
    if (pageArguments.length === 0) return 1
    const sizes = pageArguments
      .map((arg) => countOf(this.valueOf(node, arg.name) ?? arg.defaultValue))
      .filter((size): size is number => size !== null)
    return sizes.length > 0 ? Math.max(...sizes) : DEFAULT_PAGE_SIZE
  }

  private valueOf(node: FieldNode, name: string): unknown {
    const argument = node.arguments?.find((arg) => arg.name.value === name)
    return argument ? literalValue(argument.value, this.variables) : undefined
  }
}

function literalValue(value: ValueNode, variables: Variables): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables?.[value.name.value]
    case Kind.INT:
    case Kind.FLOAT:
      return Number(value.value)
    case Kind.LIST:
      return value.values
    case Kind.NULL:
      return null
    default:
      return undefined
  }
}

function countOf(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isFinite(number) ? Math.max(0, Math.floor(number)) : null
}

/** The field a selection names, the meta-fields (__schema, __type, __typename) included. */
function fieldDefinition(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  name: string,
): GraphQLField<unknown, unknown> | undefined {
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef
  if (parent === schema.getQueryType()) {
    if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef
    if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef
  }
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined
}

/**
 * Refuses, before it runs, an operation whose cost (operationCost) exceeds `maxCost`. At
 * execution rather than validation: page sizes often come in variables, unknown until then.
 */
export function costLimitPlugin(maxCost: number): Plugin {
  const refuseIfTooCostly = ({ args, setResultAndStopExecution }: CostCheck) => {
    const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues)
    if (cost <= maxCost) return
    setResultAndStopExecution({
      errors: [
        new GraphQLError(`Query cost limit of ${maxCost} exceeded, found ${cost}.`, {
          extensions: { code: 'COST_LIMIT_EXCEEDED' },
        }),
      ],
    })
  }
  return { onExecute: refuseIfTooCostly, onSubscribe: refuseIfTooCostly }
}

interface CostCheck {
  args: {
    schema: GraphQLSchema
    document: DocumentNode
    operationName?: string | null
    variableValues?: Variables
  }
  setResultAndStopExecution: (result: ExecutionResult) => void
}
