import { byId, elementById } from './dom.js'
import { gql } from './graphql.js'
import { t } from './i18n.js'
import { showSignIn } from './session.js'
import { messageOf, show } from './view.js'

/**
 * The page a mailed invite or reset link opens: /staff/password#token=…. The token travels in the
 * fragment, so it reaches neither the server's logs nor a Referer; it is sent only in the body of
 * staffPasswordSet, and wiped from the address bar as soon as it is read.
 */
const PASSWORD_PATH = '/staff/password'

let linkToken: string | null = null

const fields = {
  password: () => elementById('set-password-new', HTMLInputElement),
  repeat: () => elementById('set-password-repeat', HTMLInputElement),
  submit: () => elementById('set-password-submit', HTMLButtonElement),
}

/** True when this page was opened from a password link, which it then shows instead of the board. */
export function openedFromPasswordLink(): boolean {
  if (location.pathname !== PASSWORD_PATH) return false
  linkToken = new URLSearchParams(location.hash.slice(1)).get('token')
  history.replaceState(null, '', PASSWORD_PATH)
  if (!linkToken) {
    showSignIn(t.linkIncomplete)
    return true
  }
  show('set-password-view')
  fields.password().focus()
  return true
}

export async function setPassword(event: SubmitEvent): Promise<void> {
  event.preventDefault()
  const line = byId('set-password-error')
  const password = fields.password().value
  line.textContent = ''
  if (!password) {
    line.textContent = t.choosePassword
    return
  }
  if (password !== fields.repeat().value) {
    line.textContent = t.passwordsDiffer
    return
  }
  if (!linkToken) return showSignIn(t.linkIncomplete)
  fields.submit().disabled = true
  try {
    const payload = (await gql('setPassword', { input: { token: linkToken, password } }, null)).staffPasswordSet
    if (payload.userErrors.length > 0) {
      line.textContent = messageOf(payload.userErrors)
      return
    }
    linkToken = null
    fields.password().value = ''
    fields.repeat().value = ''
    history.replaceState(null, '', '/staff')
    showSignIn('')
    byId('sign-in-notice').textContent = t.passwordSet
  } catch (error) {
    line.textContent = error instanceof Error ? error.message : String(error)
  } finally {
    fields.submit().disabled = false
  }
}
