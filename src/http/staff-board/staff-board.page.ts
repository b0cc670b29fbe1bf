/** The board's only HTML: static markup, no data and no inline script, so the CSP can forbid both. */
export function renderBoardPage(assets: { scriptUrl: string; styleUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Pickup board · Comptoir</title>
<link rel="stylesheet" href="${assets.styleUrl}">
<script src="${assets.scriptUrl}" defer></script>
</head>
<body>
<header class="bar">
  <h1>Pickup board</h1>
  <span id="store-name" class="store-name"></span>
  <span id="live-status" class="live" role="status" hidden></span>
  <span class="spacer"></span>
  <span id="staff-name" class="staff-name"></span>
  <button id="change-store" type="button" class="secondary" hidden>Change store</button>
  <button id="sign-out" type="button" class="secondary" hidden>Sign out</button>
</header>
<main>
  <noscript><p class="error">The pickup board needs JavaScript.</p></noscript>
  <section id="sign-in-view" class="panel narrow" hidden>
    <h2>Staff sign-in</h2>
    <form id="sign-in-form" method="post" novalidate>
      <label>Email <input id="sign-in-email" name="email" type="email" autocomplete="username" required></label>
      <label>Password <input id="sign-in-password" name="password" type="password" autocomplete="current-password" required></label>
      <p id="sign-in-notice" class="notice" role="status"></p>
      <p id="sign-in-error" class="error" role="alert"></p>
      <button id="sign-in-submit" type="submit">Sign in</button>
    </form>
  </section>
  <section id="set-password-view" class="panel narrow" hidden>
    <h2>Set your password</h2>
    <form id="set-password-form" method="post" novalidate>
      <label>New password <input id="set-password-new" name="password" type="password" autocomplete="new-password" required></label>
      <label>Repeat it <input id="set-password-repeat" name="repeat" type="password" autocomplete="new-password" required></label>
      <p id="set-password-error" class="error" role="alert"></p>
      <button id="set-password-submit" type="submit">Set password</button>
    </form>
  </section>
  <section id="store-view" class="panel narrow" hidden>
    <h2>Choose a store</h2>
    <p id="store-error" class="error" role="alert"></p>
    <ul id="store-list" class="store-list"></ul>
  </section>
  <section id="board-view" hidden>
    <div class="toolbar">
      <button id="pick-list-toggle" type="button" class="secondary" aria-expanded="false" aria-controls="pick-list">Store pick list</button>
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
