import { type Context, Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { etag } from 'hono/etag'
import { secureHeaders } from 'hono/secure-headers'
import { localeFromAcceptLanguage } from '../../modules/shared/locale.js'
import { BOARD_SCRIPT } from './board-script.generated.js'
import type { BoardLocale } from './client/strings.js'
import { renderBoardPage } from './staff-board.page.js'
import { BOARD_STYLES } from './staff-board.styles.js'

const SCRIPT_PATH = '/staff/board.js'
const STYLE_PATH = '/staff/board.css'

/**
 * Nothing inline and nothing from elsewhere: the page runs only its own script, talks only to its
 * own origin, and cannot be framed. Trusted Types make any innerHTML-style sink throw.
 */
const boardHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    connectSrc: ["'self'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    baseUri: ["'none'"],
    frameAncestors: ["'none'"],
    requireTrustedTypesFor: ["'script'"],
    trustedTypes: ["'none'"],
  },
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  // HSTS is for the whole host (and its subdomains): the TLS edge sets it, not one page.
  strictTransportSecurity: false,
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [] },
})

/** FNV-1a: a short, stable fingerprint of an asset, so its versioned URL can be cached for good. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

const LANGUAGE_COOKIE = 'board_lang'

/**
 * The board's language: the switch's choice (`?lang=`, then kept in a cookie for a year), else the
 * browser's Accept-Language, else English. The script follows a signed-in member's own language
 * when the switch has not chosen one.
 */
function boardLocaleOf(c: Context): { locale: BoardLocale; chosen: boolean } {
  const asked = c.req.query('lang')
  if (asked === 'en' || asked === 'fr') {
    setCookie(c, LANGUAGE_COOKIE, asked, { path: '/staff', sameSite: 'Strict', maxAge: 31_536_000, httpOnly: true })
    return { locale: asked, chosen: true }
  }
  const kept = getCookie(c, LANGUAGE_COOKIE)
  if (kept === 'en' || kept === 'fr') return { locale: kept, chosen: true }
  return { locale: localeFromAcceptLanguage(c.req.header('Accept-Language')) ?? 'en', chosen: false }
}

function serveAsset(c: Context, body: string, contentType: string, version: string) {
  // The page links the versioned URL; any other request for the asset revalidates.
  const cacheControl = c.req.query('v') === version ? 'public, max-age=31536000, immutable' : 'no-cache'
  return c.body(body, 200, { 'Content-Type': contentType, 'Cache-Control': cacheControl })
}

/** GET /staff: the pickup board page, its script and its stylesheet (all embedded, no disk reads). */
export function staffBoardRoutes() {
  const scriptVersion = fingerprint(BOARD_SCRIPT)
  const styleVersion = fingerprint(BOARD_STYLES)
  const assets = { scriptUrl: `${SCRIPT_PATH}?v=${scriptVersion}`, styleUrl: `${STYLE_PATH}?v=${styleVersion}` }
  const pages = new Map(
    (['en', 'fr'] as const).flatMap((locale) =>
      [true, false].map((chosen) => [`${locale}:${chosen}`, renderBoardPage(assets, locale, chosen)] as const),
    ),
  )
  const page = (c: Context, cacheControl: string) => {
    const { locale, chosen } = boardLocaleOf(c)
    return c.html(pages.get(`${locale}:${chosen}`) ?? '', 200, {
      'Cache-Control': cacheControl,
      Vary: 'Accept-Language, Cookie',
      'Content-Language': locale,
    })
  }
  return (
    new Hono()
      .use('/staff', boardHeaders, etag())
      .use('/staff/*', boardHeaders, etag())
      .get('/staff', (c) => page(c, 'no-cache'))
      .get('/staff/', (c) => c.redirect('/staff', 301))
      // The mailed invite and reset links land here; the token stays in the fragment, never sent.
      .use('/staff/password', boardHeaders)
      .get('/staff/password', (c) => page(c, 'no-store'))
      .get(SCRIPT_PATH, (c) => serveAsset(c, BOARD_SCRIPT, 'text/javascript; charset=utf-8', scriptVersion))
      .get(STYLE_PATH, (c) => serveAsset(c, BOARD_STYLES, 'text/css; charset=utf-8', styleVersion))
  )
}
