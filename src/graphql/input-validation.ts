import { GraphQLError, Kind, visit } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { z } from 'zod'

/**
 * The validators every input of the schema shares, so that one rule has one definition: a
 * quantity, an amount of money, a pickup pass, and text the database can store.
 */

/** The most units one line of any request may name: far above a real basket, far below a column's limit. */
export const MAX_INPUT_QUANTITY = 999

/** How many units of one line: at least one. */
export const quantityInput = z.number().int().min(1).max(MAX_INPUT_QUANTITY)

/** A quantity where 0 means "remove the line". */
export const quantityOrZeroInput = z.number().int().min(0).max(MAX_INPUT_QUANTITY)

/**
 * A decimal amount in major units ("20.00"), in the shape parseMajorUnits reads. Its minor-unit
 * value depends on the currency, so the ceiling (MAX_MONEY_MINOR) is applied there.
 */
export const moneyAmountInput = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,3})?$/, 'an amount is a plain decimal such as "20.00"')

/** A scanned QR pickup pass: never empty (an empty one names no order). */
export const pickupPassInput = z.string().min(1, 'pickupPass is empty').max(200)

/**
 * PostgreSQL refuses NUL in text and jsonb ("invalid byte sequence"), so a NUL in any argument
 * would fail deep inside a query. Refusing it here, once for every string of every operation,
 * answers BAD_USER_INPUT before anything runs, whichever field carries it.
 */
export function refuseUnstorableText(): Plugin {
  const refusal = () => ({ errors: [unstorableTextError()] })
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (carriesUnstorableText(args.document, args.variableValues)) setResultAndStopExecution(refusal())
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (carriesUnstorableText(args.document, args.variableValues)) setResultAndStopExecution(refusal())
    },
  }
}

function unstorableTextError(): GraphQLError {
  return new GraphQLError('Text may not contain the NUL character (\\u0000).', {
    extensions: { code: 'BAD_USER_INPUT' },
  })
}

type Document = Parameters<typeof visit>[0]

function carriesUnstorableText(document: Document, variables: unknown): boolean {
  return containsNul(variables) || documentContainsNul(document)
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (Array.isArray(value)) return value.some(containsNul)
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item))
  }
  return false
}

/** Literal strings written into the operation itself (arguments and variable defaults). */
function documentContainsNul(document: Document): boolean {
  let found = false
  visit(document, {
    [Kind.STRING]: (node) => {
      if (node.value.includes('\u0000')) found = true
    },
  })
  return found
}

/** A language messages and the staff board are written in. */
export const localeInput = z.enum(['en', 'fr'])
