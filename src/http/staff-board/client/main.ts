import { togglePickList } from './board.js'
import { byId, elementById } from './dom.js'
import { endSessionAndSignOut, handleFailure, showSignIn, startSession } from './session.js'
import { openedFromPasswordLink, setPassword } from './set-password.js'
import { enterAsSignedIn, showStorePicker, signIn } from './sign-in.js'
import { loadSession } from './storage.js'

/**
 * The board's script, served from /staff/board.js: bundled by `npm run build:board` into one
 * function scope, so nothing leaks onto window. It wires the page's buttons and resumes this tab's
 * session if it has one.
 */
async function boot(): Promise<void> {
  elementById('sign-in-form', HTMLFormElement).addEventListener('submit', signIn)
  byId('sign-out').addEventListener('click', endSessionAndSignOut)
  byId('change-store').addEventListener('click', showStorePicker)
  byId('pick-list-toggle').addEventListener('click', togglePickList)
  elementById('set-password-form', HTMLFormElement).addEventListener('submit', setPassword)
  if (openedFromPasswordLink()) return
  const session = loadSession()
  if (!session) return showSignIn('')
  startSession(session)
  try {
    await enterAsSignedIn()
  } catch (error) {
    if (!handleFailure(error)) showSignIn(error instanceof Error ? error.message : String(error))
  }
}

boot()
