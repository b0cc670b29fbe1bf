import { BOARD_STRINGS, type BoardLocale } from './strings.js'

/**
 * The language the server wrote the page in (`<html lang>`: the switch's choice, else the
 * browser's Accept-Language), so that the script's strings match the page's.
 */
export const boardLocale: BoardLocale = document.documentElement.lang === 'fr' ? 'fr' : 'en'

export const t = BOARD_STRINGS[boardLocale]

/** Whether someone chose this language with the switch (the server marks the page so). */
export const languageChosen = document.documentElement.dataset.languageChosen === 'true'

/**
 * A member's own board language wins over the browser's, not over the switch: the page is asked
 * for again in it. True when the page is being replaced.
 */
export function followStaffLocale(locale: string | null): boolean {
  if (languageChosen || (locale !== 'en' && locale !== 'fr') || locale === boardLocale) return false
  window.location.replace(`${window.location.pathname}?lang=${locale}`)
  return true
}
