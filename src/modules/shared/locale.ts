import type { Locale } from '../../db/database.js'

export type { Locale }

/** The languages messages and the staff board are written in; the first is the fallback. */
export const LOCALES: readonly Locale[] = ['en', 'fr']

export function isLocale(value: unknown): value is Locale {
  return value === 'en' || value === 'fr'
}

/**
 * The first language of an Accept-Language header we write in, by weight then order
 * (`fr-CA,fr;q=0.9,en;q=0.8` → fr); null when none is.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null
  const ranked = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined)
      return { language: tag.trim().toLowerCase().split('-')[0], weight: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
  const found = ranked.find((entry) => isLocale(entry.language))
  return found && isLocale(found.language) ? found.language : null
}

/** A validated input's language, typed (the validator has refused anything else); undefined when not given. */
export function localeOf(value: string | null | undefined): Locale | undefined {
  return isLocale(value) ? value : undefined
}
