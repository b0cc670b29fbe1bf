import { openBoard } from './board.js'
import { byId, el, elementById } from './dom.js'
import { gql } from './graphql.js'
import { followStaffLocale, t } from './i18n.js'
import { handleFailure, sessionFrom, signOut, startSession } from './session.js'
import { currentToken, state, stopBoard } from './state.js'
import { forgetStoreId, savedStoreId, saveStoreId } from './storage.js'
import type { Store } from './types.js'
import { messageOf, show } from './view.js'

/** The way in: sign in, then the staff member's own store or, for an admin, the store they choose. */

/** The sign-in form's fields, typed: a missing one is a bug in the page. */
const signInFields = {
  email: () => elementById('sign-in-email', HTMLInputElement),
  password: () => elementById('sign-in-password', HTMLInputElement),
  submit: () => elementById('sign-in-submit', HTMLButtonElement),
}

export async function signIn(event: SubmitEvent): Promise<void> {
  event.preventDefault()
  const email = signInFields.email().value.trim()
  const password = signInFields.password().value
  const line = byId('sign-in-error')
  line.textContent = ''
  if (!email || !password) {
    line.textContent = t.enterEmailAndPassword
    return
  }
  signInFields.submit().disabled = true
  try {
    const payload = (await gql('signIn', { input: { email, password } }, null)).staffSignIn
    const session = sessionFrom(payload)
    if (payload.userErrors.length > 0 || !session) {
      line.textContent = messageOf(payload.userErrors) || t.signInFailed
      return
    }
    signInFields.password().value = ''
    startSession(session)
    await enterAsSignedIn()
  } catch (error) {
    handleFailure(error, line)
  } finally {
    signInFields.submit().disabled = false
  }
}

/** A member of one store goes to it; admins and members of several choose one (kept for this tab). */
export async function enterAsSignedIn(): Promise<void> {
  const staff = (await gql('staffMe', {}, currentToken())).staffMe
  if (!staff) return signOut(t.staffAccountNeeded)
  if (followStaffLocale(staff.locale)) return
  state.staff = staff
  const [onlyStore, ...others] = staff.stores
  if (onlyStore && others.length === 0) return openBoard(onlyStore)
  const saved = savedStoreId()
  const mayOpen = (id: string) => staff.stores.length === 0 || staff.stores.some((store) => store.id === id)
  if (saved && mayOpen(saved)) {
    try {
      const data = await gql('store', { id: saved }, currentToken())
      if (data.store) return openBoard(data.store)
    } catch (error) {
      if (handleFailure(error)) return
    }
  }
  return showStorePicker()
}

export async function showStorePicker(): Promise<void> {
  stopBoard()
  forgetStoreId()
  show('store-view')
  const list = byId('store-list')
  list.replaceChildren()
  byId('store-error').textContent = ''
  try {
    // A member of several stores chooses among theirs; an admin among all.
    const own = state.staff?.stores ?? []
    const stores =
      own.length > 0 ? own : (await gql('stores', {}, currentToken())).stores.edges.map((edge) => edge.node)
    const choose = (store: Store) => () => {
      saveStoreId(store.id)
      openBoard(store)
    }
    list.replaceChildren(
      ...stores.map((store) =>
        el(
          'li',
          null,
          el(
            'button',
            { type: 'button', className: 'secondary', onclick: choose(store) },
            `${store.name} · ${store.code}`,
          ),
        ),
      ),
    )
  } catch (error) {
    handleFailure(error, byId('store-error'))
  }
}
