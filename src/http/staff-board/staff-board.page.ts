import { BOARD_STRINGS, type BoardLocale } from './client/strings.js'

/**
 * The board's only HTML: static markup, no data and no inline script, so the CSP can forbid both.
 * Written in one language from the one dictionary the script reads too (`client/strings.ts`);
 * `data-language-chosen` tells the script the switch chose it, so a member's own language does
 * not override it.
 */
export function renderBoardPage(
  assets: { scriptUrl: string; styleUrl: string },
  locale: BoardLocale,
  chosen: boolean,
): string {
  const t = BOARD_STRINGS[locale]
  const switchTo = (other: BoardLocale) =>
    `<a href="?lang=${other}" hreflang="${other}" lang="${other}"${other === locale ? ' aria-current="true"' : ''}>${BOARD_STRINGS[other].languageName}</a>`
  return `<!doctype html>
<html lang="${locale}" data-language-chosen="${chosen}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${t.pageTitle}</title>
<link rel="stylesheet" href="${assets.styleUrl}">
<script src="${assets.scriptUrl}" defer></script>
</head>
<body>
<header class="bar">
  <h1>${t.title}</h1>
  <span id="store-name" class="store-name"></span>
  <span id="live-status" class="live" role="status" hidden></span>
  <span class="spacer"></span>
  <span id="staff-name" class="staff-name"></span>
  <nav id="languages" class="languages" aria-label="${t.languages}">${switchTo('en')} ${switchTo('fr')}</nav>
  <button id="change-store" type="button" class="secondary" hidden>${t.changeStore}</button>
  <button id="sign-out" type="button" class="secondary" hidden>${t.signOut}</button>
</header>
<main>
  <noscript><p class="error">${t.needsJavaScript}</p></noscript>
  <section id="sign-in-view" class="panel narrow" hidden>
    <h2>${t.signInTitle}</h2>
    <form id="sign-in-form" method="post" novalidate>
      <label>${t.email} <input id="sign-in-email" name="email" type="email" autocomplete="username" required></label>
      <label>${t.password} <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required></label>
      <p id="sign-in-notice" class="notice" role="status"></p>
      <p id="sign-in-error" class="error" role="alert"></p>
      <button id="sign-in-submit" type="submit">${t.signIn}</button>
    </form>
  </section>
  <section id="set-password-view" class="panel narrow" hidden>
    <h2>${t.setPasswordTitle}</h2>
    <form id="set-password-form" method="post" novalidate>
      <label>${t.newPassword} <input id="set-password-new" name="password" type="password" autocomplete="new-password" required></label>
      <label>${t.repeatPassword} <input id="set-password-repeat" name="repeat" type="password" autocomplete="new-password" required></label>
      <p id="set-password-error" class="error" role="alert"></p>
      <button id="set-password-submit" type="submit">${t.setPassword}</button>
    </form>
  </section>
  <section id="store-view" class="panel narrow" hidden>
    <h2>${t.chooseStore}</h2>
    <p id="store-error" class="error" role="alert"></p>
    <ul id="store-list" class="store-list"></ul>
  </section>
  <section id="board-view" hidden>
    <div class="toolbar">
      <button id="pick-list-toggle" type="button" class="secondary" aria-expanded="false" aria-controls="pick-list">${t.storePickList}</button>
      <p id="notice" class="notice" role="status"></p>
    </div>
    <div id="pick-list" class="panel" hidden></div>
    <p id="board-error" class="error" role="alert"></p>
    <div id="queue" class="columns" aria-live="polite"></div>
  </section>
</main>
</body>
</html>
`
}
